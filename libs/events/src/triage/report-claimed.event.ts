import { defineEvent } from '../event-registry';

/** An operator took the case; nobody else may act on it until `leaseExpiresAt` or a release. */
export interface ReportClaimedV1 {
  reportId: string;
  operatorId: string;
  leaseExpiresAt: string;
}

export const ReportClaimed = defineEvent<ReportClaimedV1>()('ReportClaimed');
