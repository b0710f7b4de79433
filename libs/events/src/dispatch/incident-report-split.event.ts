import { defineEvent } from '../event-registry';

/** A supervisor split a merged report out of the incident's group again: it is its own report once more. */
export interface IncidentReportSplitV1 {
  incidentId: string;
  reportId: string;
  /** The report that left the group. */
  splitReportId: string;
  /** When, by whom and why triage split it (the ReportSplitFromGroup's time, actor and reason). */
  splitAt: string;
  splitBy: string;
  reason: string;
}

export const IncidentReportSplit = defineEvent<IncidentReportSplitV1>()('IncidentReportSplit');
