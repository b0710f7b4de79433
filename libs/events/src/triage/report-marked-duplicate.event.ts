import { defineEvent } from '../event-registry';

/** Closes the case: the incident is already reported as `duplicateOf`. */
export interface ReportMarkedDuplicateV1 {
  reportId: string;
  duplicateOf: string;
}

export const ReportMarkedDuplicate = defineEvent<ReportMarkedDuplicateV1>()('ReportMarkedDuplicate');
