import { EventEnvelope } from '../envelope';
import { ReportMarkedDuplicateV1 } from './report-marked-duplicate.event';
import { ReportSplitFromGroupV1 } from './report-split-from-group.event';

/**
 * One report's place in an incident group, folded from its own triage stream: merged into the group
 * of `groupOf` (ReportMarkedDuplicate) or split out again (ReportSplitFromGroup). The group of a report
 * is that report plus every report whose membership names it and is MERGED. Who and when come from
 * the envelopes, so every merge and split stays attributable.
 */
export interface GroupMembership {
  reportId: string;
  groupOf: string;
  state: 'MERGED' | 'SPLIT';
  mergedAt: string;
  mergedBy: string;
  splitAt: string | null;
  splitBy: string | null;
  splitReason: string | null;
}

/** Pure, for projectOnce: other events leave the document as it is. */
export function evolveGroupMembership(doc: GroupMembership | null, event: EventEnvelope): GroupMembership | null {
  if (event.type === 'ReportMarkedDuplicate') {
    const d = event.data as ReportMarkedDuplicateV1;
    return {
      reportId: d.reportId,
      groupOf: d.duplicateOf,
      state: 'MERGED',
      mergedAt: event.occurredAt,
      mergedBy: event.actor,
      splitAt: null,
      splitBy: null,
      splitReason: null,
    };
  }
  if (event.type === 'ReportSplitFromGroup') {
    const d = event.data as ReportSplitFromGroupV1;
    const merged = doc ?? { reportId: d.reportId, groupOf: d.groupOf, mergedAt: event.occurredAt, mergedBy: event.actor };
    return { ...merged, state: 'SPLIT', splitAt: event.occurredAt, splitBy: event.actor, splitReason: d.reason };
  }
  return doc;
}
