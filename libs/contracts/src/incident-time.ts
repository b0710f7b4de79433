/**
 * When a reported incident happened, as triage and analytics both read it (issue 18). A report
 * carries when it was received, and, if the reporter said, when it happened (`occurredAt`). A
 * gateway that flushes a backlog delivers reports of different days within one minute, so receipt
 * time alone misplaces them; a stated time is used when it is plausible.
 */

/** A stated time up to this much after receipt is clock skew between the sender and us (intake allows the same). */
export const OCCURRED_AT_SKEW_MINUTES = 5;
/** A stated time older than this before receipt is more likely a wrong date than a report of something that old. */
export const OCCURRED_AT_MAX_AGE_DAYS = 30;

const MS_PER_MINUTE = 60_000;
const epochMs = (t: string | number) => (typeof t === 'number' ? t : Date.parse(t));

/** Which time a figure is placed by: when it happened, or when the call centre received it. */
export const TIME_BASES = ['received', 'occurred'] as const;
export type TimeBasis = (typeof TIME_BASES)[number];

/**
 * When the incident happened, in epoch ms: `occurredAt` when given and plausible (not after
 * receipt beyond the skew, not more than OCCURRED_AT_MAX_AGE_DAYS before it), otherwise the receipt
 * time. NaN when even the receipt time cannot be read. Times are ISO 8601 or epoch ms.
 */
export function incidentTime(report: { receivedAt: string | number; occurredAt?: string | number | null }): number {
  const received = epochMs(report.receivedAt);
  if (report.occurredAt === null || report.occurredAt === undefined || report.occurredAt === '' || Number.isNaN(received)) return received;
  const occurred = epochMs(report.occurredAt);
  const plausible =
    !Number.isNaN(occurred) &&
    occurred <= received + OCCURRED_AT_SKEW_MINUTES * MS_PER_MINUTE &&
    occurred >= received - OCCURRED_AT_MAX_AGE_DAYS * 24 * 60 * MS_PER_MINUTE;
  return plausible ? occurred : received;
}
