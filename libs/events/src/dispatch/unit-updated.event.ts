import { defineEvent } from '../event-registry';

/** A unit's details changed (the full new values). */
export interface UnitUpdatedV1 {
  unitId: string;
  type: string;
  capabilities: string[];
  homeDistrict: string;
}

export const UnitUpdated = defineEvent<UnitUpdatedV1>()('UnitUpdated');
