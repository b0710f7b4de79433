import { defineEvent } from '../event-registry';

/**
 * Closes the case by merging it into the incident group of `duplicateOf` (the incident is already
 * reported there). Both reports and their reporters are kept; ReportSplitFromGroup undoes it.
 */
export interface ReportMarkedDuplicateV1 {
  reportId: string;
  duplicateOf: string;
}

export const ReportMarkedDuplicate = defineEvent<ReportMarkedDuplicateV1>()('ReportMarkedDuplicate');
