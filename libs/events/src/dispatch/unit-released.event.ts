import { defineEvent } from '../event-registry';

/** The unit is free of an incident again. */
export interface UnitReleasedV1 {
  unitId: string;
  incidentId: string;
  reason: 'RESOLVED' | 'DECLINED' | 'TIMED_OUT' | 'REASSIGNED' | 'CLOSED' | 'ASSIGNMENT_FAILED' | 'ORPHANED';
}

export const UnitReleased = defineEvent<UnitReleasedV1>()('UnitReleased');
