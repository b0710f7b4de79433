import { ReactNode, useEffect, useState } from 'react';
import type { Priority } from '@reference';
import { PRIORITY_LABELS } from '@reference';
import type { ApiError } from '../api/client';
import { actorLabel, eventLabel } from '../event-labels';
import { clock, elapsed, serverNow } from '../format';
import { hasMessage, MessageKey, Translate, useI18n } from '../i18n';
import { useSession } from '../session';

/** A word beside the colour, never colour alone. */
export function PriorityBadge({ priority, classified = true }: { priority: Priority | null; classified?: boolean }) {
  const { language, t } = useI18n();
  if (!priority) return <span className="badge badge-none">?</span>;
  return (
    <span className={`badge badge-${priority}`} title={PRIORITY_LABELS[priority][language]}>
      {priority}
      {!classified && <span className="visually-hidden"> ({t('unclassified')})</span>}
    </span>
  );
}

/** Re-renders every second, for ticking timers. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(serverNow()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** Time since `since`, green → amber → red against the target (seconds). */
export function Timer({ since, targetSeconds, now, label }: { since: string; targetSeconds?: number | null; now: number; label?: string }) {
  const seconds = (now - Date.parse(since)) / 1000;
  const level = !targetSeconds ? 'ok' : seconds >= targetSeconds ? 'breach' : seconds >= targetSeconds * 0.75 ? 'near' : 'ok';
  return (
    <span className={`timer timer-${level}`} aria-label={label ? `${label} ${elapsed(seconds)}` : undefined}>
      {elapsed(seconds)}
    </span>
  );
}

/** The label a form shows for a field triage names in a 400; the field's own name where the screens have none. */
const FIELD_LABELS: Record<string, MessageKey> = {
  explanation: 'explanation',
  text: 'noteText',
  advice: 'adviceText',
  reason: 'escalateReason',
  operatorId: 'reassignTo',
};
const fieldLabel = (field: string, t: Translate) => (FIELD_LABELS[field] ? t(FIELD_LABELS[field]) : field);
/** The text checks of libs/contracts (NonBlankText) said in the screen's language; any other message as the service wrote it. */
function fieldProblem(message: string, t: Translate): string {
  if (/must not be blank$/.test(message)) return t('fieldBlank');
  const length = /must be (\d+)\.\.(\d+) characters$/.exec(message);
  return length ? t('fieldLength', { min: length[1], max: length[2] }) : message;
}

/** Turns a service's error into a sentence: who, what and the way out (CONSOLE.md, conflicts). */
export function explain(error: unknown, t: Translate, operatorName: (id: string) => string = (id) => id): string {
  const e = error as ApiError;
  if (!e || typeof e !== 'object' || typeof e.status !== 'number') return t('errUnknown', { status: String((error as Error)?.message ?? error) });
  if (e.status === 400 && e.violations?.length)
    return t('errValidation', { fields: e.violations.map((v) => `${fieldLabel(v.field, t)} — ${fieldProblem(v.message, t)}`).join('; ') });
  if (e.status === 401) return t('errSession');
  if (e.status === 403) return t('errForbidden');
  if (e.status === 404) return t('errNotFound');
  if (e.status === 409) {
    const claim = e.state?.claim;
    if (e.rule === 'CASE_ALREADY_CLAIMED' && claim) {
      return t('errClaimedBy', { name: claim.operatorName ?? operatorName(claim.operatorId), time: claim.claimedAt ? clock(claim.claimedAt) : '—' });
    }
    if (e.code === 'CONCURRENCY_CONFLICT') return t('errConcurrency');
    const rule = `rule_${e.rule}`;
    return t('errRule', { message: hasMessage(rule) ? t(rule) : (e.message ?? e.rule ?? '') });
  }
  if (e.status === 503) return t('errUnavailable', { service: e.service ?? '' });
  return t('errUnknown', { status: e.status });
}

/** A read that failed, said as `explain` says it, and whether what still shows is older data. */
export function LoadError({ queries }: { queries: { isError: boolean; error: unknown; data?: unknown }[] }) {
  const { t } = useI18n();
  const failed = queries.find((q) => q.isError);
  if (!failed) return null;
  return (
    <p role="alert" className="notice notice-error">
      {explain(failed.error, t)}
      {failed.data !== undefined && ` ${t('keptData')}`}
    </p>
  );
}

/** A polite live region for routine news and an assertive one for what must not be missed. */
export function Announcer({ message, urgent = false }: { message: string | null; urgent?: boolean }) {
  return (
    <div role={urgent ? 'alert' : 'status'} className={message ? `notice ${urgent ? 'notice-error' : 'notice-ok'}` : 'visually-hidden'}>
      {message}
    </div>
  );
}

export function Section({ title, children, id, className }: { title: string; children: ReactNode; id?: string; className?: string }) {
  return (
    <section aria-labelledby={id ? `${id}-title` : undefined} className={`panel ${className ?? ''}`}>
      <h2 id={id ? `${id}-title` : undefined}>{title}</h2>
      {children}
    </section>
  );
}

/**
 * Single-character shortcuts (a letter or a digit) can be turned off in this browser (WCAG 2.1.4):
 * a speech-input user's words must not fire actions. Esc, Enter and the arrows stay.
 */
export const letterKeys = {
  on: () => localStorage.getItem('cc.letterKeys') !== 'off',
  set: (on: boolean) => localStorage.setItem('cc.letterKeys', on ? 'on' : 'off'),
};

/** Keys that act only when no text field has focus (WCAG 2.1.4), and never the browser's own. */
export function useKeys(bindings: Record<string, () => void>, enabled = true) {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement;
      if (target.closest('input, textarea, select, [contenteditable="true"]')) return;
      if (document.querySelector('[role="dialog"][aria-modal="true"]')) return; // the dialog has the keys
      if (event.key.length === 1 && !letterKeys.on()) return;
      const action = bindings[event.key] ?? bindings[event.key.toLowerCase()];
      if (action) {
        event.preventDefault();
        action();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [bindings, enabled]);
}

/** "Tolak (T)": the key shown on the button, the same letter in both languages. */
export const withKey = (text: string, key: string) =>
  key ? (
    <>
      {text} <kbd aria-hidden="true">{key}</kbd>
    </>
  ) : (
    text
  );

/** A stream's history, oldest first: when, what and who; a note's text where the event carries one. */
export function EventTimeline({ entries }: { entries: { version: number; at: string; type: string; actor: string; data?: Record<string, unknown> }[] }) {
  const { language } = useI18n();
  return (
    <ol className="timeline">
      {entries.map((entry) => (
        <li key={entry.version}>
          <time dateTime={entry.at}>{clock(entry.at)}</time> <strong>{eventLabel(entry.type, language)}</strong>{' '}
          <span className="muted">{actorLabel(entry.actor, language)}</span>
          {typeof entry.data?.text === 'string' && <p>{entry.data.text}</p>}
        </li>
      ))}
    </ol>
  );
}

/** The report categories as a select's options, in the person's language. */
export function CategoryOptions() {
  const { reference } = useSession();
  const { language } = useI18n();
  return reference.categories.map((category) => (
    <option key={category.code} value={category.code}>
      {category[language]}
    </option>
  ));
}

/** The jurisdiction's districts as a select's options. */
export function DistrictOptions() {
  const { reference } = useSession();
  return reference.jurisdiction.districts.map((district) => (
    <option key={district.code} value={district.code}>
      {district.name}
    </option>
  ));
}

/** A form's submit button, as the screen's big action, and its cancel button. */
export function FormActions({ submit, busy, onCancel }: { submit: string; busy: boolean; onCancel: () => void }) {
  const { t } = useI18n();
  return (
    <div className="actions">
      <button type="submit" className="big-action" disabled={busy}>
        {submit}
      </button>
      <button type="button" onClick={onCancel}>
        {t('cancel')}
      </button>
    </div>
  );
}
