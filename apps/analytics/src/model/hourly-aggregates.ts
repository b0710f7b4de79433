import { incidentTime, TimeBasis } from '@callcenter/contracts';
import { dayOfHour, FactCounter } from './aggregates';
import { ActorStep, categoryOf, districtOf, priorityOf, ReportFact, stateOf } from './report-fact';

const HOUR_MS = 3_600_000;
/** Asia/Jakarta is UTC+7 (as the daily aggregates and public-stats say). */
const JAKARTA_OFFSET_HOURS = 7;
/** The hour (since the epoch, UTC) a time falls in. Asia/Jakarta is a whole number of hours from UTC, so it is also a local hour. */
export const hourOf = (iso: string) => Math.floor(Date.parse(iso) / HOUR_MS);
/** The start of an hour, ISO 8601 UTC. */
export const hourStart = (hour: number) => new Date(hour * HOUR_MS).toISOString();

/** The time a report counts at on a basis (ISO 8601, UTC); the fact must have been received. */
export function placedAt(f: ReportFact, basis: TimeBasis = 'received'): string {
  if (basis === 'received' || !f.occurredAt) return f.receivedAt!;
  return new Date(incidentTime({ receivedAt: f.receivedAt!, occurredAt: f.occurredAt })).toISOString();
}

/** The grid the model's hotspot cells are kept at (the API's default `cellDegrees`); another grid counts the reports on the spot. */
export const SPOT_DEGREES = 0.01;
/** Steps that make an operator active in an hour (staffing). */
export const ACTIVE_STEPS: ReadonlySet<string> = new Set(['CLAIMED', 'CLASSIFIED', 'DECIDED']);
/** Steps a unit takes (workload by unit); every other step is an operator's. */
export const UNIT_STEPS: ReadonlySet<string> = new Set(['ASSIGNED', 'ACKNOWLEDGED', 'DECLINED', 'TIMED_OUT', 'ARRIVED', 'RESOLVED']);

/** The dimensions a query filters by, and the hour of receipt every cell is placed at. */
export interface Dimensions {
  /** Hour of receipt (since the epoch). */
  hour: number;
  category: string;
  district: string | null;
  channel: string | null;
  priority: string | null;
}

/** Reports by hour placed (received and occurred), dimensions and outcome: volume, load, staffing, hotspots by district. */
export interface ReportCell extends Dimensions {
  /** Hour placed on basis `occurred`. */
  occurredHour: number;
  state: string;
  decision: string | null;
  rejectionReason: string | null;
  merged: boolean;
  splitOut: boolean;
  reports: number;
  /** Staffing's handling time (claimed → decided, when not negative): sum in milliseconds, and how many. */
  handlingMs: number;
  handled: number;
}

/** Reports with a location by hour placed, dimensions and grid cell: hotspots' top cells. */
export interface SpotCell extends Dimensions {
  occurredHour: number;
  row: number;
  column: number;
  reports: number;
}

/** An actor's steps on the reports of one cell, by the hour the steps were taken in: workload, and operators active for staffing. */
export interface ActorCell extends Dimensions {
  actor: string;
  stepHour: number;
  steps: Partial<Record<ActorStep['step'], number>>;
  /** All its steps (the cell goes when it is 0). */
  total: number;
  /** Decisions' handling time (the report's claim → the decision, when not negative): sum in milliseconds, and how many. */
  decidedMs: number;
  decidedHandled: number;
}

/**
 * Queue depth at any instant needs each report's exact arrival and first take (claim or decision):
 * kept per hour of receipt and dimensions as counts by millisecond. The one part that grows with
 * the count of reports (two numbers each), because load's queue depth is sampled at instants
 * that are not on the hour.
 */
export interface WaitingCell extends Dimensions {
  reports: number;
  arrivals: Map<number, number>;
  taken: Map<number, number>;
}

const add = (counts: Map<number, number>, at: number, sign: number) => {
  const n = (counts.get(at) ?? 0) + sign;
  if (n === 0) counts.delete(at);
  else counts.set(at, n);
};

/** The cells of the reports received on one local day (Asia/Jakarta): what a day's part of a query's answer is made of. */
export interface DayOfCells {
  day: string;
  /** The first hour of the day (since the epoch). */
  firstHour: number;
  /** Changes whenever a cell of the day does (the aggregates' own counter of changes): a part of an answer made at this version still holds. */
  version: number;
  reports: Map<string, ReportCell>;
  spots: Map<string, SpotCell>;
  actors: Map<string, ActorCell>;
  waiting: Map<string, WaitingCell>;
}

/**
 * Counts per hour (of receipt, and of occurrence where a query may place by it) and per category,
 * district, channel and priority, kept as reports' facts change (a changed fact is taken out as it
 * was and added as it is), so the cells always equal a recomputation from the facts: volume, load,
 * staffing, hotspots and workload over whole hours sum cells instead of walking reports. Every cell
 * of a report is keyed by its hour of receipt, so the cells are held by local day of receipt, each
 * day with a version that says when it last changed.
 */
export class HourlyAggregates extends FactCounter {
  readonly days = new Map<string, DayOfCells>();
  private changes = 0;

  /** `cellDegrees`: the grid of the hotspot cells. */
  constructor(private readonly cellDegrees = SPOT_DEGREES) {
    super();
  }

  /** Every day's cells of one kind. */
  *cells<K extends 'reports' | 'spots' | 'actors' | 'waiting'>(kind: K): Iterable<DayOfCells[K] extends Map<string, infer C> ? C : never> {
    for (const d of this.days.values()) yield* d[kind].values() as any;
  }

  /** `p`: the fact's placing, when the caller has it already. */
  count(f: ReportFact, sign: 1 | -1, p = f.receivedAt ? placing(f) : undefined): void {
    if (!p) return;
    const day = this.dayOf(p.dims.hour);
    day.version = ++this.changes;
    this.countReport(day, f, p, sign);
    this.countSpot(day, f, p, sign);
    for (const s of f.steps) this.countStep(day, s, p, sign);
    const w = getOrMake(day.waiting, p.dimsKey, () => ({ ...p.dims, reports: 0, arrivals: new Map(), taken: new Map() }));
    w.reports += sign;
    add(w.arrivals, p.receivedMs, sign);
    const taken = firstTake(f, p);
    if (taken !== null) add(w.taken, taken, sign);
    if (w.reports === 0) day.waiting.delete(p.dimsKey);
    // A day keeps its cells' waiting cell while it has any report, so it has none left when that is gone.
    if (day.waiting.size === 0) this.days.delete(day.day);
  }

  /**
   * A fact's change counted as its difference, when it stays in the same cells (the same hour of
   * receipt, dimensions and claim): its report cell and hotspot only if their key changed, only the
   * steps it gained or lost (`evolveFact` keeps a step's object), its first take only if it moved.
   * Most events add one step to a report: this does not count its other steps out and in again.
   */
  override replace(before: ReportFact | undefined, after: ReportFact): void {
    if (before === after) return;
    if (!before?.receivedAt || before.receivedAt !== after.receivedAt) return super.replace(before, after);
    const [b, a] = [placing(before), placing(after)];
    if (b.dimsKey !== a.dimsKey || b.claimedMs !== a.claimedMs) return (this.count(before, -1, b), this.count(after, 1, a));
    const day = this.dayOf(a.dims.hour);
    let changed = false;
    const [keyBefore, keyAfter, handledBefore, handledAfter] = [reportKeyOf(before, b), reportKeyOf(after, a), handlingOf(before, b), handlingOf(after, a)];
    if (keyBefore !== keyAfter || handledBefore !== handledAfter) {
      this.countReport(day, before, b, -1, keyBefore, handledBefore);
      this.countReport(day, after, a, 1, keyAfter, handledAfter);
      changed = true;
    }
    if (b.occurredHour !== a.occurredHour || before.latitude !== after.latitude || before.longitude !== after.longitude) {
      this.countSpot(day, before, b, -1);
      this.countSpot(day, after, a, 1);
      changed = true;
    }
    if (before.steps !== after.steps) {
      const [had, has] = [new Set(before.steps), new Set(after.steps)];
      for (const s of before.steps) if (!has.has(s)) (this.countStep(day, s, b, -1), (changed = true));
      for (const s of after.steps) if (!had.has(s)) (this.countStep(day, s, a, 1), (changed = true));
    }
    const [tookBefore, tookAfter] = [firstTake(before, b), firstTake(after, a)];
    if (tookBefore !== tookAfter) {
      const w = day.waiting.get(a.dimsKey)!;
      if (tookBefore !== null) add(w.taken, tookBefore, -1);
      if (tookAfter !== null) add(w.taken, tookAfter, 1);
      changed = true;
    }
    if (changed) day.version = ++this.changes;
  }

  private countReport(day: DayOfCells, f: ReportFact, p: Placing, sign: 1 | -1, reportKey = reportKeyOf(f, p), handling = handlingOf(f, p)): void {
    const outcome = { state: stateOf(f), decision: f.decision, rejectionReason: f.rejectionReason, merged: !!f.mergedInto, splitOut: (f.splits ?? 0) > 0 };
    const cell = getOrMake(day.reports, reportKey, () => ({ ...p.dims, occurredHour: p.occurredHour, ...outcome, reports: 0, handlingMs: 0, handled: 0 }));
    cell.reports += sign;
    if (handling !== null) {
      cell.handlingMs += sign * handling;
      cell.handled += sign;
    }
    if (cell.reports === 0) day.reports.delete(reportKey);
  }

  private countSpot(day: DayOfCells, f: ReportFact, p: Placing, sign: 1 | -1): void {
    if (f.latitude === null || f.longitude === null) return;
    const [row, column] = [Math.floor(f.latitude / this.cellDegrees), Math.floor(f.longitude / this.cellDegrees)];
    const spotKey = `${p.dimsKey}|${p.occurredHour}|${row}|${column}`;
    const spot = getOrMake(day.spots, spotKey, () => ({ ...p.dims, occurredHour: p.occurredHour, row, column, reports: 0 }));
    spot.reports += sign;
    if (spot.reports === 0) day.spots.delete(spotKey);
  }

  private countStep(day: DayOfCells, s: ActorStep, p: Placing, sign: 1 | -1): void {
    const stepHour = hourOf(s.at);
    const actorKey = `${p.dimsKey}|${s.actor}|${stepHour}`;
    const a = getOrMake<ActorCell>(day.actors, actorKey, () => ({ ...p.dims, actor: s.actor, stepHour, steps: {}, total: 0, decidedMs: 0, decidedHandled: 0 }));
    const n = (a.steps[s.step] ?? 0) + sign;
    if (n === 0) delete a.steps[s.step];
    else a.steps[s.step] = n;
    a.total += sign;
    if (s.step === 'DECIDED' && p.claimedMs !== null) {
      const h = Date.parse(s.at) - p.claimedMs;
      if (h >= 0) {
        a.decidedMs += sign * h;
        a.decidedHandled += sign;
      }
    }
    if (a.total === 0) day.actors.delete(actorKey);
  }

  private dayOf(hour: number): DayOfCells {
    const day = dayOfHour(hour);
    return getOrMake(this.days, day, () => ({
      day,
      firstHour: Date.parse(`${day}T00:00:00Z`) / HOUR_MS - JAKARTA_OFFSET_HOURS,
      version: 0,
      reports: new Map(),
      spots: new Map(),
      actors: new Map(),
      waiting: new Map(),
    }));
  }
}

function getOrMake<T>(cells: Map<string, T>, key: string, make: () => T): T {
  let cell = cells.get(key);
  if (!cell) cells.set(key, (cell = make()));
  return cell;
}

/** Where a received fact's cells are: its receipt, its dimensions and their key, its hour placed on basis `occurred`, and its claim (ms). */
interface Placing {
  receivedMs: number;
  dims: Dimensions;
  dimsKey: string;
  occurredHour: number;
  claimedMs: number | null;
}

function placing(f: ReportFact): Placing {
  const received = Date.parse(f.receivedAt!);
  const dims: Dimensions = {
    hour: Math.floor(received / HOUR_MS),
    category: categoryOf(f),
    district: districtOf(f),
    channel: f.channel,
    priority: priorityOf(f),
  };
  const occurred = f.occurredAt ? incidentTime({ receivedAt: f.receivedAt!, occurredAt: f.occurredAt }) : received;
  return {
    receivedMs: received,
    dims,
    dimsKey: `${dims.hour}|${dims.category}|${dims.district}|${dims.channel}|${dims.priority}`,
    occurredHour: Math.floor(occurred / HOUR_MS),
    claimedMs: f.claimedAt ? Date.parse(f.claimedAt) : null,
  };
}

const reportKeyOf = (f: ReportFact, p: Placing) =>
  `${p.dimsKey}|${p.occurredHour}|${stateOf(f)}|${f.decision}|${f.rejectionReason}|${!!f.mergedInto}|${(f.splits ?? 0) > 0}`;

/** Staffing's handling time: claimed → decided, when not negative. */
function handlingOf(f: ReportFact, p: Placing): number | null {
  const handling = p.claimedMs !== null && f.decidedAt ? Date.parse(f.decidedAt) - p.claimedMs : null;
  return handling !== null && handling >= 0 ? handling : null;
}

/** The first take of a report (claim or decision), for queue depth. */
function firstTake(f: ReportFact, p: Placing): number | null {
  const decided = f.decidedAt ? Date.parse(f.decidedAt) : null;
  return p.claimedMs === null ? decided : decided === null ? p.claimedMs : Math.min(p.claimedMs, decided);
}
