import { incidentTime, TimeBasis } from '@callcenter/contracts';
import { counted, dayOfHour, dimensionsCode, FactCounter, NONE, spliced } from './aggregates';
import { categoryOf, districtOf, EpochMs, forEachStep, forEachStepChanged, priorityOf, ReportFact, stateOf, StepKind } from './report-fact';

const HOUR_MS = 3_600_000;
/** Asia/Jakarta is UTC+7 (as the daily aggregates and public-stats say). */
const JAKARTA_OFFSET_HOURS = 7;
/** The start of an hour, ISO 8601 UTC. */
export const hourStart = (hour: number) => new Date(hour * HOUR_MS).toISOString();

/** The time a report counts at on a basis; the fact must have been received. */
export function placedAt(f: ReportFact, basis: TimeBasis = 'received'): EpochMs {
  if (basis === 'received' || f.occurredAt === null) return f.receivedAt!;
  return incidentTime({ receivedAt: f.receivedAt!, occurredAt: f.occurredAt });
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

/**
 * A cell's dimensions: its group's, read through the group, not copied (five fields a cell, about
 * 100 MiB over the three million cells of 10 M events). The group is a private field, so a cell's
 * JSON and spread are its own counts (a public reference would make a cycle of every cell's JSON).
 */
abstract class InGroup implements Dimensions {
  readonly #group: Dimensions;

  constructor(g: Dimensions) {
    this.#group = g;
  }

  get hour(): number {
    return this.#group.hour;
  }
  get category(): string {
    return this.#group.category;
  }
  get district(): string | null {
    return this.#group.district;
  }
  get channel(): string | null {
    return this.#group.channel;
  }
  get priority(): string | null {
    return this.#group.priority;
  }
}

/** Reports by hour placed (received and occurred), dimensions and outcome: volume, load, staffing, hotspots by district. */
export class ReportCell extends InGroup {
  reports = 0;
  /** Staffing's handling time (claimed → decided, when not negative): sum in milliseconds, and how many. */
  handlingMs = 0;
  handled = 0;

  constructor(
    g: CellGroup,
    /** Hour placed on basis `occurred`. */
    readonly occurredHour: number,
    readonly state: string,
    readonly decision: string | null,
    readonly rejectionReason: string | null,
    readonly merged: boolean,
    readonly splitOut: boolean,
  ) {
    super(g);
  }
}

/** Reports with a location by hour placed, dimensions and grid cell: hotspots' top cells. */
export class SpotCell extends InGroup {
  reports = 0;

  constructor(
    g: CellGroup,
    readonly occurredHour: number,
    readonly row: number,
    readonly column: number,
  ) {
    super(g);
  }
}

/** An actor's steps on the reports of one group, by the hour the steps were taken in: workload, and operators active for staffing. */
export class ActorCell extends InGroup {
  /** Steps by kind; a kind counted out to 0 stays, as 0 (a property deleted would turn the object into a slow, larger dictionary). */
  readonly steps: Partial<Record<StepKind, number>> = {};
  /** All its steps (the cell goes when it is 0). */
  total = 0;
  /** Decisions' handling time (the report's claim → the decision, when not negative): sum in milliseconds, and how many. */
  decidedMs = 0;
  decidedHandled = 0;

  constructor(
    g: CellGroup,
    readonly actor: string,
    readonly stepHour: number,
  ) {
    super(g);
  }
}

/**
 * The cells of the reports received in one hour with the same dimensions, and what queue depth
 * needs of them: each report's exact arrival and first take (claim or decision), as sorted runs of
 * times (a time counted n times is there n times). Queue depth is sampled at instants that are not
 * on the hour, so this part grows with the count of reports (two numbers each). At a command's
 * traffic an hour's reports rarely share their dimensions, so a group holds about one report: it
 * holds its cells in arrays, found by a look at each, not in maps under string keys.
 */
export class CellGroup implements Dimensions {
  reportCells: readonly ReportCell[] = NONE;
  spotCells: readonly SpotCell[] = NONE;
  actorCells: readonly ActorCell[] = NONE;
  /** The reports of the group (it goes when there are none). */
  reports = 0;
  arrivals: readonly number[] = NONE;
  taken: readonly number[] = NONE;

  constructor(
    readonly hour: number,
    readonly category: string,
    readonly district: string | null,
    readonly channel: string | null,
    readonly priority: string | null,
  ) {}
}
/** Queue depth's view of a group: its reports' arrivals and first takes. */
export type WaitingCell = CellGroup;

/** Every kind of cell, and where a group keeps it. */
const KINDS = { reports: 'reportCells', spots: 'spotCells', actors: 'actorCells' } as const;
export type CellKind = keyof typeof KINDS | 'waiting';
export type CellOf<K extends CellKind> = K extends 'reports' ? ReportCell : K extends 'spots' ? SpotCell : K extends 'actors' ? ActorCell : WaitingCell;
/** A group's cells of one kind (its own waiting view for `waiting`). */
export const cellsOf = <K extends CellKind>(g: CellGroup, kind: K): readonly CellOf<K>[] =>
  (kind === 'waiting' ? [g] : g[KINDS[kind as keyof typeof KINDS]]) as any;

/** The cells of the reports received on one local day (Asia/Jakarta): what a day's part of a query's answer is made of. */
export interface DayOfCells {
  day: string;
  /** The first hour of the day (since the epoch). */
  firstHour: number;
  /** Changes whenever a cell of the day does (the aggregates' own counter of changes): a part of an answer made at this version still holds. */
  version: number;
  /** By dimensions and hour: the dimensions' number (`dimensionsCode`) × 24 + the hour of the day. */
  groups: Map<number, CellGroup>;
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
  *cells<K extends CellKind>(kind: K): Iterable<CellOf<K>> {
    for (const d of this.days.values()) for (const g of d.groups.values()) yield* cellsOf(g, kind);
  }

  /** `p`: the fact's placing, when the caller has it already. */
  count(f: ReportFact, sign: 1 | -1, p = f.receivedAt !== null ? placing(f) : undefined): void {
    if (!p) return;
    const day = this.dayOf(p.dims.hour);
    day.version = ++this.changes;
    const key = p.dimsCode * 24 + (p.dims.hour - day.firstHour);
    let g = day.groups.get(key);
    if (!g) day.groups.set(key, (g = new CellGroup(p.dims.hour, p.dims.category, p.dims.district, p.dims.channel, p.dims.priority)));
    this.countReport(g, f, p, sign);
    this.countSpot(g, f, p, sign);
    forEachStep(f.steps, (actor, kind, at) => this.countStep(g, actor, kind, at, f.claimedAt, sign));
    g.reports += sign;
    g.arrivals = counted(g.arrivals, f.receivedAt!, sign);
    const taken = firstTake(f);
    if (taken !== null) g.taken = counted(g.taken, taken, sign);
    // A group has reports while it has any cell, so it has none left when they are gone; and a day none when its groups are.
    if (g.reports === 0) day.groups.delete(key);
    if (day.groups.size === 0) this.days.delete(day.day);
  }

  /**
   * A fact's change counted as its difference, when it stays in the same group and claim (the same
   * hour of receipt and dimensions): its report cell and hotspot only if they changed, only the
   * steps it gained or lost, its first take only if it moved.
   * Most events add one step to a report: this does not count its other steps out and in again.
   */
  override replace(before: ReportFact | undefined, after: ReportFact): void {
    if (before === after) return;
    if (!before || before.receivedAt === null || before.receivedAt !== after.receivedAt) return super.replace(before, after);
    const [b, a] = [placing(before), placing(after)];
    if (b.dimsCode !== a.dimsCode || before.claimedAt !== after.claimedAt) return (this.count(before, -1, b), this.count(after, 1, a));
    const day = this.dayOf(a.dims.hour);
    const g = day.groups.get(a.dimsCode * 24 + (a.dims.hour - day.firstHour))!;
    let changed = false;
    const [handledBefore, handledAfter] = [handlingOf(before), handlingOf(after)];
    if (!sameOutcome(before, b, after, a) || handledBefore !== handledAfter) {
      this.countReport(g, before, b, -1, handledBefore);
      this.countReport(g, after, a, 1, handledAfter);
      changed = true;
    }
    if (b.occurredHour !== a.occurredHour || before.latitude !== after.latitude || before.longitude !== after.longitude) {
      this.countSpot(g, before, b, -1);
      this.countSpot(g, after, a, 1);
      changed = true;
    }
    if (before.steps !== after.steps) {
      forEachStepChanged(before.steps, after.steps, (sign, actor, kind, at) => {
        this.countStep(g, actor, kind, at, sign < 0 ? before.claimedAt : after.claimedAt, sign);
        changed = true;
      });
    }
    const [tookBefore, tookAfter] = [firstTake(before), firstTake(after)];
    if (tookBefore !== tookAfter) {
      if (tookBefore !== null) g.taken = counted(g.taken, tookBefore, -1);
      if (tookAfter !== null) g.taken = counted(g.taken, tookAfter, 1);
      changed = true;
    }
    if (changed) day.version = ++this.changes;
  }

  private countReport(g: CellGroup, f: ReportFact, p: Placing, sign: 1 | -1, handling = handlingOf(f)): void {
    const [state, decision, rejectionReason, merged, splitOut] = [stateOf(f), f.decision, f.rejectionReason, !!f.mergedInto, (f.splits ?? 0) > 0];
    const cells = g.reportCells;
    let at = cells.findIndex(
      (c) =>
        c.occurredHour === p.occurredHour &&
        c.state === state &&
        c.decision === decision &&
        c.rejectionReason === rejectionReason &&
        c.merged === merged &&
        c.splitOut === splitOut,
    );
    if (at < 0) g.reportCells = spliced(cells, (at = cells.length), 1, new ReportCell(g, p.occurredHour, state, decision, rejectionReason, merged, splitOut));
    const cell = g.reportCells[at];
    cell.reports += sign;
    if (handling !== null) {
      cell.handlingMs += sign * handling;
      cell.handled += sign;
    }
    if (cell.reports === 0) g.reportCells = spliced(g.reportCells, at, -1);
  }

  private countSpot(g: CellGroup, f: ReportFact, p: Placing, sign: 1 | -1): void {
    if (f.latitude === null || f.longitude === null) return;
    const [row, column, cells] = [Math.floor(f.latitude / this.cellDegrees), Math.floor(f.longitude / this.cellDegrees), g.spotCells];
    let at = cells.findIndex((c) => c.occurredHour === p.occurredHour && c.row === row && c.column === column);
    if (at < 0) g.spotCells = spliced(cells, (at = cells.length), 1, new SpotCell(g, p.occurredHour, row, column));
    if ((g.spotCells[at].reports += sign) === 0) g.spotCells = spliced(g.spotCells, at, -1);
  }

  /** `claimedAt`: the report's claim, for the handling time of a decision. */
  private countStep(g: CellGroup, actor: string, kind: StepKind, stepAt: EpochMs, claimedAt: EpochMs | null, sign: 1 | -1): void {
    const [stepHour, cells] = [Math.floor(stepAt / HOUR_MS), g.actorCells];
    let at = cells.findIndex((c) => c.actor === actor && c.stepHour === stepHour);
    if (at < 0) g.actorCells = spliced(cells, (at = cells.length), 1, new ActorCell(g, actor, stepHour));
    const a = g.actorCells[at];
    a.steps[kind] = (a.steps[kind] ?? 0) + sign;
    a.total += sign;
    if (kind === 'DECIDED' && claimedAt !== null) {
      const h = stepAt - claimedAt;
      if (h >= 0) {
        a.decidedMs += sign * h;
        a.decidedHandled += sign;
      }
    }
    if (a.total === 0) g.actorCells = spliced(g.actorCells, at, -1);
  }

  private dayOf(hour: number): DayOfCells {
    const day = dayOfHour(hour);
    let cells = this.days.get(day);
    if (!cells)
      this.days.set(day, (cells = { day, firstHour: Date.parse(`${day}T00:00:00Z`) / HOUR_MS - JAKARTA_OFFSET_HOURS, version: 0, groups: new Map() }));
    return cells;
  }
}

/** Where a received fact's cells are: its dimensions (with its hour of receipt) and their number, and its hour placed on basis `occurred`. */
interface Placing {
  dims: Dimensions;
  /** The dimensions' number (`dimensionsCode`): with the hour, the group the fact's cells are in. */
  dimsCode: number;
  occurredHour: number;
}

function placing(f: ReportFact): Placing {
  const dims: Dimensions = {
    hour: Math.floor(f.receivedAt! / HOUR_MS),
    category: categoryOf(f),
    district: districtOf(f),
    channel: f.channel,
    priority: priorityOf(f),
  };
  return {
    dims,
    dimsCode: dimensionsCode(dims.category, dims.district, dims.channel, dims.priority),
    occurredHour: Math.floor(placedAt(f, 'occurred') / HOUR_MS),
  };
}

/** Whether two facts of one group are in the same report cell. */
const sameOutcome = (x: ReportFact, px: Placing, y: ReportFact, py: Placing) =>
  px.occurredHour === py.occurredHour &&
  stateOf(x) === stateOf(y) &&
  x.decision === y.decision &&
  x.rejectionReason === y.rejectionReason &&
  !!x.mergedInto === !!y.mergedInto &&
  (x.splits ?? 0) > 0 === (y.splits ?? 0) > 0;

/** Staffing's handling time: claimed → decided, when not negative. */
function handlingOf(f: ReportFact): number | null {
  const handling = f.claimedAt !== null && f.decidedAt !== null ? f.decidedAt - f.claimedAt : null;
  return handling !== null && handling >= 0 ? handling : null;
}

/** The first take of a report (claim or decision), for queue depth. */
function firstTake({ claimedAt, decidedAt }: ReportFact): EpochMs | null {
  return claimedAt === null ? decidedAt : decidedAt === null ? claimedAt : Math.min(claimedAt, decidedAt);
}
