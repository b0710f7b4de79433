import { defineEvent } from '../event-registry';

/** A unit joined the command's roster. Stream: the unit (streamId = unitId, its call sign). */
export interface UnitRegisteredV1 {
  unitId: string;
  callSign: string;
  type: string;
  capabilities: string[];
  /** District code of the jurisdiction. */
  homeDistrict: string;
  /** A unit starts OFF_DUTY or AVAILABLE. */
  status: 'AVAILABLE' | 'OFF_DUTY';
}

export const UnitRegistered = defineEvent<UnitRegisteredV1>()('UnitRegistered');
