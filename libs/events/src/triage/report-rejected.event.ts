import type { RejectionReason } from '@callcenter/contracts';
import { defineEvent } from '../event-registry';

/** Closes the case without action. `callerRef` lets prank rejections be counted per caller. */
export interface ReportRejectedV1 {
  reportId: string;
  reason: RejectionReason;
  explanation: string;
  callerRef: string | null;
}

export const ReportRejected = defineEvent<ReportRejectedV1>()('ReportRejected');
