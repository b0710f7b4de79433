import { defineEvent } from '../event-registry';

/** An operator took the case; nobody else may act on it until `leaseExpiresAt` or a release. */
export interface ReportClaimedV1 {
  reportId: string;
  operatorId: string;
  /** The operator's display name at the time; absent from events recorded before it was kept. */
  operatorName?: string | null;
  /** When it was claimed (the command's time); absent from events recorded before it was kept. */
  claimedAt?: string;
  leaseExpiresAt: string;
}

export const ReportClaimed = defineEvent<ReportClaimedV1>()('ReportClaimed');
