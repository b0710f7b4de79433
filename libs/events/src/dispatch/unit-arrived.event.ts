import { defineEvent } from '../event-registry';

export interface UnitArrivedV1 {
  incidentId: string;
  reportId: string;
  unitId: string;
}

export const UnitArrived = defineEvent<UnitArrivedV1>()('UnitArrived');
