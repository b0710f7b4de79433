import type { PriorityTargets } from '@callcenter/contracts';
import type { EpochMs, ReportFact } from './report-fact';

/** Seconds from one time to another, or null when either is missing. */
export const seconds = (from: EpochMs | null, to: EpochMs | null) => (from !== null && to !== null ? (to - from) / 1000 : null);

/** The times of a report a span runs between. */
type Moment = 'receivedAt' | 'claimedAt' | 'classifiedAt' | 'decidedAt' | 'forwardedAt' | 'assignedAt' | 'arrivedAt' | 'resolvedAt';

const span = (measure: string, from: Moment, to: Moment, target: keyof PriorityTargets['P1'] | null) => ({
  measure,
  from,
  to,
  span: (f: ReportFact) => seconds(f[from], f[to]),
  target,
});

/** Each measured span: the two times it runs between, and which priority target it is held against (from receipt). */
export const SPANS = [
  span('received_to_claimed', 'receivedAt', 'claimedAt', 'triageSeconds'),
  span('received_to_classified', 'receivedAt', 'classifiedAt', 'triageSeconds'),
  span('received_to_decided', 'receivedAt', 'decidedAt', 'triageSeconds'),
  span('forwarded_to_assigned', 'forwardedAt', 'assignedAt', null),
  span('received_to_assigned', 'receivedAt', 'assignedAt', 'dispatchSeconds'),
  span('assigned_to_arrived', 'assignedAt', 'arrivedAt', null),
  span('received_to_arrived', 'receivedAt', 'arrivedAt', 'arriveSeconds'),
  span('received_to_resolved', 'receivedAt', 'resolvedAt', null),
];
