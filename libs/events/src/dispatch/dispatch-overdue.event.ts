import type { Priority } from '@callcenter/contracts';
import { defineEvent } from '../event-registry';

/** No unit was assigned by the priority's time-to-dispatch target (from receipt). Once per incident. */
export interface DispatchOverdueV1 {
  incidentId: string;
  reportId: string;
  priority: Priority;
  targetSeconds: number;
  dueAt: string;
}

export const DispatchOverdue = defineEvent<DispatchOverdueV1>()('DispatchOverdue');
