import { defineEvent } from '../event-registry';

/** A supervisor gave the case to an operator, with a fresh lease. */
export interface ReportReassignedV1 {
  reportId: string;
  fromOperatorId: string | null;
  toOperatorId: string;
  leaseExpiresAt: string;
}

export const ReportReassigned = defineEvent<ReportReassignedV1>()('ReportReassigned');
