import type { PriorityTargets } from '@callcenter/contracts';
import type { ReportFact } from './report-fact';

/** Seconds from one time to another, or null when either is missing. */
export const seconds = (from: string | null, to: string | null) => (from && to ? (Date.parse(to) - Date.parse(from)) / 1000 : null);

/** Each measured span, and which priority target it is held against (from receipt). */
export const SPANS: { measure: string; span: (f: ReportFact) => number | null; target: keyof PriorityTargets['P1'] | null }[] = [
  { measure: 'received_to_claimed', span: (f) => seconds(f.receivedAt, f.claimedAt), target: 'triageSeconds' },
  { measure: 'received_to_classified', span: (f) => seconds(f.receivedAt, f.classifiedAt), target: 'triageSeconds' },
  { measure: 'received_to_decided', span: (f) => seconds(f.receivedAt, f.decidedAt), target: 'triageSeconds' },
  { measure: 'forwarded_to_assigned', span: (f) => seconds(f.forwardedAt, f.assignedAt), target: null },
  { measure: 'received_to_assigned', span: (f) => seconds(f.receivedAt, f.assignedAt), target: 'dispatchSeconds' },
  { measure: 'assigned_to_arrived', span: (f) => seconds(f.assignedAt, f.arrivedAt), target: null },
  { measure: 'received_to_arrived', span: (f) => seconds(f.receivedAt, f.arrivedAt), target: 'arriveSeconds' },
  { measure: 'received_to_resolved', span: (f) => seconds(f.receivedAt, f.resolvedAt), target: null },
];
