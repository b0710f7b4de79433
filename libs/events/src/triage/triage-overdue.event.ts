import type { Priority } from '@callcenter/contracts';
import { defineEvent } from '../event-registry';

/** The case had no triage decision by its priority's time-to-triage target. Emitted once per case. */
export interface TriageOverdueV1 {
  reportId: string;
  priority: Priority;
  targetSeconds: number;
  dueAt: string;
}

export const TriageOverdue = defineEvent<TriageOverdueV1>()('TriageOverdue');
