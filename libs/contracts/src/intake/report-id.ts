import { v5 as uuidv5 } from 'uuid';

/** Namespace of report ids derived from (source system, external id). */
const REPORT_ID_NAMESPACE = '6f1d4a52-2c0e-4b8e-9a3c-5d0f7e1b9c11';

/**
 * A report's id, derived from (source system, external id), so every repeat of a submission
 * addresses the same stream. Part of the contract: the tests and the portal's find a report by it.
 */
export function reportIdFor(sourceSystem: string, externalId: string): string {
  return uuidv5(`${sourceSystem}\n${externalId}`, REPORT_ID_NAMESPACE);
}
