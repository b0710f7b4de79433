import { lazy, ReactNode, Suspense, useCallback, useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import type { Role } from '@reference';
import { signIn } from './api/client';
import { clock } from './format';
import { useI18n } from './i18n';
import { live, useLiveState } from './live';
import { hasRole, homeOf, useSession } from './session';
import { letterKeys, useNow } from './components/common';
import { CaseScreen } from './screens/CaseScreen';
import { DispatchBoard } from './screens/DispatchBoard';
import { QueueScreen } from './screens/QueueScreen';
import { SupervisorScreen } from './screens/SupervisorScreen';
import { UnitScreen } from './screens/UnitScreen';
import { AdminScreen } from './screens/AdminScreen';
import { ReplayScreen } from './screens/ReplayScreen';

// Charts are for analysts and commanders: the operators' and units' screens load without them.
const CommanderScreen = lazy(() => import('./screens/CommanderScreen').then((m) => ({ default: m.CommanderScreen })));
const Dashboard = lazy(() => import('./screens/Dashboard').then((m) => ({ default: m.Dashboard })));
const ReportList = lazy(() => import('./screens/Dashboard').then((m) => ({ default: m.ReportList })));
const ReportTimeline = lazy(() => import('./screens/Dashboard').then((m) => ({ default: m.ReportTimeline })));

const NAV: {
  path: string;
  key: 'navQueue' | 'navSupervisor' | 'navDispatch' | 'navUnit' | 'navDashboard' | 'navCommander' | 'navAdmin' | 'navReplay';
  roles: Role[];
}[] = [
  { path: '/queue', key: 'navQueue', roles: ['operator', 'supervisor'] },
  { path: '/supervisor', key: 'navSupervisor', roles: ['supervisor'] },
  { path: '/dispatch', key: 'navDispatch', roles: ['dispatcher', 'supervisor'] },
  { path: '/unit', key: 'navUnit', roles: ['unit'] },
  { path: '/dashboard', key: 'navDashboard', roles: ['analyst', 'commander'] },
  { path: '/commander', key: 'navCommander', roles: ['commander'] },
  { path: '/admin', key: 'navAdmin', roles: ['admin'] },
  { path: '/replay', key: 'navReplay', roles: ['supervisor', 'commander', 'admin'] },
];

function LiveIndicator() {
  const { t } = useI18n();
  const state = useLiveState();
  const word = { live: t('liveLive'), reconnecting: t('liveReconnecting'), down: t('liveDown') }[state.status];
  return (
    <div className="live" role="status" aria-live="polite">
      <span className={`dot dot-${state.status}`} aria-hidden="true" />
      <span>{word}</span>
      {state.lastHeard && <span className="muted"> · {t(state.status === 'live' ? 'liveUpdated' : 'stale', { time: clock(state.lastHeard) })}</span>}
      {state.status !== 'live' && (
        <button type="button" className="link" onClick={() => live.connect()}>
          {t('liveReconnect')}
        </button>
      )}
    </div>
  );
}

function Header() {
  const { t, language, setLanguage } = useI18n();
  const { user, csrfToken } = useSession();
  const now = useNow();
  const [location] = useLocation();
  const signOut = useCallback(async () => {
    const answer = await fetch('/auth/logout', { method: 'POST', headers: { 'x-csrf-token': csrfToken }, credentials: 'same-origin' });
    live.close();
    const { endSessionUrl } = answer.ok ? ((await answer.json()) as { endSessionUrl: string }) : { endSessionUrl: '/' };
    window.location.replace(endSessionUrl);
  }, [csrfToken, location]);
  return (
    <header className="topbar">
      <a className="skip" href="#main">
        {t('skipToMain')}
      </a>
      <strong className="brand">{t('appName')}</strong>
      <nav aria-label="Menu">
        <ul>
          {NAV.filter((n) => hasRole(user, ...n.roles)).map((n) => (
            <li key={n.path}>
              <Link href={n.path} aria-current={location.startsWith(n.path) ? 'page' : undefined}>
                {t(n.key)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <LiveIndicator />
      <span className="clock" aria-label={t('clockLabel')}>
        {clock(now)}
      </span>
      <span className="who">
        {user.name ?? user.id} <span className="muted">({user.roles.join(', ')})</span>
      </span>
      <button type="button" className="link" lang={language === 'id' ? 'en' : 'id'} onClick={() => setLanguage(language === 'id' ? 'en' : 'id')}>
        {t('switchLanguage')}
      </button>
      <button type="button" onClick={signOut}>
        {t('signOut')}
      </button>
    </header>
  );
}

/** Shows the page only to these roles; the services refuse the rest on their own anyway. */
export function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { t } = useI18n();
  const { user } = useSession();
  if (!hasRole(user, ...roles)) {
    return (
      <div className="panel forbidden" role="alert">
        <h1>{t('forbidden')}</h1>
        <p>{t('forbiddenRole', { roles: user.roles.join(', ') || '—' })}</p>
        <p>
          <Link href={homeOf(user)}>{t('back')}</Link>
        </p>
      </div>
    );
  }
  return <>{children}</>;
}

/**
 * A shift can outlast a session (CONSOLE_SESSION_HOURS): a quarter of an hour before it ends, say so
 * and offer a fresh sign-in, so nobody is sent to the provider in the middle of typing.
 */
function SessionEnding() {
  const { t } = useI18n();
  const { expiresAt } = useSession();
  const now = useNow(15_000);
  if (Date.parse(expiresAt) - now > 15 * 60_000) return null;
  return (
    <p role="alert" className="notice notice-error">
      {t('sessionEnding', { time: clock(expiresAt) })}{' '}
      <button type="button" className="link" onClick={signIn}>
        {t('signInAgain')}
      </button>
    </p>
  );
}

export function App() {
  const { t, language } = useI18n();
  const { user } = useSession();
  const client = useQueryClient();
  const { status } = useLiveState();
  useEffect(() => {
    document.documentElement.lang = language;
    live.connect();
    return () => live.close();
  }, [language]);
  // Pushes missed while the stream was away are not sent again: reload what is on screen when it is
  // back, and every 15 s while it is not.
  useEffect(() => live.onResume(() => void client.invalidateQueries()), [client]);
  useEffect(() => {
    if (status === 'live') return;
    const timer = window.setInterval(() => void client.invalidateQueries(), 15_000);
    return () => window.clearInterval(timer);
  }, [status, client]);
  const [helpOpen, setHelpOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '?' && !(e.target as HTMLElement).closest('input, textarea, select')) setHelpOpen((open) => !open);
      if (e.key === 'Escape') setHelpOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <>
      <Header />
      <SessionEnding />
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p className="panel muted">{t('loading')}</p>}>
          <Switch>
            <Route path="/">
              <Redirect to={homeOf(user)} replace />
            </Route>
            <Route path="/queue">
              <RequireRole roles={['operator', 'supervisor']}>
                <QueueScreen />
              </RequireRole>
            </Route>
            <Route path="/queue/:reportId">
              {(params) => (
                <RequireRole roles={['operator', 'supervisor']}>
                  <CaseScreen key={params.reportId} reportId={params.reportId} />
                </RequireRole>
              )}
            </Route>
            <Route path="/supervisor">
              <RequireRole roles={['supervisor']}>
                <SupervisorScreen />
              </RequireRole>
            </Route>
            <Route path="/dispatch/:incidentId?">
              {(params) => (
                <RequireRole roles={['dispatcher', 'supervisor']}>
                  <DispatchBoard incidentId={params.incidentId ?? null} />
                </RequireRole>
              )}
            </Route>
            <Route path="/unit">
              <RequireRole roles={['unit']}>
                <UnitScreen />
              </RequireRole>
            </Route>
            <Route path="/dashboard/reports/:reportId">
              {(params) => (
                <RequireRole roles={['analyst', 'commander']}>
                  <ReportTimeline reportId={params.reportId} />
                </RequireRole>
              )}
            </Route>
            <Route path="/dashboard/reports">
              <RequireRole roles={['analyst', 'commander']}>
                <ReportList />
              </RequireRole>
            </Route>
            <Route path="/dashboard/:view?">
              {(params) => (
                <RequireRole roles={['analyst', 'commander']}>
                  <Dashboard view={params.view ?? 'volume'} />
                </RequireRole>
              )}
            </Route>
            <Route path="/commander">
              <RequireRole roles={['commander']}>
                <CommanderScreen />
              </RequireRole>
            </Route>
            <Route path="/admin">
              <RequireRole roles={['admin']}>
                <AdminScreen />
              </RequireRole>
            </Route>
            <Route path="/replay">
              <RequireRole roles={['supervisor', 'commander', 'admin']}>
                <ReplayScreen />
              </RequireRole>
            </Route>
            <Route path="/no-screen">
              <div className="panel">
                <h1>{t('forbidden')}</h1>
                <p>{t('forbiddenRole', { roles: user.roles.join(', ') || '—' })}</p>
              </div>
            </Route>
            <Route>
              <div className="panel">
                <h1>{t('notFound')}</h1>
              </div>
            </Route>
          </Switch>
        </Suspense>
      </main>
      {helpOpen && <KeyHelp onClose={() => setHelpOpen(false)} />}
    </>
  );
}

function KeyHelp({ onClose }: { onClose: () => void }) {
  const { t, language } = useI18n();
  const [lettersOn, setLettersOn] = useState(letterKeys.on);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    return () => before?.focus();
  }, []);
  const rows: [string, string, string][] = [
    ['?', 'Daftar pintasan', 'This list'],
    ['↑ ↓', 'Pindah baris di antrean', 'Move between queue rows'],
    ['Enter', 'Buka laporan', 'Open the report'],
    ['Esc', 'Kembali satu tingkat', 'Back one level'],
    ['A', 'Ambil laporan', 'Claim the report'],
    ['L', 'Lepas laporan', 'Release the report'],
    ['1–4', 'Prioritas P1–P4', 'Priority P1–P4'],
    ['K', 'Kirim ke dispatch', 'Forward to dispatch'],
    ['D', 'Tandai duplikat', 'Mark duplicate'],
    ['T', 'Tolak (lalu 1–4 alasan)', 'Reject (then 1–4 reason)'],
    ['S', 'Saran diberikan', 'Advice given'],
    ['E', 'Eskalasi', 'Escalate'],
    ['N', 'Catatan', 'Note'],
    ['U', 'Tugaskan unit (dispatch)', 'Assign a unit (dispatch)'],
    ['Ctrl+Enter', 'Kirim formulir', 'Submit the form'],
  ];
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div role="dialog" aria-modal="true" aria-labelledby="keys-title" className="dialog" onClick={(e) => e.stopPropagation()}>
        <h2 id="keys-title">{t('keysTitle')}</h2>
        <table>
          <tbody>
            {rows.map(([key, id, en]) => (
              <tr key={key}>
                <th scope="row">
                  <kbd>{key}</kbd>
                </th>
                <td>{language === 'id' ? id : en}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <label>
          <input
            type="checkbox"
            checked={lettersOn}
            onChange={(e) => {
              letterKeys.set(e.target.checked);
              setLettersOn(e.target.checked);
            }}
          />{' '}
          {t('letterKeysOn')}
        </label>
        <button type="button" onClick={onClose} autoFocus>
          {t('cancel')}
        </button>
      </div>
    </div>
  );
}
