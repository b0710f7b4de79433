import { defineEvent } from '../event-registry';

export interface AssignmentDeclinedV1 {
  incidentId: string;
  reportId: string;
  unitId: string;
  reason: string;
}

export const AssignmentDeclined = defineEvent<AssignmentDeclinedV1>()('AssignmentDeclined');
