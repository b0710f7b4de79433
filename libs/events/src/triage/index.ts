import { DomainEventOf, EventOf } from '../event-registry';
import { TriageCaseOpened } from './triage-case-opened.event';
import { ReportClaimed } from './report-claimed.event';
import { ReportReleased } from './report-released.event';
import { ReportClassified } from './report-classified.event';
import { ReportNoteAdded } from './report-note-added.event';
import { ReportMarkedDuplicate } from './report-marked-duplicate.event';
import { ReportRejected } from './report-rejected.event';
import { ReportAdviceGiven } from './report-advice-given.event';
import { ReportEscalated } from './report-escalated.event';
import { ReportReassigned } from './report-reassigned.event';
import { ReportForwardedForDispatch } from './report-forwarded-for-dispatch.event';
import { TriageOverdue } from './triage-overdue.event';
import { SuggestionModelActivated } from './suggestion-model-activated.event';
import { ReportSplitFromGroup } from './report-split-from-group.event';
import { PERSONAL_DATA_EVENT_TYPES } from '../personal-data/reporter-data-erased.event';
import { PastStateViewed } from '../audit/past-state-viewed.event';

export * from './triage-case-opened.event';
export * from './report-claimed.event';
export * from './report-released.event';
export * from './report-classified.event';
export * from './report-note-added.event';
export * from './report-marked-duplicate.event';
export * from './report-rejected.event';
export * from './report-advice-given.event';
export * from './report-escalated.event';
export * from './report-reassigned.event';
export * from './report-forwarded-for-dispatch.event';
export * from './triage-overdue.event';
export * from './suggestion-model-activated.event';
export * from './report-split-from-group.event';
export * from './incident-group';

export const triageEvents = [
  TriageCaseOpened,
  ReportClaimed,
  ReportReleased,
  ReportClassified,
  ReportNoteAdded,
  ReportMarkedDuplicate,
  ReportRejected,
  ReportAdviceGiven,
  ReportEscalated,
  ReportReassigned,
  ReportForwardedForDispatch,
  TriageOverdue,
  ReportSplitFromGroup,
];

/** Every event on the triage topic (one stream per report's triage case). */
export type TriageEvent = DomainEventOf<(typeof triageEvents)[number]>;
export type TriageEnvelope = EventOf<(typeof triageEvents)[number]>;
export const TRIAGE_EVENT_TYPES: ReadonlySet<string> = new Set(triageEvents.map((d) => d.type));

/** Service-wide events of triage (not a case's): the suggestion model switched by an admin. */
export const suggestionModelEvents = [SuggestionModelActivated];

/**
 * Events on the triage topic whose stream is no report (audit records of personal data, model
 * switches, views of past moments — the last also on the dispatch topic): readers that take a
 * triage stream for a report's id leave these out.
 */
export const REPORTLESS_TRIAGE_EVENT_TYPES: ReadonlySet<string> = new Set([...PERSONAL_DATA_EVENT_TYPES, SuggestionModelActivated.type, PastStateViewed.type]);
