import { defineEvent } from '../event-registry';

/** The operator handed the case to a supervisor; the operator's claim ends. */
export interface ReportEscalatedV1 {
  reportId: string;
  reason: string;
}

export const ReportEscalated = defineEvent<ReportEscalatedV1>()('ReportEscalated');
