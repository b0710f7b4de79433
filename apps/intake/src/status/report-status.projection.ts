import { REPORTER_REJECTION_MESSAGES, REPORTER_SPLIT_MESSAGE, REPORTER_STATE_MESSAGES, RejectionReason, reporterAdviceMessage } from '@callcenter/contracts';
import { EventEnvelope, IntakeEnvelope, ReportAdviceGivenV1, ReportRejectedV1 } from '@callcenter/events';

/** The states a reporter sees (the proto's ReportState). */
export type ReporterState =
  'RECEIVED' | 'IN_TRIAGE' | 'REJECTED' | 'DUPLICATE' | 'ADVICE_GIVEN' | 'FORWARDED' | 'DISPATCHED' | 'ON_SCENE' | 'RESOLVED' | 'CLOSED';

/**
 * No further change will follow. Not DUPLICATE: a merge into an incident group can be split again
 * (ReportSplitFromGroup), and the reporter watching it should see that happen.
 */
export const FINAL_STATES: ReadonlySet<ReporterState> = new Set(['REJECTED', 'ADVICE_GIVEN', 'CLOSED']);

export interface StatusEntry {
  state: ReporterState;
  at: string;
  /** Indonesian, reporter-safe: no operator names, no internal notes. */
  message: string;
}

/** The reporter-facing status of one report (collection `report_status`, _id = reportId). */
export interface ReportStatusView {
  reportId: string;
  trackingCode: string | null;
  sourceSystem: string | null;
  receivedAt: string | null;
  state: ReporterState;
  timeline: StatusEntry[];
  final: boolean;
}

const MESSAGES = REPORTER_STATE_MESSAGES;
const REJECTION_MESSAGES = REPORTER_REJECTION_MESSAGES;

/** Maps a lifecycle event to the step the reporter sees, if any; other events are not the reporter's business. */
function stepOf(event: EventEnvelope): StatusEntry | null {
  const at = event.occurredAt;
  switch (event.type) {
    case 'ReportReceived':
      return { state: 'RECEIVED', at: (event as IntakeEnvelope).data.receivedAt, message: MESSAGES.RECEIVED.id };
    case 'ReportClaimed':
    case 'ReportReassigned':
      return { state: 'IN_TRIAGE', at, message: MESSAGES.IN_TRIAGE.id };
    case 'ReportRejected':
      return { state: 'REJECTED', at, message: (REJECTION_MESSAGES[(event.data as ReportRejectedV1).reason as RejectionReason] ?? MESSAGES.REJECTED).id };
    case 'ReportMarkedDuplicate':
      return { state: 'DUPLICATE', at, message: MESSAGES.DUPLICATE.id };
    case 'ReportSplitFromGroup':
      return { state: 'RECEIVED', at, message: REPORTER_SPLIT_MESSAGE.id };
    case 'ReportAdviceGiven':
      return { state: 'ADVICE_GIVEN', at, message: reporterAdviceMessage((event.data as ReportAdviceGivenV1).advice) };
    case 'ReportForwardedForDispatch':
      return { state: 'FORWARDED', at, message: MESSAGES.FORWARDED.id };
    case 'UnitAssigned':
    case 'UnitEnRoute':
      return { state: 'DISPATCHED', at, message: MESSAGES.DISPATCHED.id };
    case 'UnitArrived':
      return { state: 'ON_SCENE', at, message: MESSAGES.ON_SCENE.id };
    case 'IncidentResolved':
      return { state: 'RESOLVED', at, message: MESSAGES.RESOLVED.id };
    case 'IncidentClosed':
      return { state: 'CLOSED', at, message: MESSAGES.CLOSED.id };
    default:
      return null;
  }
}

/**
 * Pure: folds one event into the reporter's view. Events of a report come from several topics and
 * may arrive in any order across them, so the timeline is kept sorted by time and the state is that
 * of the latest step; a repeated step (same state and time) is not added twice.
 */
export function evolveReportStatus(doc: ReportStatusView | null, event: EventEnvelope): ReportStatusView | null {
  const step = stepOf(event);
  if (!step) return doc;
  const base: ReportStatusView = doc ?? {
    reportId: event.streamId,
    trackingCode: null,
    sourceSystem: null,
    receivedAt: null,
    state: step.state,
    timeline: [],
    final: false,
  };
  const next = { ...base };
  if (event.type === 'ReportReceived') {
    const data = (event as IntakeEnvelope).data;
    next.reportId = data.reportId;
    next.trackingCode = data.trackingCode;
    next.sourceSystem = data.sourceSystem;
    next.receivedAt = data.receivedAt;
  }
  // Being in triage, or a unit on its way, is one step for the reporter, however often the case or
  // the incident changes hands; a split starts the report over (RECEIVED), so it counts from there.
  const once = step.state === 'IN_TRIAGE' || step.state === 'DISPATCHED';
  const since = base.timeline.filter((s) => s.state === 'RECEIVED').reduce((latest, s) => (s.at > latest ? s.at : latest), '');
  const seen = base.timeline.some((s) => s.state === step.state && (s.at === step.at || (once && s.at >= since)));
  next.timeline = seen ? base.timeline : [...base.timeline, step].sort((a, b) => a.at.localeCompare(b.at));
  next.state = next.timeline[next.timeline.length - 1].state;
  next.final = FINAL_STATES.has(next.state);
  return next;
}

/**
 * The reporter's view from its parts. Each service's stream of a report feeds its own part (one
 * writer per document: the owner of that stream's partition), so parts never overwrite each other;
 * reading merges them. Pure.
 */
export function mergeReportStatus(reportId: string, parts: (ReportStatusView | null)[]): ReportStatusView | null {
  const present = parts.filter((p): p is ReportStatusView => p !== null);
  if (present.length === 0) return null;
  const received = present.find((p) => p.trackingCode !== null);
  const timeline = present.flatMap((p) => p.timeline).sort((a, b) => a.at.localeCompare(b.at));
  const state = timeline[timeline.length - 1].state;
  return {
    reportId,
    trackingCode: received?.trackingCode ?? null,
    sourceSystem: received?.sourceSystem ?? null,
    receivedAt: received?.receivedAt ?? null,
    state,
    timeline,
    final: FINAL_STATES.has(state),
  };
}
