import type { Category, Priority } from '@callcenter/contracts';
import { defineEvent } from '../event-registry';

/** Dispatch opened an incident for a forwarded report. Stream: the incident (streamId = incidentId). */
export interface IncidentOpenedV1 {
  incidentId: string;
  reportId: string;
  trackingCode: string;
  category: Category;
  priority: Priority;
  district: string | null;
  /** Where to send a unit: the report's coordinates, else its district's centre (`approximate`). */
  location: { latitude: number; longitude: number; address: string | null; approximate: boolean };
  description: string;
  peopleInjured: number;
  receivedAt: string;
  forwardedAt: string;
}

export const IncidentOpened = defineEvent<IncidentOpenedV1>()('IncidentOpened');
