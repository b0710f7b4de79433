import { defineEvent } from '../event-registry';

/**
 * Another report joined the incident's group (triage merged it as a duplicate of the incident's
 * report): the incident is reported by both, and both reporters are kept on their own reports.
 */
export interface IncidentReportMergedV1 {
  incidentId: string;
  /** The incident's own report (the group's first), as on every incident event. */
  reportId: string;
  /** The report that joined. */
  mergedReportId: string;
  /** When and by whom triage merged it (the ReportMarkedDuplicate's time and actor). */
  mergedAt: string;
  mergedBy: string;
}

export const IncidentReportMerged = defineEvent<IncidentReportMergedV1>()('IncidentReportMerged');
