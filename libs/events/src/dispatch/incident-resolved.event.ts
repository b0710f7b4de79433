import type { ResolutionOutcome } from '@callcenter/contracts';
import { defineEvent } from '../event-registry';

export interface IncidentResolvedV1 {
  incidentId: string;
  reportId: string;
  unitId: string | null;
  outcome: ResolutionOutcome;
  summary: string;
}

export const IncidentResolved = defineEvent<IncidentResolvedV1>()('IncidentResolved');
