import { defineEvent } from '../event-registry';

export interface AssignmentAcknowledgedV1 {
  incidentId: string;
  reportId: string;
  unitId: string;
}

export const AssignmentAcknowledged = defineEvent<AssignmentAcknowledgedV1>()('AssignmentAcknowledged');
