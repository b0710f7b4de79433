import type { Category, Channel, Priority, RejectionReason, ReportState, ResolutionOutcome } from '@callcenter/contracts';
import type { EventEnvelope } from '@callcenter/events';

export type Decision = 'REJECTED' | 'DUPLICATE' | 'ADVICE_GIVEN' | 'FORWARDED';
export type { ReportState };

/**
 * A time as milliseconds since the epoch (UTC). A fact holds its times so, not as the events' ISO
 * 8601 text: a number is a third of a string's memory, and spans and hours are arithmetic on it.
 */
export type EpochMs = number;

/** An event's ISO 8601 time as epoch ms; null when absent or unreadable. */
export const msOf = (iso: unknown): EpochMs | null => {
  const ms = typeof iso === 'string' ? Date.parse(iso) : NaN;
  return Number.isNaN(ms) ? null : ms;
};

/** What an operator or a unit did to a report, for workload and staffing. */
export type StepKind =
  'CLAIMED' | 'CLASSIFIED' | 'DECIDED' | 'NOTED' | 'ESCALATED' | 'SPLIT' | 'ASSIGNED' | 'ACKNOWLEDGED' | 'DECLINED' | 'TIMED_OUT' | 'ARRIVED' | 'RESOLVED';

/** Who did what to a report, and when: one step, as `stepsOf` reads it out of a fact's packed steps. */
export interface ActorStep {
  actor: string;
  step: StepKind;
  at: EpochMs;
}

/**
 * A report's steps, packed: two numbers a step, its time (epoch ms) and its code (the actor's
 * number × 16 + its kind's), sorted by time, then kind, then actor's id, so a fact is the same
 * whatever order its streams were read in. A run of doubles costs 16 bytes a step, where an object
 * a step cost about a hundred (5.6 steps a report). Never changed in place: a step added makes a
 * new run (`withStep`).
 */
export type Steps = readonly number[];
const NO_STEPS: Steps = Object.freeze([]);

/** The kinds in name order: the order steps of one instant sort in. */
const STEP_KINDS: readonly StepKind[] = (
  ['CLAIMED', 'CLASSIFIED', 'DECIDED', 'NOTED', 'ESCALATED', 'SPLIT', 'ASSIGNED', 'ACKNOWLEDGED', 'DECLINED', 'TIMED_OUT', 'ARRIVED', 'RESOLVED'] as const
).toSorted((a, b) => a.localeCompare(b));
const KIND_NUMBER = new Map(STEP_KINDS.map((kind, i) => [kind, i]));

/**
 * Every actor a step names (operators and units: some hundreds), by number, for as long as the
 * process runs: a step holds the number, and each id is one string however many steps name it.
 * The numbers are this process's own, so what leaves it (a snapshot, a digest) names actors by id.
 */
const ACTORS: string[] = [];
const ACTOR_NUMBER = new Map<string, number>();
const actorNumber = (id: string) => ACTOR_NUMBER.get(id) ?? (ACTOR_NUMBER.set(id, ACTORS.length), ACTORS.push(id) - 1);
const codeOf = (actor: string, kind: StepKind) => actorNumber(actor) * 16 + KIND_NUMBER.get(kind)!;
const actorOf = (code: number) => ACTORS[code >> 4];
const kindOf = (code: number) => STEP_KINDS[code & 15];

/** The order of two steps (time, code): by time, then kind, then actor's id. */
const compareSteps = (at: number, code: number, otherAt: number, otherCode: number) =>
  at - otherAt || (code & 15) - (otherCode & 15) || actorOf(code).localeCompare(actorOf(otherCode));

/** The steps with one more, in its place (a new run, exactly as long). */
export function withStep(steps: Steps, actor: string, kind: StepKind, at: EpochMs): Steps {
  const code = codeOf(actor, kind);
  let i = steps.length;
  while (i > 0 && compareSteps(at, code, steps[i - 2], steps[i - 1]) < 0) i -= 2;
  return steps.toSpliced(i, 0, at, code);
}

/** Calls `visit` with each step in order. */
export function forEachStep(steps: Steps, visit: (actor: string, kind: StepKind, at: EpochMs) => void): void {
  for (let i = 0; i < steps.length; i += 2) visit(actorOf(steps[i + 1]), kindOf(steps[i + 1]), steps[i]);
}

/**
 * Calls `visit` with each step in one run and not in the other, counted as many times as it is
 * (sign -1: only `before` has it; 1: only `after`): one walk of both, as both are sorted.
 */
export function forEachStepChanged(before: Steps, after: Steps, visit: (sign: 1 | -1, actor: string, kind: StepKind, at: EpochMs) => void): void {
  let [i, j] = [0, 0];
  while (i < before.length || j < after.length) {
    if (i < before.length && j < after.length && before[i] === after[j] && before[i + 1] === after[j + 1]) [i, j] = [i + 2, j + 2];
    else if (j >= after.length || (i < before.length && compareSteps(before[i], before[i + 1], after[j], after[j + 1]) < 0)) {
      visit(-1, actorOf(before[i + 1]), kindOf(before[i + 1]), before[i]);
      i += 2;
    } else {
      visit(1, actorOf(after[j + 1]), kindOf(after[j + 1]), after[j]);
      j += 2;
    }
  }
}

/** The steps one by one, as objects (tests, and walking the reports as a reference). */
export function stepsOf(steps: Steps): ActorStep[] {
  const out: ActorStep[] = [];
  forEachStep(steps, (actor, step, at) => out.push({ actor, step, at }));
  return out;
}

/** Steps as a snapshot and a digest write them: `[actor, kind, at, …]`, the actors by id, not by this process's numbers. */
export type StepsJson = (string | number)[];
export function stepsJson(steps: Steps): StepsJson {
  const out: StepsJson = [];
  forEachStep(steps, (actor, kind, at) => out.push(actor, kind, at));
  return out;
}
export function stepsFromJson(json: StepsJson): Steps {
  const steps = Array.from({ length: (json.length / 3) * 2 }, () => 0);
  for (let i = 0, k = 0; i < json.length; i += 3, k += 2)
    [steps[k], steps[k + 1]] = [json[i + 2] as number, codeOf(json[i] as string, json[i + 1] as StepKind)];
  return steps;
}

/**
 * Everything analytics knows about one report, folded from its intake, triage and incident
 * streams. No reporter identity is ever kept. Events of different streams may come in any order,
 * so every field is set in a way that does not depend on it: first times are minima, and the
 * classification (triage stream, applied in order) wins over the suggestion whenever either comes.
 */
export interface ReportFact {
  reportId: string;
  receivedAt: EpochMs | null;
  /** When the reporter says it happened, if they said (placed by it only when plausible: `incidentTime`). */
  occurredAt: EpochMs | null;
  channel: Channel | null;
  sourceSystem: string | null;
  latitude: number | null;
  longitude: number | null;
  peopleInjured: number;
  categoryHint: Category | null;
  suggestedCategory: Category | null;
  suggestedPriority: Priority | null;
  classifiedCategory: Category | null;
  classifiedPriority: Priority | null;
  /** District code: the operator's, else triage's suggestion. */
  classifiedDistrict: string | null;
  suggestedDistrict: string | null;
  lowTrust: boolean;
  possibleDuplicate: boolean;
  claimedAt: EpochMs | null;
  classifiedAt: EpochMs | null;
  decision: Decision | null;
  decidedAt: EpochMs | null;
  rejectionReason: RejectionReason | null;
  escalated: boolean;
  leaseExpiries: number;
  reassignments: number;
  triageOverdue: boolean;
  incidentId: string | null;
  forwardedAt: EpochMs | null;
  assignedAt: EpochMs | null;
  arrivedAt: EpochMs | null;
  resolvedAt: EpochMs | null;
  closedAt: EpochMs | null;
  outcome: ResolutionOutcome | null;
  dispatchOverdue: boolean;
  unitReassignments: number;
  /** While merged into an incident group as a duplicate: the report whose group it is in. */
  mergedInto?: string | null;
  /** How often a supervisor split it out of a group again (each time it became its own report). */
  splits?: number;
  steps: Steps;
  /**
   * The last version applied of the report's own streams, intake's and triage's (both named by its
   * id): what keeps folding them idempotent (`AnalyticsModel.apply`), held here rather than in a map
   * keyed by the id once more (two entries a report, a second and a half of a restart at 10 M events).
   */
  intakeVersion: number;
  triageVersion: number;
}

/** The field of a fact that holds the last version applied of an event's stream, when the stream is the report's own (intake's or triage's). */
export const ownStreamVersion = (event: EventEnvelope): 'intakeVersion' | 'triageVersion' | null =>
  event.producer === 'intake' ? 'intakeVersion' : event.producer === 'triage' ? 'triageVersion' : null;

/** A fact as a snapshot and a digest write it: its steps by actors' ids. */
export type ReportFactJson = Omit<ReportFact, 'steps'> & { steps: StepsJson };
export const factJson = (f: ReportFact): ReportFactJson => ({ ...f, steps: stepsJson(f.steps) });
/** The fact a snapshot held (`json` itself, its steps packed again). */
export function factFromJson(json: ReportFactJson): ReportFact {
  const fact = json as unknown as { steps: Steps };
  fact.steps = stepsFromJson(json.steps);
  return fact as ReportFact;
}

export function emptyFact(reportId: string): ReportFact {
  return {
    reportId,
    receivedAt: null,
    occurredAt: null,
    channel: null,
    sourceSystem: null,
    latitude: null,
    longitude: null,
    peopleInjured: 0,
    categoryHint: null,
    suggestedCategory: null,
    suggestedPriority: null,
    classifiedCategory: null,
    classifiedPriority: null,
    classifiedDistrict: null,
    suggestedDistrict: null,
    lowTrust: false,
    possibleDuplicate: false,
    claimedAt: null,
    classifiedAt: null,
    decision: null,
    decidedAt: null,
    rejectionReason: null,
    escalated: false,
    leaseExpiries: 0,
    reassignments: 0,
    triageOverdue: false,
    incidentId: null,
    forwardedAt: null,
    assignedAt: null,
    arrivedAt: null,
    resolvedAt: null,
    closedAt: null,
    outcome: null,
    dispatchOverdue: false,
    unitReassignments: 0,
    steps: NO_STEPS,
    intakeVersion: 0,
    triageVersion: 0,
  };
}

const first = (current: EpochMs | null, at: EpochMs) => (current === null || at < current ? at : current);

export const categoryOf = (f: ReportFact): Category => f.classifiedCategory ?? f.suggestedCategory ?? f.categoryHint ?? 'LAINNYA';
export const priorityOf = (f: ReportFact): Priority | null => f.classifiedPriority ?? f.suggestedPriority;
export const districtOf = (f: ReportFact): string | null => f.classifiedDistrict ?? f.suggestedDistrict;

/** The furthest step reached: the order of the lifecycle, not the order events arrived in. */
export function stateOf(f: ReportFact): ReportState {
  if (f.closedAt) return 'CLOSED';
  if (f.resolvedAt) return 'RESOLVED';
  if (f.arrivedAt) return 'ON_SCENE';
  if (f.assignedAt) return 'DISPATCHED';
  if (f.decision) return f.decision;
  if (f.claimedAt) return 'IN_TRIAGE';
  return 'RECEIVED';
}

/** The report an event belongs to, or null for events about no report (a unit's roster changes). */
export function reportIdOf(event: EventEnvelope): string | null {
  if (event.producer === 'intake' || event.producer === 'triage') return event.streamId;
  const reportId = (event.data as { reportId?: unknown })?.reportId;
  return typeof reportId === 'string' ? reportId : null;
}

/**
 * Folds one event into a report's fact (`at`: the event's time, when the caller has parsed it). Pure; mutates and returns a copy. Events of one stream come
 * in order (the caller drops repeats by stream version); across streams any order gives one result.
 */
export function evolveFact(fact: ReportFact, event: EventEnvelope, at: EpochMs = Date.parse(event.occurredAt)): ReportFact {
  const d = event.data as any;
  const f = { ...fact };
  const add = (actor: string, kind: StepKind) => void (f.steps = withStep(f.steps, actor, kind, at));
  const step = (kind: StepKind) => add(event.actor, kind);
  switch (event.type) {
    case 'ReportReceived':
      f.receivedAt = msOf(d.receivedAt);
      f.occurredAt = msOf(d.occurredAt);
      f.channel = d.channel;
      f.sourceSystem = d.sourceSystem;
      f.latitude = d.location?.latitude ?? null;
      f.longitude = d.location?.longitude ?? null;
      f.peopleInjured = d.peopleInjured ?? 0;
      f.categoryHint = d.categoryHint ?? null;
      break;
    case 'TriageCaseOpened':
      f.receivedAt ??= msOf(d.receivedAt);
      f.occurredAt ??= msOf(d.occurredAt);
      f.channel ??= d.channel;
      f.sourceSystem ??= d.sourceSystem;
      f.latitude ??= d.location?.latitude ?? null;
      f.longitude ??= d.location?.longitude ?? null;
      f.suggestedCategory = d.suggestion.category;
      f.suggestedPriority = d.suggestion.priority;
      f.suggestedDistrict = d.district;
      f.lowTrust = d.suggestion.lowTrust?.flagged ?? false;
      f.possibleDuplicate = (d.suggestion.duplicateCandidates?.length ?? 0) > 0;
      break;
    case 'ReportClaimed':
      f.claimedAt = first(f.claimedAt, at);
      step('CLAIMED');
      break;
    case 'ReportReleased':
      if (d.reason === 'LEASE_EXPIRED') f.leaseExpiries++;
      break;
    case 'ReportReassigned':
      f.reassignments++;
      f.claimedAt = first(f.claimedAt, at);
      break;
    case 'ReportClassified':
      f.classifiedAt = first(f.classifiedAt, at);
      f.classifiedCategory = d.category;
      f.classifiedPriority = d.priority;
      f.classifiedDistrict = d.district ?? f.classifiedDistrict;
      step('CLASSIFIED');
      break;
    case 'ReportNoteAdded':
      step('NOTED');
      break;
    case 'ReportEscalated':
      f.escalated = true;
      step('ESCALATED');
      break;
    case 'ReportRejected':
    case 'ReportMarkedDuplicate':
    case 'ReportAdviceGiven':
    case 'ReportForwardedForDispatch': {
      const decisions: Record<string, Decision> = {
        ReportRejected: 'REJECTED',
        ReportMarkedDuplicate: 'DUPLICATE',
        ReportAdviceGiven: 'ADVICE_GIVEN',
        ReportForwardedForDispatch: 'FORWARDED',
      };
      f.decision = decisions[event.type];
      f.decidedAt = at;
      if (event.type === 'ReportRejected') f.rejectionReason = d.reason;
      if (event.type === 'ReportMarkedDuplicate') f.mergedInto = d.duplicateOf;
      if (event.type === 'ReportForwardedForDispatch') {
        f.forwardedAt = at;
        f.classifiedCategory ??= d.category;
        f.classifiedPriority ??= d.priority;
        f.classifiedDistrict ??= d.district;
      }
      step('DECIDED');
      break;
    }
    case 'ReportSplitFromGroup':
      // Its own report again: no decision yet, counted by what happens to it from here.
      f.decision = null;
      f.decidedAt = null;
      f.mergedInto = null;
      f.splits = (f.splits ?? 0) + 1;
      step('SPLIT');
      break;
    case 'TriageOverdue':
      f.triageOverdue = true;
      break;
    case 'IncidentOpened':
      // One incident a report in service (its id is derived from the report's); should a report ever
      // come with two (another dispatcher on the same topics), the fact names the same one whatever
      // order their streams were read in.
      if (f.incidentId === null || d.incidentId < f.incidentId) f.incidentId = d.incidentId;
      f.forwardedAt ??= msOf(d.forwardedAt);
      break;
    case 'UnitAssigned':
      f.assignedAt = first(f.assignedAt, at);
      if (d.previousUnitId) f.unitReassignments++;
      add(d.unitId, 'ASSIGNED');
      break;
    case 'AssignmentAcknowledged':
      add(d.unitId, 'ACKNOWLEDGED');
      break;
    case 'AssignmentDeclined':
      add(d.unitId, 'DECLINED');
      break;
    case 'AssignmentTimedOut':
      add(d.unitId, 'TIMED_OUT');
      break;
    case 'UnitArrived':
      f.arrivedAt = first(f.arrivedAt, at);
      add(d.unitId, 'ARRIVED');
      break;
    case 'IncidentResolved':
      // The first resolution and its outcome (the same, in whatever order two incidents' streams came).
      if (f.resolvedAt === null || at < f.resolvedAt || (at === f.resolvedAt && d.outcome < f.outcome!)) [f.resolvedAt, f.outcome] = [at, d.outcome];
      if (d.unitId) add(d.unitId, 'RESOLVED');
      break;
    case 'IncidentClosed':
      f.closedAt = first(f.closedAt, at);
      break;
    case 'DispatchOverdue':
      f.dispatchOverdue = true;
      break;
    default:
      return fact; // not about the report's lifecycle (or an event this version does not know)
  }
  return f;
}
