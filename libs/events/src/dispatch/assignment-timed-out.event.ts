import { defineEvent } from '../event-registry';

/** The unit did not acknowledge in time; the incident needs a unit again (actor `system`). */
export interface AssignmentTimedOutV1 {
  incidentId: string;
  reportId: string;
  unitId: string;
}

export const AssignmentTimedOut = defineEvent<AssignmentTimedOutV1>()('AssignmentTimedOut');
