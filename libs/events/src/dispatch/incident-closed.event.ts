import { defineEvent } from '../event-registry';

export interface IncidentClosedV1 {
  incidentId: string;
  reportId: string;
}

export const IncidentClosed = defineEvent<IncidentClosedV1>()('IncidentClosed');
