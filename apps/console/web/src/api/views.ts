/**
 * The shapes the services answer with, taken from their own code (type-only imports, erased from
 * the bundle), so a change there breaks the console's type-check instead of its screens.
 */
import type { CaseDetail as TriageCaseDetail } from '../../../../triage/src/case/triage-cases';
import type { QueueItem as TriageQueueItem } from '../../../../triage/src/queue/queue-index';
import type { incidentView, unitView } from '../../../../dispatch/src/http/views';

export type QueueItem = TriageQueueItem;
export type CaseDetail = TriageCaseDetail;
export interface QueuePage {
  total: number;
  items: QueueItem[];
  offset: number;
  limit: number;
}
export type IncidentView = ReturnType<typeof incidentView>;
export type UnitView = ReturnType<typeof unitView>;

import type { Recommendation as DispatchRecommendation } from '../../../../dispatch/src/recommendation/recommend-units';

export type Recommendation = DispatchRecommendation;
export interface Page<T> {
  total: number;
  items: T[];
}
/** GET /incidents/{id}: the incident with its description, timeline and the units recommended now. */
export type IncidentDetail = IncidentView & {
  description: string;
  excludedUnitIds: string[];
  recommendations: Recommendation[];
  timeline: { version: number; type: string; at: string; actor: string; data: Record<string, unknown> }[];
};
