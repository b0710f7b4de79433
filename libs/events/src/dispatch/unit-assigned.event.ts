import { defineEvent } from '../event-registry';

/** A unit was assigned to the incident (by a dispatcher, or automatically for P1 when configured). */
export interface UnitAssignedV1 {
  incidentId: string;
  reportId: string;
  unitId: string;
  callSign: string;
  /** The unit it replaces, when reassigned. */
  previousUnitId: string | null;
  distanceMeters: number | null;
  etaSeconds: number | null;
  automatic: boolean;
  /** Unacknowledged by then, the assignment times out. */
  acknowledgeBy: string;
}

export const UnitAssigned = defineEvent<UnitAssignedV1>()('UnitAssigned');
