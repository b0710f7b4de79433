import { defineEvent } from '../event-registry';

export interface UnitEnRouteV1 {
  incidentId: string;
  reportId: string;
  unitId: string;
}

export const UnitEnRoute = defineEvent<UnitEnRouteV1>()('UnitEnRoute');
