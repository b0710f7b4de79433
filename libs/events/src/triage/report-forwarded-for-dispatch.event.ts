import type { Category, Channel, Priority } from '@callcenter/contracts';
import { defineEvent } from '../event-registry';

/** Closes triage and asks dispatch for a unit; carries all dispatch needs to open an incident. */
export interface ReportForwardedForDispatchV1 {
  reportId: string;
  trackingCode: string;
  channel: Channel;
  receivedAt: string;
  category: Category;
  priority: Priority;
  district: string | null;
  location: { latitude: number | null; longitude: number | null; address: string | null };
  description: string;
  peopleInjured: number;
  peopleInvolved: number;
}

export const ReportForwardedForDispatch = defineEvent<ReportForwardedForDispatchV1>()('ReportForwardedForDispatch');
