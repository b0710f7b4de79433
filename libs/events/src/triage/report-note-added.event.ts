import { defineEvent } from '../event-registry';

/** An internal note; its author is the event's actor. Never shown to the reporter. */
export interface ReportNoteAddedV1 {
  reportId: string;
  text: string;
}

export const ReportNoteAdded = defineEvent<ReportNoteAddedV1>()('ReportNoteAdded');
