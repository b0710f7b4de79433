import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { CASE_STATUS_LABELS, CATEGORY_LABELS, INCIDENT_STATUS_LABELS, UNIT_STATUS_LABELS } from '@reference';
import { ApiError, signIn } from '../api/client';
import type { IncidentView, QueueItem, UnitView } from '../api/views';
import { explain, PriorityBadge, Section } from '../components/common';
import { clock, dateTime, elapsed, label, number } from '../format';
import { useI18n } from '../i18n';

/** What GET /api/v1/audit/queue answers: the queue as it stood at `at`. */
interface PastQueue {
  at: string;
  total: number;
  items: QueueItem[];
}

/** What GET /api/v1/audit/board answers: the dispatch board as it stood at `at`. */
interface PastBoard {
  at: string;
  units: { total: number; items: UnitView[] };
  incidents: { total: number; items: IncidentView[] };
}

const HOUR = 3_600_000;
/** Asia/Jakarta has no daylight saving: WIB is always UTC+7. */
const WIB = 7 * HOUR;
const STEP_SECONDS = 10;

/** `2026-11-28T08:00` (WIB, as a datetime-local field shows it) for a UTC time, and back. */
const toWibField = (time: number) => new Date(time + WIB).toISOString().slice(0, 16);
const fromWibField = (value: string) => Date.parse(`${value}:00+07:00`);

/** A GET through the console's proxy; an error body with its status, as the services answer it. */
async function past<T>(path: string): Promise<T> {
  const response = await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json', 'x-correlation-id': crypto.randomUUID() } });
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) signIn();
  if (!response.ok) throw { status: response.status, ...body } as ApiError;
  return body as T;
}

/** Waits until the slider rests, so dragging it does not ask (and record a look) for every step. */
function useSettled<T>(value: T, ms = 400): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * Replay (issue 17): the triage queue and the dispatch board exactly as they stood at a moment of a
 * chosen hour, for supervisors, commanders and admins. The slider moves through the hour in 10 s
 * steps (arrow keys, Page Up/Down for a minute, Home/End); each moment shown is recorded by the
 * services as a look at the past (who, when, which moment).
 */
export function ReplayScreen() {
  const { t, language } = useI18n();
  const sliderId = useId();
  const [hour, setHour] = useState(() => Math.floor((Date.now() - HOUR) / HOUR) * HOUR);
  const [offset, setOffset] = useState(0);
  const at = useSettled(Math.min(hour + offset * 1000, Date.now()));
  const iso = new Date(at).toISOString();
  const queue = useQuery({
    queryKey: ['replay', 'queue', iso],
    queryFn: () => past<PastQueue>(`/api/triage/api/v1/audit/queue?limit=200&at=${encodeURIComponent(iso)}`),
  });
  const board = useQuery({
    queryKey: ['replay', 'board', iso],
    queryFn: () => past<PastBoard>(`/api/dispatch/api/v1/audit/board?at=${encodeURIComponent(iso)}`),
  });
  const shown = hour + offset * 1000;

  return (
    <div className="replay-screen">
      <h1>{t('replayTitle')}</h1>
      <p className="muted">{t('replayRecorded')}</p>
      <form className="replay-controls" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('replayHour')}{' '}
          <input
            type="datetime-local"
            step={3600}
            value={toWibField(hour)}
            max={toWibField(Date.now())}
            onChange={(e) => {
              const chosen = fromWibField(e.target.value);
              if (!Number.isNaN(chosen)) setHour(Math.floor(chosen / HOUR) * HOUR);
            }}
          />{' '}
          WIB
        </label>
        <label htmlFor={sliderId}>{t('replayMoment')}</label>
        <input
          id={sliderId}
          type="range"
          min={0}
          max={3600 - STEP_SECONDS}
          step={STEP_SECONDS}
          value={offset}
          aria-valuetext={dateTime(shown)}
          onChange={(e) => setOffset(Number(e.target.value))}
        />
        <output htmlFor={sliderId} aria-live="polite">
          {dateTime(shown)}
        </output>
      </form>

      <div className="two-columns">
        <Section title={t('replayQueue', { time: clock(at), count: queue.data ? number(queue.data.total) : '…' })} id="replay-queue">
          {queue.isError && <p role="alert">{explain(queue.error, t)}</p>}
          {queue.data && queue.data.items.length === 0 && <p className="muted">{t('queueEmpty')}</p>}
          {queue.data && queue.data.items.length > 0 && (
            <table className="queue">
              <caption className="visually-hidden">{t('replayQueue', { time: clock(at), count: number(queue.data.total) })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('colPriority')}</th>
                  <th scope="col">{t('colCode')}</th>
                  <th scope="col">{t('replayState')}</th>
                  <th scope="col">{t('colCategory')}</th>
                  <th scope="col">{t('colHolder')}</th>
                  <th scope="col">{t('colWaiting')}</th>
                </tr>
              </thead>
              <tbody>
                {queue.data.items.map((item) => (
                  <tr key={item.reportId}>
                    <td>
                      <PriorityBadge priority={item.priority} classified={item.classified} />
                    </td>
                    <td>{item.trackingCode}</td>
                    <td>
                      {label(CASE_STATUS_LABELS, item.status, language)}
                      {item.overdue && <> · {t('overdue')}</>}
                    </td>
                    <td>{label(CATEGORY_LABELS, item.category, language)}</td>
                    <td>{item.claim ? (item.claim.operatorName ?? item.claim.operatorId) : t('free')}</td>
                    <td>{elapsed(item.waitingSeconds)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>

        <Section title={t('replayBoard', { time: clock(at) })} id="replay-board">
          {board.isError && <p role="alert">{explain(board.error, t)}</p>}
          {board.data && (
            <>
              <h3>{t('replayIncidents', { count: number(board.data.incidents.total) })}</h3>
              <ul className="case-list">
                {board.data.incidents.items.map((i) => (
                  <li key={i.incidentId}>
                    <PriorityBadge priority={i.priority} /> {i.trackingCode} · {label(INCIDENT_STATUS_LABELS, i.status, language)} ·{' '}
                    {label(CATEGORY_LABELS, i.category, language)}
                    {i.assignment && <> · {i.assignment.unitId}</>}
                  </li>
                ))}
              </ul>
              <h3>{t('replayUnits', { count: number(board.data.units.total) })}</h3>
              <ul className="case-list">
                {board.data.units.items.map((u) => (
                  <li key={u.unitId}>
                    <strong>{u.callSign}</strong> · {label(UNIT_STATUS_LABELS, u.status, language)} ·{' '}
                    {u.position ? `${u.position.latitude.toFixed(4)}, ${u.position.longitude.toFixed(4)}` : t('replayNoPosition')}
                    {u.currentIncident && <> · {u.currentIncident.incidentId.slice(0, 8)}</>}
                  </li>
                ))}
              </ul>
            </>
          )}
        </Section>
      </div>
    </div>
  );
}
