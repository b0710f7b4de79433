import { defineEvent } from '../event-registry';

/** The case went back to the queue: released by its operator, or its lease ran out (actor `system`). */
export interface ReportReleasedV1 {
  reportId: string;
  operatorId: string;
  reason: 'RELEASED' | 'LEASE_EXPIRED';
}

export const ReportReleased = defineEvent<ReportReleasedV1>()('ReportReleased');
