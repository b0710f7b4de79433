import { defineEvent } from '../event-registry';

/**
 * A supervisor took a merged report out of its incident group again (undoing ReportMarkedDuplicate):
 * the case returns to the queue with its history, and is its own report again everywhere.
 */
export interface ReportSplitFromGroupV1 {
  reportId: string;
  /** The report whose incident group it leaves (the `duplicateOf` it was merged into). */
  groupOf: string;
  reason: string;
}

export const ReportSplitFromGroup = defineEvent<ReportSplitFromGroupV1>()('ReportSplitFromGroup');
