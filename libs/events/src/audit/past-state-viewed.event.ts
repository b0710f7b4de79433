import { defineEvent } from '../event-registry';

/**
 * Someone looked at a past moment (issue 17, "time travel"): the triage queue, one case, or the
 * dispatch board as it stood at `at`. The viewer is the event's actor, the event's time is when they
 * looked. Stream: the view (`audit-view-<uuid>`) on the topic of the service that answered, so it
 * moves no report's or unit's version. It names no report stream: readers of report streams ignore it.
 */
export interface PastStateViewedV1 {
  view: 'QUEUE' | 'REPORT' | 'BOARD';
  /** The moment shown (ISO-8601 UTC). */
  at: string;
  /** The case shown, for `REPORT`; null otherwise. */
  reportId: string | null;
  /** The query's filters as given (status, priority …), or null. */
  filter: Record<string, unknown> | null;
}

export const PastStateViewed = defineEvent<PastStateViewedV1>()('PastStateViewed');

export const auditEvents = [PastStateViewed];
export const pastViewStreamId = (viewId: string) => `audit-view-${viewId}`;
