import type { GeoPoint } from '@callcenter/contracts';
import { defineEvent } from '../event-registry';

/** A unit reported its status and/or position (or a dispatcher did for it, by radio). */
export interface UnitStatusChangedV1 {
  unitId: string;
  status: 'AVAILABLE' | 'EN_ROUTE' | 'ON_SCENE' | 'BUSY' | 'OFF_DUTY';
  previousStatus: string;
  /** Null when only the status changed. */
  position: GeoPoint | null;
  /** The incident the change belongs to, if any. */
  incidentId: string | null;
  reportedAt: string;
}

export const UnitStatusChanged = defineEvent<UnitStatusChangedV1>()('UnitStatusChanged');
