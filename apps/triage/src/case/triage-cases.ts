import { Inject, Injectable } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { IllegalState, NotFound } from '@callcenter/contracts';
import { EventEnvelope, handleCommand, EventStore, PersonalDataVault } from '@callcenter/events';
import { AuthenticatedUser, EVENT_STORE, PERSONAL_DATA } from '@callcenter/platform';
import { QueueItem, summaryOf } from '../queue/queue-index';
import { recentReportOf, TriageQueue } from '../queue/triage-queue';
import { IncidentGroups, IncidentGroupView } from '../incident-groups/incident-groups';
import { DuplicateCandidate } from '../suggestions';
import { TriageRules } from '../triage.rules';
import { Operator, TriageCase, foldCase, triageCaseDecider, TriageCommand } from './triage-case.decider';

/** A command as the API takes it: the decider's command without who and when, which come from the request. */
export type OperatorCommand = TriageCommand extends infer C
  ? C extends { by: Operator }
    ? Omit<C, 'by' | 'now' | 'leaseSeconds' | 'original' | 'groupIncident'>
    : never
  : never;

export interface TimelineEntry {
  version: number;
  type: string;
  at: string;
  actor: string;
  data: Record<string, unknown>;
}

export interface DuplicateCandidateView extends DuplicateCandidate {
  trackingCode: string | null;
  latitude: number | null;
  longitude: number | null;
  receivedAt: string | null;
  channel: string | null;
  summary: string | null;
}

/** One case as an operator sees it: the queue item, the report, suggestions, reporter and timeline. */
export interface CaseDetail extends QueueItem {
  report: {
    description: string;
    categoryHint: string | null;
    location: TriageCase['report']['location'];
    suggestedDistrict: string | null;
    peopleInjured: number;
    peopleInvolved: number;
    sourceSystem: string;
  };
  classification: TriageCase['classification'];
  suggestion: TriageCase['report']['suggestion'] & { duplicateCandidatesNow: DuplicateCandidateView[] };
  /**
   * Always null here: the identity is shown only through `GET /reports/{id}/reporter`, which records
   * each view (ReporterIdentityViewed). Kept in the shape for clients of the earlier API.
   */
  reporter: null;
  /** Whether this person may reveal the reporter's identity (they hold the claim, or supervise). */
  reporterVisible: boolean;
  /** The incident group the report leads or is merged into (null when in none), for the split action. */
  group: IncidentGroupView | null;
  timeline: TimelineEntry[];
}

/** Why this person may see the reporter's identity now, or null: they hold a live claim, or they supervise. */
export function identityBasis(state: TriageCase, user: AuthenticatedUser, now: Date): 'CLAIM_HOLDER' | 'SUPERVISOR' | null {
  if (state.claim?.operatorId === user.id && Date.parse(state.claim.leaseExpiresAt) > now.getTime()) return 'CLAIM_HOLDER';
  return user.roles.includes('supervisor') ? 'SUPERVISOR' : null;
}

export const operatorOf = (user: AuthenticatedUser): Operator => ({ id: user.id, supervisor: user.roles.includes('supervisor'), name: user.name });

/** What the timeline shows of an event: its data without the ids it repeats and without the caller reference. */
export function timelineData(event: EventEnvelope): Record<string, unknown> {
  const { reportId, callerRef, ...rest } = event.data as Record<string, unknown>;
  if (event.type === 'TriageCaseOpened') return { channel: rest.channel, sourceSystem: rest.sourceSystem };
  return rest;
}

/**
 * The case streams as triage's command handlers (triage-case.commands.ts) use them: a command is
 * decided on the case as stored, through `handleCommand` (optimistic concurrency, the client's
 * If-Match), and the queue shows the new state at once. The rules are the decider's.
 */
@Injectable()
export class TriageCases {
  constructor(
    @Inject(EVENT_STORE) readonly store: EventStore,
    private readonly queue: TriageQueue,
  ) {}

  async decide(reportId: string, command: TriageCommand, actor: string, correlationId: string, expectedVersion?: number) {
    const existing = await this.store.readStream(reportId);
    if (existing.version === 0) throw new NotFound('report', reportId);
    let result;
    try {
      result = await handleCommand(this.store, triageCaseDecider, reportId, command, { actor, correlationId, now: new Date() }, { expectedVersion });
    } catch (e) {
      // A refusal names the version it was judged against, so the screen can reload and compare.
      if (e instanceof IllegalState && e.state && typeof e.state === 'object')
        throw new IllegalState(e.rule, e.message, { ...e.state, version: existing.version });
      throw e;
    }
    this.queue.accept(result.state, result.version);
    return result;
  }
}

/** One case as this person sees it; folded from the event store, so it shows a command's effect at once. */
export class CaseDetailQuery extends Query<CaseDetail> {
  constructor(
    readonly reportId: string,
    readonly user: AuthenticatedUser,
  ) {
    super();
  }
}

@QueryHandler(CaseDetailQuery)
export class CaseDetailQueryHandler implements IQueryHandler<CaseDetailQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly queue: TriageQueue,
    private readonly rules: TriageRules,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalDataVault,
    private readonly groups: IncidentGroups,
  ) {}

  async execute({ reportId, user }: CaseDetailQuery): Promise<CaseDetail> {
    const { version, events } = await this.store.readStream(reportId);
    const state = foldCase(events);
    if (state.status === 'NONE') throw new NotFound('report', reportId);
    const now = new Date();
    const item = this.queue.index.item({ case: state, version }, now, this.rules.targets);
    const detail: CaseDetail = {
      ...item,
      report: {
        description: state.report.description,
        categoryHint: state.report.categoryHint,
        location: state.report.location,
        suggestedDistrict: state.report.district,
        peopleInjured: state.report.peopleInjured,
        peopleInvolved: state.report.peopleInvolved,
        sourceSystem: state.report.sourceSystem,
      },
      classification: state.classification,
      suggestion: {
        ...state.report.suggestion,
        // Reports that came in after this one are candidates too: ask again now.
        duplicateCandidatesNow: this.queue.recent.candidatesFor(recentReportOf(state)).map((candidate) => this.sideBySide(candidate)),
      },
      reporter: null,
      reporterVisible: identityBasis(state, user, now) !== null,
      group: await this.groups.groupOf(reportId, state.mergedInto),
      timeline: events.map((e) => ({ version: e.streamVersion, type: e.type, at: e.occurredAt, actor: e.actor, data: timelineData(e) })),
    };
    // The description and address are sealed personal data: opened for the operator, "[dihapus]" once erased.
    const opened = await this.personalData.openDeep(detail);
    return {
      ...opened,
      summary: summaryOf(opened.summary),
      suggestion: {
        ...opened.suggestion,
        duplicateCandidatesNow: opened.suggestion.duplicateCandidatesNow.map((c) => ({ ...c, summary: c.summary && summaryOf(c.summary) })),
      },
    };
  }

  /**
   * A candidate with what an operator needs to judge it beside this report: its code, place, time,
   * channel and first words. Only open cases are at hand in memory; a closed one keeps the bare candidate.
   */
  private sideBySide(candidate: DuplicateCandidate): DuplicateCandidateView {
    const other = this.queue.index.get(candidate.reportId)?.case.report;
    if (!other) return { ...candidate, trackingCode: null, latitude: null, longitude: null, receivedAt: null, channel: null, summary: null };
    return {
      ...candidate,
      trackingCode: other.trackingCode,
      latitude: other.location.latitude,
      longitude: other.location.longitude,
      receivedAt: other.receivedAt,
      channel: other.channel,
      summary: summaryOf(other.description),
    };
  }
}
