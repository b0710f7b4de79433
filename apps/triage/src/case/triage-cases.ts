import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { v4 as uuidv4 } from 'uuid';
import { districtNamed, IllegalState, NotFound, Priority, ValidationFailed } from '@callcenter/contracts';
import { EventEnvelope, handleCommand, identityViewStreamId, EventStore, PersonalDataVault, ReporterIdentityViewed, SYSTEM_ACTOR } from '@callcenter/events';
import { AuthenticatedUser, backboneMetrics, EVENT_STORE, PERSONAL_DATA } from '@callcenter/platform';
import { ReporterIdentity, CallersStore } from '../callers/callers.store';
import { QueueItem, summaryOf } from '../queue/queue-index';
import { recentReportOf, TriageQueue } from '../queue/triage-queue';
import { IncidentGroups, IncidentGroupView } from '../incident-groups/incident-groups';
import { DuplicateCandidate } from '../suggestions';
import { TriageRules } from '../triage.rules';
import { GroupIncident, Operator, OriginalReport, TriageCase, foldCase, triageCaseDecider, TriageCommand } from './triage-case.decider';

/** A command as the API takes it: the decider's command without who and when, which come from the request. */
type OperatorCommand = TriageCommand extends infer C
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
function identityBasis(state: TriageCase, user: AuthenticatedUser, now: Date): 'CLAIM_HOLDER' | 'SUPERVISOR' | null {
  if (state.claim?.operatorId === user.id && Date.parse(state.claim.leaseExpiresAt) > now.getTime()) return 'CLAIM_HOLDER';
  return user.roles.includes('supervisor') ? 'SUPERVISOR' : null;
}

const operatorOf = (user: AuthenticatedUser): Operator => ({ id: user.id, supervisor: user.roles.includes('supervisor'), name: user.name });

/** What the timeline shows of an event: its data without the ids it repeats and without the caller reference. */
export function timelineData(event: EventEnvelope): Record<string, unknown> {
  const { reportId, callerRef, ...rest } = event.data as Record<string, unknown>;
  if (event.type === 'TriageCaseOpened') return { channel: rest.channel, sourceSystem: rest.sourceSystem };
  return rest;
}

/**
 * Runs operators' and timers' commands against the case streams. Thin: the rules are the decider's;
 * this only folds, appends with optimistic concurrency and answers with the new state.
 */
@Injectable()
export class TriageCases {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly queue: TriageQueue,
    private readonly callers: CallersStore,
    private readonly rules: TriageRules,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalDataVault,
    private readonly groups: IncidentGroups,
  ) {}

  async execute(reportId: string, command: OperatorCommand, user: AuthenticatedUser, correlationId: string, expectedVersion?: number): Promise<CaseDetail> {
    const now = new Date();
    if (command.type === 'Classify') this.checkDistrict(command.district);
    const original = command.type === 'MarkDuplicate' ? { original: await this.originalReport(command.duplicateOf) } : {};
    const groupIncident = command.type === 'SplitFromGroup' ? { groupIncident: await this.groupIncidentOf(reportId) } : {};
    const full = { ...command, ...original, ...groupIncident, by: operatorOf(user), now, leaseSeconds: this.rules.leaseSeconds } as TriageCommand;
    await this.run(reportId, full, user.id, correlationId, expectedVersion);
    return this.detail(reportId, user);
  }

  /** For timers: the actor is `system`; a command that finds nothing to do appends nothing. */
  async runAsSystem(reportId: string, command: Extract<TriageCommand, { type: 'MarkOverdue' | 'ExpireLease' }>): Promise<number> {
    try {
      const result = await this.run(reportId, command, SYSTEM_ACTOR, `timer-${command.type}-${reportId}`);
      return result.events.length;
    } catch (e) {
      if (!(e instanceof NotFound)) throw e;
      this.queue.index.forget(reportId);
      return 0;
    }
  }

  private async run(reportId: string, command: TriageCommand, actor: string, correlationId: string, expectedVersion?: number) {
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
    for (const e of result.events) backboneMetrics.appended.inc({ type: e.type });
    this.queue.accept(result.state, result.version);
    return result;
  }

  private checkDistrict(district: string | null | undefined): void {
    if (district && !districtNamed(this.rules.jurisdiction, district)) {
      const known = this.rules.jurisdiction.districts.map((d) => d.code).join(', ');
      throw new ValidationFailed([{ field: 'district', message: `district must be one of ${known}` }]);
    }
  }

  /** The report a duplicate would point at, as its stream tells it; the decider judges it. */
  private async originalReport(reportId: string): Promise<OriginalReport | null> {
    const { events } = await this.store.readStream(reportId);
    const state = foldCase(events);
    if (state.status === 'NONE') return null;
    const marked = events.filter((e) => e.type === 'ReportMarkedDuplicate').at(-1);
    return { status: state.status, duplicateOf: marked ? String((marked.data as { duplicateOf: string }).duplicateOf) : null };
  }

  /** Whether a unit has reached the incident of the group the report is merged into (the split rule's input). */
  private async groupIncidentOf(reportId: string): Promise<GroupIncident> {
    const { events } = await this.store.readStream(reportId);
    const state = foldCase(events);
    if (state.status === 'NONE' || !state.mergedInto) return { unitArrivedAt: null, unitId: null };
    return this.groups.incidentOf(state.mergedInto);
  }

  /** Folded from the event store, so it shows a command's effect at once. */
  async detail(reportId: string, user: AuthenticatedUser): Promise<CaseDetail> {
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
   * The reporter's identity, for the operator holding the claim (who may call back) and supervisors,
   * nobody else; every view is recorded as ReporterIdentityViewed before it is shown.
   */
  async revealReporter(reportId: string, user: AuthenticatedUser, correlationId: string): Promise<ReporterIdentity & { reportId: string }> {
    const { events } = await this.store.readStream(reportId);
    const state = foldCase(events);
    if (state.status === 'NONE') throw new NotFound('report', reportId);
    const now = new Date();
    const basis = identityBasis(state, user, now);
    if (!basis) {
      throw new ForbiddenException({
        code: 'FORBIDDEN',
        message: "the reporter's identity is shown only to the operator holding the claim and to supervisors",
      });
    }
    await this.store.append(identityViewStreamId(uuidv4()), 0, [ReporterIdentityViewed({ reportId, basis })], { actor: user.id, correlationId, now });
    backboneMetrics.appended.inc({ type: ReporterIdentityViewed.type });
    const identity = (await this.callers.reporterOf(reportId)) ?? { name: null, phone: null };
    return { reportId, name: await this.personalData.open(identity.name), phone: await this.personalData.open(identity.phone) };
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

  targetOf(priority: Priority) {
    return this.rules.targets[priority];
  }
}
