import { defineEvent } from '../event-registry';

/** A supervisor withdrew an incident's public warning (issued in error, or no longer needed). Stream: `public-warnings`. */
export interface PublicWarningCancelledV1 {
  incidentId: string;
  reportId: string;
  reason: string;
}

export const PublicWarningCancelled = defineEvent<PublicWarningCancelledV1>()('PublicWarningCancelled');
