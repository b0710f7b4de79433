import { FormEvent, ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import {
  CASE_STATUS_LABELS,
  CATEGORY_LABELS,
  CHANNEL_LABELS,
  Priority,
  PRIORITIES,
  REJECTION_REASON_LABELS,
  REJECTION_REASONS,
  RejectionReason,
} from '@reference';
import { answer, ApiError, triage } from '../api/client';
import type { CaseDetail } from '../api/views';
import {
  Announcer,
  CategoryOptions,
  DistrictOptions,
  EventTimeline,
  explain,
  PriorityBadge,
  Section,
  Timer,
  useKeys,
  useNow,
  withKey,
} from '../components/common';
import { LazyMapView as MapView, MapPoint } from '../components/LazyMap';
import { clock, dateTime, label, phone } from '../format';
import { MessageKey, useI18n } from '../i18n';
import { useLiveEvents } from '../live';
import { hasRole, useSession } from '../session';
import { suggestionReasons } from '../suggestion-reasons';

type Form = null | 'note' | 'duplicate' | 'reject' | 'advice' | 'escalate' | 'reassign' | 'split';

/** One case: what was reported, what the system suggests, who holds it, and every triage action by key. */
export function CaseScreen({ reportId }: { reportId: string }) {
  const { t, language } = useI18n();
  const { user, reference } = useSession();
  const client = useQueryClient();
  const [, navigate] = useLocation();
  const now = useNow();
  const [message, setMessage] = useState<{ text: string; urgent: boolean } | null>(null);
  const [form, setForm] = useState<Form>(null);

  const readCase = () => answer<CaseDetail>(triage.GET('/api/v1/reports/{reportId}', { params: { path: { reportId } } }));
  const detail = useQuery({ queryKey: ['case', reportId], queryFn: readCase });
  useLiveEvents(
    (e) => e.source === 'triage' && e.reportId === reportId,
    (events) => {
      const seen = detail.data?.version ?? 0;
      if (events.some((e) => e.version > seen)) void client.invalidateQueries({ queryKey: ['case', reportId] });
    },
  );

  const c = detail.data;
  const holder = c?.claim && Date.parse(c.claim.leaseExpiresAt) > now ? c.claim : null;
  const mine = holder?.operatorId === user.id;
  const supervisor = hasRole(user, 'supervisor');
  const open = c ? ['QUEUED', 'IN_TRIAGE', 'ESCALATED'].includes(c.status) : false;

  const act = useMutation({
    mutationFn: async ({ run }: { run: () => Promise<CaseDetail>; what: string }) => run(),
    onSuccess: (next, { what }) => {
      client.setQueryData(['case', reportId], next);
      void client.invalidateQueries({ queryKey: ['queue'] });
      setMessage({ text: t('done', { what }), urgent: false });
      setForm(null);
    },
    onError: async (error) => {
      if ((error as unknown as ApiError).status !== 409) return setMessage({ text: explain(error, t), urgent: true });
      // Someone acted first: read the case as it is now (keeping what the person typed) and say who holds it.
      const fresh = await client.fetchQuery({ queryKey: ['case', reportId], queryFn: readCase, staleTime: 0 }).catch(() => null);
      const claim = fresh?.claim;
      const heldByOther = claim && claim.operatorId !== user.id && Date.parse(claim.leaseExpiresAt) > Date.now();
      setMessage({
        text: heldByOther
          ? t('errClaimedBy', { name: claim.operatorName ?? claim.operatorId, time: claim.claimedAt ? clock(claim.claimedAt) : '—' })
          : explain(error, t),
        urgent: true,
      });
    },
  });
  // Every change names the version the person saw: if the case moved on, the service answers 409.
  const ifMatch = { 'if-match': String(c?.version ?? 0) };
  const path = { reportId };
  // One action at a time: a second key press or Enter while one is in flight is not sent.
  const run = useCallback((what: MessageKey, call: () => Promise<CaseDetail>) => act.isPending || act.mutate({ run: call, what: t(what) }), [act, t]);

  const claim = () => run('claim', () => answer(triage.POST('/api/v1/reports/{reportId}/claim', { params: { path, header: ifMatch } })));
  const release = () => run('release', () => answer(triage.POST('/api/v1/reports/{reportId}/release', { params: { path, header: ifMatch } })));
  const forward = () => run('forward', () => answer(triage.POST('/api/v1/reports/{reportId}/forward', { params: { path, header: ifMatch } })));

  // Classification is a form the digits 1–4 fill in; it keeps what the person chose across live updates.
  const [classification, setClassification] = useState<{ category: string; priority: Priority; district: string } | null>(null);
  useEffect(() => {
    if (c && classification === null) {
      setClassification({ category: c.category, priority: c.priority, district: c.district ?? '' });
    }
  }, [c, classification]);
  const classify = (e?: FormEvent) => {
    e?.preventDefault();
    if (!classification) return;
    run('classify', () =>
      answer(
        triage.POST('/api/v1/reports/{reportId}/classify', {
          params: { path, header: ifMatch },
          body: { category: classification.category as never, priority: classification.priority, district: classification.district || undefined },
        }),
      ),
    );
  };

  const keys = useMemo(
    () => ({
      a: claim,
      l: release,
      k: forward,
      n: () => setForm('note'),
      d: () => setForm('duplicate'),
      t: () => setForm('reject'),
      s: () => setForm('advice'),
      e: () => setForm('escalate'),
      '1': () => setClassification((x) => x && { ...x, priority: 'P1' }),
      '2': () => setClassification((x) => x && { ...x, priority: 'P2' }),
      '3': () => setClassification((x) => x && { ...x, priority: 'P3' }),
      '4': () => setClassification((x) => x && { ...x, priority: 'P4' }),
      Escape: () => (form ? setForm(null) : navigate('/queue')),
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [reportId, c?.version, form, classification],
  );
  useKeys(keys);

  const mainRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => mainRef.current?.focus(), [reportId]);

  if (detail.isError) {
    return (
      <div className="panel" role="alert">
        <p>{explain(detail.error, t)}</p>
        <Link href="/queue">{t('back')}</Link>
      </div>
    );
  }
  if (!c) return <p className="panel muted">{t('loading')}</p>;

  const districtName = (code: string | null) => reference.jurisdiction.districts.find((d) => d.code === code)?.name ?? code ?? '—';
  const candidates = c.suggestion.duplicateCandidatesNow ?? [];
  const points: MapPoint[] = [
    ...(c.report.location?.latitude != null && c.report.location?.longitude != null
      ? [{ id: c.reportId, latitude: c.report.location.latitude, longitude: c.report.location.longitude, label: c.trackingCode, kind: 'report' as const }]
      : []),
    ...candidates.flatMap((d) =>
      d.latitude != null && d.longitude != null
        ? [{ id: d.reportId, latitude: d.latitude, longitude: d.longitude, label: d.trackingCode ?? d.reportId.slice(0, 8), kind: 'candidate' as const }]
        : [],
    ),
  ];

  return (
    <div className="case-screen">
      <div className="case-head">
        <Link href="/queue" className="link">
          ← {t('navQueue')} <kbd aria-hidden="true">Esc</kbd>
        </Link>
        <h1 ref={mainRef} tabIndex={-1}>
          {t('caseTitle', { code: c.trackingCode })}
        </h1>
        <PriorityBadge priority={c.priority} classified={c.classified} />
        <span className="status-word">{CASE_STATUS_LABELS[c.status][language]}</span>
        <Timer since={c.receivedAt} targetSeconds={reference.priorityTargets[c.priority]?.triageSeconds} now={now} label={t('colWaiting')} />
        {c.overdue && <span className="tag tag-breach">{t('overdue')}</span>}
        {c.suggestion.lowTrust?.flagged && <span className="tag tag-warn">{t('lowTrust')}</span>}
        <span className="holder">
          {holder ? t('heldBy', { name: holder.operatorName ?? holder.operatorId, time: holder.claimedAt ? clock(holder.claimedAt) : '—' }) : t('free')}
        </span>
      </div>
      <Announcer message={message?.text ?? null} urgent={message?.urgent} />

      <div className="case-grid">
        <div className="case-left">
          <Section title={t('description')} id="description">
            <p className="narrative">{c.report.description}</p>
            <dl className="facts">
              <dt>{t('location')}</dt>
              <dd>
                {c.report.location?.address ?? t('locationUnknown')}
                {c.report.location?.latitude != null && (
                  <span className="muted">
                    {' '}
                    ({c.report.location.latitude.toFixed(5)}, {c.report.location.longitude?.toFixed(5)})
                  </span>
                )}
              </dd>
              <dt>{t('district')}</dt>
              <dd>{districtName(c.district)}</dd>
              <dt>{t('peopleInjured')}</dt>
              <dd>{c.report.peopleInjured}</dd>
              <dt>{t('peopleInvolved')}</dt>
              <dd>{c.report.peopleInvolved}</dd>
              <dt>{t('channel')}</dt>
              <dd>
                {label(CHANNEL_LABELS, c.channel, language)} · {c.report.sourceSystem}
              </dd>
              <dt>{t('receivedAt')}</dt>
              <dd>{dateTime(c.receivedAt)}</dd>
              <dt>{t('reporter')}</dt>
              <dd>
                <ReporterIdentity reportId={reportId} visible={c.reporterVisible} />
              </dd>
            </dl>
          </Section>

          <Section title={t('actions')} id="actions">
            <div className="actions">
              {!mine && open && (
                <button type="button" onClick={claim} disabled={act.isPending}>
                  {withKey(t('claim'), 'A')}
                </button>
              )}
              {(mine || (supervisor && holder)) && open && (
                <button type="button" onClick={release} disabled={act.isPending}>
                  {withKey(t('release'), 'L')}
                </button>
              )}
              {open && (
                <>
                  <button type="button" onClick={forward} disabled={act.isPending}>
                    {withKey(t('forward'), 'K')}
                  </button>
                  <button type="button" onClick={() => setForm('duplicate')}>
                    {withKey(t('markDuplicate'), 'D')}
                  </button>
                  <button type="button" onClick={() => setForm('reject')}>
                    {withKey(t('reject'), 'T')}
                  </button>
                  <button type="button" onClick={() => setForm('advice')}>
                    {withKey(t('advice'), 'S')}
                  </button>
                  <button type="button" onClick={() => setForm('escalate')}>
                    {withKey(t('escalate'), 'E')}
                  </button>
                </>
              )}
              <button type="button" onClick={() => setForm('note')}>
                {withKey(t('addNote'), 'N')}
              </button>
              {supervisor && open && (
                <button type="button" onClick={() => setForm('reassign')}>
                  {t('reassign')}
                </button>
              )}
            </div>

            {open && classification && (
              <form className="classify" onSubmit={classify} aria-labelledby="classify-title" onKeyDown={submitOnCtrlEnter}>
                <h3 id="classify-title">{t('classify')}</h3>
                <label>
                  {t('category')}
                  <select value={classification.category} onChange={(e) => setClassification({ ...classification, category: e.target.value })}>
                    <CategoryOptions />
                  </select>
                </label>
                <fieldset className="chips">
                  <legend>{t('priority')}</legend>
                  {PRIORITIES.map((p, i) => (
                    <label key={p} className="chip">
                      <input
                        type="radio"
                        name="priority"
                        checked={classification.priority === p}
                        onChange={() => setClassification({ ...classification, priority: p })}
                      />{' '}
                      {p} <kbd aria-hidden="true">{i + 1}</kbd>
                    </label>
                  ))}
                </fieldset>
                <label>
                  {t('district')}
                  <select value={classification.district} onChange={(e) => setClassification({ ...classification, district: e.target.value })}>
                    <option value="">—</option>
                    <DistrictOptions />
                  </select>
                </label>
                <button type="submit" disabled={act.isPending}>
                  {t('save')}
                </button>
              </form>
            )}

            {form && (
              <ActionForm
                form={form}
                candidates={candidates.map((d) => ({
                  id: d.reportId,
                  text: `${d.trackingCode ?? d.reportId.slice(0, 8)} · ${Math.round(d.distanceMeters ?? 0)} m · ${Math.round(d.minutesApart ?? 0)} mnt`,
                }))}
                busy={act.isPending}
                onCancel={() => setForm(null)}
                onSubmit={(values) => {
                  const body = values;
                  if (form === 'note')
                    run('addNote', () => answer(triage.POST('/api/v1/reports/{reportId}/notes', { params: { path }, body: { text: body.text } })));
                  if (form === 'duplicate')
                    run('markDuplicate', () =>
                      answer(triage.POST('/api/v1/reports/{reportId}/duplicate', { params: { path, header: ifMatch }, body: { duplicateOf: body.choice } })),
                    );
                  if (form === 'reject')
                    run('reject', () =>
                      answer(
                        triage.POST('/api/v1/reports/{reportId}/reject', {
                          params: { path, header: ifMatch },
                          body: { reason: body.choice as RejectionReason, explanation: body.text },
                        }),
                      ),
                    );
                  if (form === 'advice')
                    run('advice', () =>
                      answer(triage.POST('/api/v1/reports/{reportId}/advice', { params: { path, header: ifMatch }, body: { advice: body.text } })),
                    );
                  if (form === 'escalate')
                    run('escalate', () =>
                      answer(triage.POST('/api/v1/reports/{reportId}/escalate', { params: { path, header: ifMatch }, body: { reason: body.text } })),
                    );
                  if (form === 'split')
                    run('splitFromGroup', () =>
                      answer(triage.POST('/api/v1/reports/{reportId}/split', { params: { path, header: ifMatch }, body: { reason: body.text } })),
                    );
                  if (form === 'reassign')
                    run('reassign', () =>
                      answer(triage.POST('/api/v1/reports/{reportId}/reassign', { params: { path, header: ifMatch }, body: { operatorId: body.text } })),
                    );
                }}
              />
            )}
          </Section>
        </div>

        <div className="case-right">
          <Section title={t('suggestion')} id="suggestion">
            <p>
              <PriorityBadge priority={c.suggestion.priority} /> {label(CATEGORY_LABELS, c.suggestion.category, language)}
            </p>
            <LearntReasons suggestion={c.suggestion} />
          </Section>
          {c.group && (
            <Section title={t('incidentGroup')} id="incident-group">
              {c.group.groupOf !== c.reportId && (
                <p>
                  <Link href={`/queue/${c.group.groupOf}`}>{t('groupLeadBy', { code: c.group.groupOf.slice(0, 8) })}</Link>
                </p>
              )}
              <h3>{t('groupMembers')}</h3>
              {c.group.members.length === 0 ? (
                <p className="muted">{t('groupNoMembers')}</p>
              ) : (
                <ul className="group-members">
                  {c.group.members.map((m) => (
                    <li key={m.reportId}>
                      <Link href={`/queue/${m.reportId}`}>{t('groupMember', { code: m.reportId.slice(0, 8), name: m.mergedBy, time: clock(m.mergedAt) })}</Link>
                    </li>
                  ))}
                </ul>
              )}
              {c.group.unitArrivedAt && <p className="muted">{t('groupAttended', { unit: c.group.unitId ?? '—', time: clock(c.group.unitArrivedAt) })}</p>}
              {supervisor && c.status === 'DUPLICATE' && c.group.splittable && (
                <button type="button" onClick={() => setForm('split')}>
                  {t('splitFromGroup')}
                </button>
              )}
            </Section>
          )}
          <Section title={t('duplicates')} id="duplicates">
            {candidates.length === 0 ? (
              <p className="muted">{t('noDuplicates')}</p>
            ) : (
              <ul className="candidates">
                {candidates.map((d) => (
                  <li key={d.reportId}>
                    <Link href={`/queue/${d.reportId}`}>{d.trackingCode ?? d.reportId.slice(0, 8)}</Link> ·{' '}
                    {t('metersAway', { distance: Math.round(d.distanceMeters ?? 0) })} · {t('minutesApart', { minutes: Math.round(d.minutesApart ?? 0) })}
                    {d.channel && <span> · {label(CHANNEL_LABELS, d.channel as never, language)}</span>}
                    {d.summary && <p className="muted">{d.summary}</p>}
                  </li>
                ))}
              </ul>
            )}
            <MapView points={points} selectedId={c.reportId} height={220} />
          </Section>
          <Section title={t('timeline')} id="timeline">
            <EventTimeline entries={c.timeline} />
          </Section>
        </div>
      </div>
    </div>
  );
}

/** Ctrl+Enter submits the open form from any field. */
function submitOnCtrlEnter(event: React.KeyboardEvent<HTMLFormElement>) {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    event.currentTarget.requestSubmit();
  }
}

function ActionForm({
  form,
  candidates,
  busy,
  onSubmit,
  onCancel,
}: {
  form: Exclude<Form, null>;
  candidates: { id: string; text: string }[];
  busy: boolean;
  onSubmit: (values: { text: string; choice: string }) => void;
  onCancel: () => void;
}) {
  const { t, language } = useI18n();
  const [text, setText] = useState('');
  const [choice, setChoice] = useState(form === 'reject' ? 'PRANK' : (candidates[0]?.id ?? ''));
  const titles: Record<Exclude<Form, null>, MessageKey> = {
    note: 'addNote',
    duplicate: 'markDuplicate',
    reject: 'reject',
    advice: 'advice',
    escalate: 'escalate',
    reassign: 'reassign',
    split: 'splitFromGroup',
  };
  const textLabel: Record<Exclude<Form, null>, MessageKey | null> = {
    note: 'noteText',
    duplicate: null,
    reject: 'explanation',
    advice: 'adviceText',
    escalate: 'escalateReason',
    reassign: 'reassignTo',
    split: 'splitReason',
  };
  /** What triage accepts (libs/contracts, triage.dto.ts): the browser says so before anything is sent. */
  const limits: Partial<Record<Exclude<Form, null>, [number, number]>> = {
    note: [1, 2000],
    reject: [3, 1000],
    advice: [3, 2000],
    escalate: [3, 1000],
    split: [3, 1000],
  };
  const [minLength, maxLength] = limits[form] ?? [1, 64];
  const first = useRef<HTMLElement | null>(null);
  useEffect(() => first.current?.focus(), []);
  const field = textLabel[form];
  let choices: ReactNode = null;
  if (form === 'reject') {
    choices = (
      <fieldset className="chips" onKeyDown={(e) => /^[1-4]$/.test(e.key) && setChoice(REJECTION_REASONS[Number(e.key) - 1])}>
        <legend>{t('rejectReason')}</legend>
        {REJECTION_REASONS.map((r, i) => (
          <label key={r} className="chip">
            <input
              type="radio"
              name="reason"
              value={r}
              checked={choice === r}
              onChange={() => setChoice(r)}
              ref={i === 0 ? (el) => void (first.current ??= el) : undefined}
            />{' '}
            {REJECTION_REASON_LABELS[r][language]} <kbd aria-hidden="true">{i + 1}</kbd>
          </label>
        ))}
      </fieldset>
    );
  }
  if (form === 'duplicate') {
    choices = (
      <label>
        {t('duplicateOf')}
        <select value={choice} onChange={(e) => setChoice(e.target.value)} ref={(el) => void (first.current ??= el)}>
          {candidates.map((c) => (
            <option key={c.id} value={c.id}>
              {c.text}
            </option>
          ))}
        </select>
      </label>
    );
  }
  return (
    <form
      className="action-form"
      aria-labelledby="action-form-title"
      onKeyDown={submitOnCtrlEnter}
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy) onSubmit({ text, choice });
      }}
    >
      <h3 id="action-form-title">{t(titles[form])}</h3>
      {choices}
      {field && (
        <label>
          {t(field)}
          {form === 'reassign' ? (
            <input
              value={text}
              onChange={(e) => setText(e.target.value)}
              ref={(el) => void (first.current ??= el)}
              autoComplete="off"
              required
              maxLength={maxLength}
            />
          ) : (
            <textarea
              value={text}
              onChange={(e) => setText(e.target.value)}
              rows={3}
              ref={(el) => void (first.current ??= el)}
              required
              minLength={minLength}
              maxLength={maxLength}
            />
          )}
        </label>
      )}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {t('confirm')} <kbd aria-hidden="true">Ctrl+Enter</kbd>
        </button>
        <button type="button" onClick={onCancel}>
          {t('cancel')} <kbd aria-hidden="true">Esc</kbd>
        </button>
      </div>
    </form>
  );
}

/**
 * The reporter's identity is personal data: shown only when the operator holding the claim (or a
 * supervisor) asks for it, and triage records every such view (ReporterIdentityViewed).
 */
function ReporterIdentity({ reportId, visible }: { reportId: string; visible: boolean }) {
  const { t } = useI18n();
  const [shown, setShown] = useState<{ name: string | null; phone: string | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setShown(null), [reportId, visible]);
  if (!visible) return <span className="muted">{t('reporterHidden')}</span>;
  if (!shown) {
    const reveal = async () => {
      try {
        setShown(await answer(triage.GET('/api/v1/reports/{reportId}/reporter', { params: { path: { reportId } } })));
        setError(null);
      } catch (e) {
        setError(explain(e, t));
      }
    };
    return (
      <>
        <button type="button" onClick={reveal}>
          {t('revealReporter')}
        </button>
        {error && <span className="muted"> {error}</span>}
      </>
    );
  }
  return (
    <>
      {shown.name ?? t('anonymous')} · <a href={`tel:${shown.phone}`}>{phone(shown.phone)}</a>
    </>
  );
}

/** The suggestion's reasons: the learnt model's in the chosen language, then triage's own sentences. */
function LearntReasons({ suggestion }: { suggestion: CaseDetail['suggestion'] }) {
  const { t, language } = useI18n();
  const { lines, runnersUp, others, sentences } = suggestionReasons(suggestion, (category) => label(CATEGORY_LABELS, category, language));
  return (
    <>
      {lines.map((line) => (
        <p key={line.key}>{t(line.key, line.vars)}</p>
      ))}
      {runnersUp.length > 0 && (
        <>
          <h3>{t('suggestionRunnersUp')}</h3>
          <ul>
            {runnersUp.map((line) => (
              <li key={String(line.vars.category)}>{t(line.key, line.vars)}</li>
            ))}
          </ul>
        </>
      )}
      <h3>{t('suggestionReasons')}</h3>
      <ul>
        {others.map((line, i) => (
          <li key={`${line.key}-${i}`}>{t(line.key, { ...line.vars, ...(line.rule ? { rule: t(line.rule.key, line.rule.vars) } : {}) })}</li>
        ))}
        {sentences.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
    </>
  );
}
