import { defineEvent } from '../event-registry';

/**
 * The unit was taken for an incident. This is the unit's side of an assignment and its lock: the
 * unit stream's version check lets one incident have it at a time.
 */
export interface UnitCommittedV1 {
  unitId: string;
  incidentId: string;
  reportId: string;
  committedAt: string;
}

export const UnitCommitted = defineEvent<UnitCommittedV1>()('UnitCommitted');
