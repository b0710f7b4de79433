import { defineEvent } from '../event-registry';

/** Closes the case without dispatch; `advice` is addressed to the reporter and shown to them. */
export interface ReportAdviceGivenV1 {
  reportId: string;
  advice: string;
}

export const ReportAdviceGiven = defineEvent<ReportAdviceGivenV1>()('ReportAdviceGiven');
