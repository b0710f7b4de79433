import { v5 as uuidv5 } from 'uuid';

const INCIDENT_ID_NAMESPACE = 'b8a4c3c2-5d7e-4f0a-9e1b-2c6d8f0a4e17';

/**
 * One incident per report, found again from the report id, however often the forward is redelivered.
 * Part of the contract: the console, the bench and the tests find a report's incident with it.
 */
export function incidentIdFor(reportId: string): string {
  return uuidv5(reportId, INCIDENT_ID_NAMESPACE);
}
