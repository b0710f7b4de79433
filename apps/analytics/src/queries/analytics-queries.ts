import { CATEGORIES, Category, Channel, DISPLAY_TIME_ZONE, Priority, PRIORITIES, PriorityTargets, TimeBasis } from '@callcenter/contracts';
import { AnalyticsModel } from '../model/analytics-model';
import { categoryOf, districtOf, priorityOf, ReportFact, stateOf, StepKind } from '../model/report-fact';
import { agentsNeeded } from '../staffing/erlang-c';
import { bucketOf, bucketOfCode, DayCell, secondsOf, spanOfCode } from '../model/aggregates';
import {
  ACTIVE_STEPS,
  ActorCell,
  CellKind,
  CellOf,
  cellsOf,
  hourStart,
  HourlyAggregates,
  placedAt,
  ReportCell,
  SPOT_DEGREES,
  UNIT_STEPS,
} from '../model/hourly-aggregates';
import { SPANS } from '../model/spans';
import { addCounts, Counts, dayPartsOf, monthParts, ReachedDay, sumOfDays } from './day-parts';

export { placedAt };
const HOUR_MS = 3_600_000;

export interface StatsFilter {
  from?: Date;
  to?: Date;
  district?: string[];
  category?: Category[];
  channel?: Channel[];
  priority?: Priority[];
  /**
   * Which time places a report in `from`/`to` and in a series: when it was received (the default),
   * or when it happened (`occurredAt` when plausible, else the receipt; see `incidentTime`).
   * Load and staffing always use receipt: that is when operators work.
   */
  basis?: TimeBasis;
}

/**
 * Asia/Jakarta has kept UTC+7 without daylight saving since 1964, so local time is an offset:
 * read from the time-zone database once rather than per report (queries walk every report).
 */
const OFFSET_MS = (() => {
  const probe = new Date('2026-01-01T00:00:00Z');
  const local = new Date(probe.toLocaleString('en-US', { timeZone: DISPLAY_TIME_ZONE }));
  const utc = new Date(probe.toLocaleString('en-US', { timeZone: 'UTC' }));
  return local.getTime() - utc.getTime();
})();
const OFFSET_TEXT = (() => {
  const minutes = OFFSET_MS / 60_000;
  const sign = minutes >= 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
})();

/** A time (ISO 8601, a Date or epoch ms) as people in the command read it: `2026-11-28T17:05:00+07:00`. */
export function localTime(time: string | Date | number | null): string | null {
  if (time === null) return null;
  const t = typeof time === 'string' ? Date.parse(time) : typeof time === 'number' ? time : time.getTime();
  return `${new Date(t + OFFSET_MS).toISOString().slice(0, 19)}${OFFSET_TEXT}`;
}

type LocalParts = { hour: number; weekday: number; day: string };
const partsAt = (ms: number): LocalParts => {
  const d = new Date(ms + OFFSET_MS);
  return { hour: d.getUTCHours(), weekday: d.getUTCDay(), day: d.toISOString().slice(0, 10) };
};
/** An hour's local parts, remembered: the aggregates' queries ask for the same few thousand hours once per cell. */
const partsOfHour = new Map<number, LocalParts>();
export const hourParts = (hour: number): LocalParts => partsOfHour.get(hour) ?? partsOfHour.set(hour, partsAt(hour * HOUR_MS)).get(hour)!;

/** The reports a query covers: placed (received, or on `basis`) in [from, to) and matching every given dimension. */
export function selectFacts(model: AnalyticsModel, filter: StatsFilter): ReportFact[] {
  const basis = filter.basis ?? 'received';
  const from = filter.from?.getTime();
  const to = filter.to?.getTime();
  const district = filter.district && new Set(filter.district);
  const category = filter.category && new Set(filter.category);
  const channel = filter.channel && new Set(filter.channel);
  const priority = filter.priority && new Set<string>(filter.priority);
  const out: ReportFact[] = [];
  for (const f of model.receivedFacts()) {
    const at = basis === 'received' ? f.receivedAt! : placedAt(f, basis);
    if (from !== undefined && at < from) continue;
    if (to !== undefined && at >= to) continue;
    if (district && !district.has(districtOf(f) ?? '')) continue;
    if (category && !category.has(categoryOf(f))) continue;
    if (channel && !channel.has(f.channel!)) continue;
    if (priority && !priority.has(priorityOf(f) ?? '')) continue;
    out.push(f);
  }
  return out;
}

const countBy = <K extends string>(facts: ReportFact[], key: (f: ReportFact) => K | null) => {
  const counts: Record<string, number> = {};
  for (const f of facts) {
    const k = key(f) ?? 'UNKNOWN';
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
};

/** Epoch hours [from, to) a window covers (null: open). */
export interface HourWindow {
  from: number | null;
  to: number | null;
}

/** The hours [from, to) a filter covers, when its bounds are on the hour (or absent): what the hourly aggregates answer. */
export function wholeHours(filter: StatsFilter): HourWindow | null {
  const hourAt = (at: Date | undefined) => (!at ? null : at.getTime() % HOUR_MS === 0 ? at.getTime() / HOUR_MS : undefined);
  const [from, to] = [hourAt(filter.from), hourAt(filter.to)];
  return from === undefined || to === undefined ? null : { from, to };
}

/** Whether a cell's dimensions match every dimension the filter gives (as `selectFacts` matches a report). */
export function dimensionsMatch(filter: StatsFilter) {
  const wanted = (values: readonly string[] | undefined) => values && new Set<string>(values);
  const [district, category, channel, priority] = [wanted(filter.district), wanted(filter.category), wanted(filter.channel), wanted(filter.priority)];
  return (c: { category: string; district: string | null; channel: string | null; priority: string | null }) =>
    (!district || district.has(c.district ?? '')) &&
    (!category || category.has(c.category)) &&
    (!channel || channel.has(c.channel as string)) &&
    (!priority || priority.has(c.priority ?? ''));
}

/** The filter's dimensions as a key (the window apart): what a query's day parts are remembered under. */
const dimensionsKey = (filter: StatsFilter) =>
  JSON.stringify([filter.district, filter.category, filter.channel, filter.priority].map((values) => values && [...new Set<string>(values)].sort()));

/**
 * The aggregates a query reads: the model's over whole hours (or the whole history), with the day
 * parts remembered for them; over any other period (or hotspots on another grid), those of the
 * reports placed in it, counted on the spot (exact, and as costly as walking them).
 */
function aggregatesFor(model: AnalyticsModel, filter: StatsFilter, basis: TimeBasis, cellDegrees = SPOT_DEGREES) {
  const hours = wholeHours(filter);
  if (hours && cellDegrees === SPOT_DEGREES) return { aggregates: model.hourly, hours, remembered: dayPartsOf(model.hourly) };
  const aggregates = new HourlyAggregates(cellDegrees);
  for (const f of selectFacts(model, { ...filter, basis })) aggregates.count(f, 1);
  return { aggregates, hours: { from: null, to: null } as HourWindow, remembered: null };
}

/** A day's cells of one kind that match the filter (and, on a day the window cuts, lie inside it). */
type PickCells = <K extends CellKind>(kind: K) => CellOf<K>[];

/**
 * The local days of receipt a query's window reaches, each with its part of the answer. A day
 * wholly inside the window (every day, over the whole history) has its part made once and
 * remembered until one of its cells changes; a day the window cuts has it made from its cells
 * inside the window. `placed`: the hour that places a cell in the window (the hour of receipt, or
 * of occurrence on that basis).
 */
function reachedDays<P>(
  { aggregates, hours, remembered }: ReturnType<typeof aggregatesFor>,
  key: string,
  filter: StatsFilter,
  placed: 'hour' | 'occurredHour',
  make: (pick: PickCells) => P,
): ReachedDay<P>[] {
  const matches = dimensionsMatch(filter);
  const [from, to] = [hours.from, hours.to];
  const inWindow = (c: { hour: number; occurredHour?: number }) => {
    const h = c[placed]!;
    return (from === null || h >= from) && (to === null || h < to);
  };
  const reached: ReachedDay<P>[] = [];
  for (const day of aggregates.days.values()) {
    const [first, end] = [day.firstHour, day.firstHour + 24];
    if (placed === 'hour' && ((from !== null && end <= from) || (to !== null && first >= to))) continue;
    const whole = (from === null || (placed === 'hour' && first >= from)) && (to === null || (placed === 'hour' && end <= to));
    const pick: PickCells = <K extends CellKind>(kind: K) => {
      const cells: CellOf<K>[] = [];
      for (const g of day.groups.values()) if (matches(g)) for (const c of cellsOf(g, kind)) if (whole || inWindow(c)) cells.push(c);
      return cells;
    };
    const part = whole && remembered ? () => remembered.part(key, day.day, day.version, () => make(pick)) : () => make(pick);
    reached.push({ day: day.day, version: day.version, whole, part });
  }
  return reached;
}

/** A query's answer counted from its parts: the sum of the days the window reaches (see `reachedDays`, `sumOfDays`). */
function summed<P extends Counts>(
  source: ReturnType<typeof aggregatesFor>,
  query: string,
  filter: StatsFilter,
  placed: 'hour' | 'occurredHour',
  make: (pick: PickCells) => P,
  empty: () => P,
): P {
  const key = `${query}|${placed}|${dimensionsKey(filter)}`;
  return sumOfDays(reachedDays(source, key, filter, placed, make), source.remembered, key, empty);
}

const share = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000);
/** Adds `n` to a key's count (a missing value counts as UNKNOWN). */
const tally = (counts: Record<string, number>, key: string | null, n: number) => (counts[key ?? 'UNKNOWN'] = (counts[key ?? 'UNKNOWN'] ?? 0) + n);

/** 2. Volume and filtering: how much came in, what became of it, and how much could not be acted on. */
export function volume(model: AnalyticsModel, filter: StatsFilter) {
  const basis = filter.basis ?? 'received';
  const placed = basis === 'received' ? 'hour' : 'occurredHour';
  const tallies = summed(
    aggregatesFor(model, filter, basis),
    'volume',
    filter,
    placed,
    (pick) => volumeTallies(pick('reports'), (c) => hourParts(c[placed]).day),
    () => volumeTallies([], () => ''),
  );
  return volumeOf(basis, tallies);
}

/** What volume counts of a report: one cell of the aggregates (many reports), or one report (the brute-force reference). */
export type VolumeCell = Pick<
  ReportCell,
  'category' | 'channel' | 'district' | 'priority' | 'state' | 'decision' | 'rejectionReason' | 'merged' | 'splitOut' | 'reports'
>;
type NotActionable = { total: number; rejected: number; duplicates: number; pranks: number };

/** Volume's counts over some cells (a day's, or a period's), each placed on the local day `dayOf` says: they add up. */
export function volumeTallies<C extends VolumeCell>(cells: Iterable<C>, dayOf: (c: C) => string) {
  const t = {
    total: 0,
    rejected: 0,
    duplicates: 0,
    adviceOnly: 0,
    pranks: 0,
    merged: 0,
    splitOut: 0,
    overTime: {} as Record<
      string,
      { total: number; byCategory: Record<string, number>; byChannel: Record<string, number>; byDistrict: Record<string, number> }
    >,
    notActionableByChannel: {} as Record<string, NotActionable>,
    notActionableByDistrict: {} as Record<string, NotActionable>,
    byState: {} as Record<string, number>,
    byCategory: {} as Record<string, number>,
    byChannel: {} as Record<string, number>,
    byDistrict: {} as Record<string, number>,
    byPriority: {} as Record<string, number>,
    rejectionReasons: {} as Record<string, number>,
  };
  for (const c of cells) {
    const n = c.reports;
    const [rejected, duplicates, pranks] = [c.decision === 'REJECTED' ? n : 0, c.decision === 'DUPLICATE' ? n : 0, c.rejectionReason === 'PRANK' ? n : 0];
    t.total += n;
    t.rejected += rejected;
    t.duplicates += duplicates;
    t.pranks += pranks;
    if (c.decision === 'ADVICE_GIVEN') t.adviceOnly += n;
    if (c.merged) t.merged += n;
    if (c.splitOut) t.splitOut += n;
    const day = (t.overTime[dayOf(c)] ??= { total: 0, byCategory: {}, byChannel: {}, byDistrict: {} });
    day.total += n;
    tally(day.byCategory, c.category, n);
    tally(day.byChannel, c.channel, n);
    tally(day.byDistrict, c.district, n);
    // What could not be acted on, by channel and by district.
    for (const [groups, key] of [
      [t.notActionableByChannel, c.channel],
      [t.notActionableByDistrict, c.district],
    ] as const) {
      const g = (groups[key ?? 'UNKNOWN'] ??= { total: 0, rejected: 0, duplicates: 0, pranks: 0 });
      g.total += n;
      g.rejected += rejected;
      g.duplicates += duplicates;
      g.pranks += pranks;
    }
    tally(t.byState, c.state, n);
    tally(t.byCategory, c.category, n);
    tally(t.byChannel, c.channel, n);
    tally(t.byDistrict, c.district, n);
    tally(t.byPriority, c.priority, n);
    if (c.rejectionReason) tally(t.rejectionReasons, c.rejectionReason, n);
  }
  return t;
}

/** The volume answer from the cells of the period and the local day each is placed on. */
export function volumeAnswer<C extends VolumeCell>(basis: TimeBasis, cells: C[], dayOf: (c: C) => string) {
  return volumeOf(basis, volumeTallies(cells, dayOf));
}

/** The volume answer from its counts: the days in order, and the shares. */
function volumeOf(basis: TimeBasis, t: ReturnType<typeof volumeTallies>) {
  const withShares = (groups: Record<string, NotActionable>) =>
    Object.fromEntries(Object.entries(groups).map(([key, g]) => [key, { ...g, notActionableShare: share(g.rejected + g.duplicates, g.total) }]));
  return {
    basis,
    total: t.total,
    overTime: Object.entries(t.overTime)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, counts]) => ({ day, ...counts })),
    notActionableByChannel: withShares(t.notActionableByChannel),
    notActionableByDistrict: withShares(t.notActionableByDistrict),
    byState: t.byState,
    byCategory: t.byCategory,
    byChannel: t.byChannel,
    byDistrict: t.byDistrict,
    byPriority: t.byPriority,
    rejectionReasons: t.rejectionReasons,
    notActionable: {
      rejected: t.rejected,
      duplicates: t.duplicates,
      adviceOnly: t.adviceOnly,
      pranks: t.pranks,
      rejectedShare: share(t.rejected, t.total),
      duplicateShare: share(t.duplicates, t.total),
      prankShare: share(t.pranks, t.total),
      notActionableShare: share(t.rejected + t.duplicates, t.total),
    },
    // Reports merged into another's incident group now, and reports split out of one (each counts as its own).
    incidentGroups: { merged: t.merged, splitOut: t.splitOut },
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The local days [from, to) a filter covers, when its bounds are local midnights (or absent): what the daily aggregates can answer. */
export function wholeLocalDays(filter: StatsFilter): { from: string | null; to: string | null } | null {
  const dayOf = (at: Date | undefined) => {
    if (!at) return null;
    const local = localTime(at)!;
    return local.slice(11, 19) === '00:00:00' ? local.slice(0, 10) : undefined;
  };
  const [from, to] = [dayOf(filter.from), dayOf(filter.to)];
  return from === undefined || to === undefined ? null : { from, to };
}

/**
 * Durations from the daily aggregates: per local day, the cells of the dimensions asked for merged
 * into one part (remembered until the day changes), and the days of each month merged into the
 * month's part, each span's buckets as a sorted run (remembered until one of its days changes); a
 * percentile is the smallest bucket with enough of the months' runs at or below it (a binary search
 * over buckets, each step counting in every run: no merge of the months' histograms per request).
 * Percentiles are read from HDR buckets: within 0.1 % of the exact ones; a share within target
 * counts the limit's whole bucket as within (values at most 0.1 % above the limit).
 */
export function durationsFromAggregates(
  model: AnalyticsModel,
  filter: StatsFilter,
  days: { from: string | null; to: string | null },
  targets: PriorityTargets,
) {
  const matches = dimensionsMatch(filter);
  const [remembered, key] = [dayPartsOf(model.aggregates), `durations|${dimensionsKey(filter)}|${JSON.stringify(targets)}`];
  const reached: ReachedDay<DurationsOfDay>[] = [];
  for (const { day, version, cells } of model.aggregates.days.values())
    if ((!days.from || day >= days.from) && (!days.to || day < days.to))
      reached.push({ day, version, whole: true, part: () => remembered.part(key, day, version, () => durationsOfDay(cells.values(), matches, targets)) });
  const months = monthParts(reached, remembered, key, (parts) => ({
    runs: SPANS.map((_, i) => runOf([parts.reduce((sum, p) => addCounts(sum, p.buckets[i]), new Map<number, number>())])),
    within: parts.reduce(
      (sum, p) => addCounts(sum, p.within),
      SPANS.map(() => ({})),
    ),
  }));
  return SPANS.map(({ measure, target }, i) => {
    const runs = months.map((m) => m.part.runs[i]).filter((r) => r.values.length > 0);
    const within = months.reduce((sum, m) => addCounts(sum, m.part.within[i]), {} as Record<string, { inside: number; of: number }>);
    const count = runs.reduce((n, r) => n + r.upTo[r.upTo.length - 1], 0);
    return {
      measure,
      count,
      p50Seconds: percentileOfRuns(runs, count, 50),
      p90Seconds: percentileOfRuns(runs, count, 90),
      p99Seconds: percentileOfRuns(runs, count, 99),
      target: target ?? null,
      withinTargetShare: Object.fromEntries(PRIORITIES.filter((p) => within[p]).map((p) => [p, share(within[p].inside, within[p].of)])),
    };
  });
}

/** A day's part of durations: per span, bucket → reports of the matching cells, and per priority how many of them fall within its target. */
interface DurationsOfDay {
  buckets: Map<number, number>[];
  within: Record<string, { inside: number; of: number }>[];
}

function durationsOfDay(cells: Iterable<DayCell>, matches: (c: DayCell) => boolean, targets: PriorityTargets): DurationsOfDay {
  const [buckets, within] = [SPANS.map(() => new Map<number, number>()), SPANS.map(() => ({}) as Record<string, { inside: number; of: number }>)];
  for (const c of cells) {
    if (!matches(c)) continue;
    // A cell's run holds each span's buckets together: its target's limit is looked up once a span.
    let [span, limitBucket, w]: [number, number | null, { inside: number; of: number } | null] = [-1, null, null];
    for (const code of c.spans) {
      const i = spanOfCode(code);
      const bucket = bucketOfCode(code);
      if (i !== span) {
        const target = SPANS[(span = i)].target;
        const limit = target && c.priority ? targets[c.priority as Priority][target] : null;
        limitBucket = limit !== null && limit !== undefined ? bucketOf(limit) : null;
        w = limitBucket !== null ? (within[i][c.priority!] ??= { inside: 0, of: 0 }) : null;
      }
      buckets[i].set(bucket, (buckets[i].get(bucket) ?? 0) + 1);
      if (w) {
        w.of++;
        if (bucket <= limitBucket!) w.inside++;
      }
    }
  }
  return { buckets, within };
}

/** Nearest-rank percentile over runs of buckets: the smallest bucket with at least that rank's count at or below it, as its value. */
function percentileOfRuns(runs: CountedRun[], total: number, p: number): number | null {
  if (total === 0) return null;
  const rank = Math.min(total, Math.max(1, Math.ceil((p / 100) * total)));
  let [lo, hi] = [Infinity, -Infinity];
  for (const { values } of runs) [lo, hi] = [Math.min(lo, values[0]), Math.max(hi, values[values.length - 1])];
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (runs.reduce((n, r) => n + countedAtOrBefore(r, mid), 0) >= rank) hi = mid;
    else lo = mid + 1;
  }
  return secondsOf(lo);
}

/**
 * 3. Durations: p50/p90/p99 of each span, and the share within each priority's target. Over whole
 * local days (or the whole history) from the daily aggregates; over any other period by walking
 * the reports received in it (exact).
 */
export function durations(model: AnalyticsModel, filter: StatsFilter, targets: PriorityTargets) {
  const days = wholeLocalDays(filter);
  if (days) return durationsFromAggregates(model, filter, days, targets);
  return durationsOfFacts(model, filter, targets);
}

/** Durations by walking the reports received in the period: exact (and the reference the aggregates are tested against). */
export function durationsOfFacts(model: AnalyticsModel, filter: StatsFilter, targets: PriorityTargets) {
  // Spans run from receipt, and the reports are those received in the period.
  const facts = selectFacts(model, { ...filter, basis: 'received' });
  return SPANS.map(({ measure, span, target }) => {
    const values: number[] = [];
    const within: Record<string, { inside: number; of: number }> = {};
    for (const f of facts) {
      const s = span(f);
      if (s === null) continue;
      values.push(s);
      const priority = priorityOf(f);
      const limit = target && priority ? targets[priority][target] : null;
      if (priority && limit !== null && limit !== undefined) {
        const w = (within[priority] ??= { inside: 0, of: 0 });
        w.of++;
        if (s <= limit) w.inside++;
      }
    }
    values.sort((a, b) => a - b);
    return {
      measure,
      count: values.length,
      p50Seconds: percentile(values, 50),
      p90Seconds: percentile(values, 90),
      p99Seconds: percentile(values, 99),
      target: target ?? null,
      withinTargetShare: Object.fromEntries(PRIORITIES.filter((p) => within[p]).map((p) => [p, share(within[p].inside, within[p].of)])),
    };
  });
}

/**
 * 4. Load: arrivals by hour of day and day of week (Asia/Jakarta), queue depth over time, peaks.
 * Always by receipt: load is the work that reached operators, whenever the incident happened.
 */
export function load(model: AnalyticsModel, filter: StatsFilter, stepMinutes = 15) {
  const source = aggregatesFor(model, filter, 'received');
  const key = `load|${dimensionsKey(filter)}`;
  const reached = reachedDays(source, key, filter, 'hour', (pick) => {
    const counts = arrivalCounts();
    for (const c of pick('reports')) addArrivals(counts, c.hour, c.reports);
    const waiting = pick('waiting');
    return { counts, arrivals: runOf(waiting.map((w) => w.arrivals)), taken: runOf(waiting.map((w) => w.taken)) };
  });
  // The counts add up month by month; a month keeps only its five peak hours (months share no hour, so the five of the
  // whole are among the months' fives). The runs of times are not sums: each day's stands on its own.
  const months = monthParts(reached, source.remembered, key, (parts) => {
    const counts = parts.reduce((sum, p) => addCounts(sum, p.counts), arrivalCounts());
    return { counts: { ...counts, perHour: new Map(peakHours(counts.perHour)) }, arrivals: parts.map((p) => p.arrivals), taken: parts.map((p) => p.taken) };
  });
  const counts = months.reduce((sum, m) => addCounts(sum, m.part.counts), arrivalCounts());
  return loadAnswer(
    counts,
    months.flatMap((m) => m.part.arrivals),
    months.flatMap((m) => m.part.taken),
    filter,
    stepMinutes,
  );
}

/** Arrivals counted by local hour of day, day of week, both (the heat map), and by hour since the epoch (the peaks). */
export const arrivalCounts = () => ({
  byHour: Array.from({ length: 24 }, () => 0),
  byWeekday: Array.from({ length: 7 }, () => 0),
  byWeekdayHour: Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0)),
  perHour: new Map<number, number>(),
});
type ArrivalCounts = ReturnType<typeof arrivalCounts>;

/** Counts `n` arrivals in an hour (since the epoch). */
export function addArrivals(counts: ArrivalCounts, at: number, n: number) {
  const { hour, weekday } = hourParts(at);
  counts.byHour[hour] += n;
  counts.byWeekday[weekday] += n;
  counts.byWeekdayHour[weekday][hour] += n;
  counts.perHour.set(at, (counts.perHour.get(at) ?? 0) + n);
}

/** The five hours (since the epoch) with the most arrivals, the earliest first among equals. */
const peakHours = (perHour: Map<number, number>) => [...perHour].sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, 5);

/** Values counted (arrival or first-take times, or a histogram's buckets), ascending, with how many were counted at or before each. */
export interface CountedRun {
  values: Float64Array;
  upTo: Float64Array;
}

/** The run of the values some counts hold: value → how many, or a list of values each counted once. */
export function runOf(counts: Iterable<Map<number, number> | readonly number[]>): CountedRun {
  const entries: [number, number][] = [];
  for (const m of counts)
    if (m instanceof Map) for (const e of m) entries.push(e);
    else for (const v of m) entries.push([v, 1]);
  entries.sort((a, b) => a[0] - b[0]);
  const [values, upTo] = [new Float64Array(entries.length), new Float64Array(entries.length)];
  let sum = 0;
  entries.forEach(([v, n], i) => ((values[i] = v), (upTo[i] = sum += n)));
  return { values, upTo };
}

/** How many of a run's values are at or before `v`. */
function countedAtOrBefore({ values, upTo }: CountedRun, v: number): number {
  let [lo, hi] = [0, values.length]; // ends at the first value after v
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0 : upTo[lo - 1];
}

/**
 * How many of the runs' times fall at or before each of `samples` instants `start`, `start + step`, …:
 * a run counts whole from the first instant at or after its last time, and is searched only at the
 * instants among its times (a day's run meets a few of them).
 */
function countedBy(runs: CountedRun[], start: number, step: number, samples: number): number[] {
  const upTo = new Array<number>(samples).fill(0);
  const whole = new Array<number>(samples).fill(0); // runs counted whole from this instant on
  const firstInstant = (t: number) => (t <= start ? 0 : Math.ceil((t - start) / step));
  for (const run of runs) {
    const n = run.values.length;
    if (n === 0) continue;
    const [from, all] = [firstInstant(run.values[0]), firstInstant(run.values[n - 1])];
    for (let k = from; k < Math.min(all, samples); k++) upTo[k] += countedAtOrBefore(run, start + k * step);
    if (all < samples) whole[all] += run.upTo[n - 1];
  }
  for (let k = 0, sum = 0; k < samples; k++) upTo[k] += sum += whole[k];
  return upTo;
}

/** The load answer from the arrival counts and the runs of arrival and first-take times of the period. */
export function loadAnswer(
  { byHour, byWeekday, byWeekdayHour, perHour }: ArrivalCounts,
  arrivals: CountedRun[],
  taken: CountedRun[],
  filter: StatsFilter,
  stepMinutes: number,
) {
  // Waiting at time t: received by t and not yet taken by an operator (claimed or decided).
  const depth: { at: string; waiting: number }[] = [];
  let [first, last] = [Infinity, -Infinity];
  for (const { values } of arrivals) if (values.length) [first, last] = [Math.min(first, values[0]), Math.max(last, values[values.length - 1])];
  if (first <= last) {
    const start = filter.from?.getTime() ?? first;
    const end = Math.min(filter.to?.getTime() ?? last, Math.max(last, start));
    const step = Math.max(stepMinutes * 60_000, Math.ceil((end - start) / 500)); // at most ~500 points
    const samples = end >= start ? Math.floor((end - start) / step) + 1 : 0;
    const [received, takenBy] = [countedBy(arrivals, start, step, samples), countedBy(taken, start, step, samples)];
    for (let k = 0; k < samples; k++) depth.push({ at: localTime(new Date(start + k * step))!, waiting: received[k] - takenBy[k] });
  }
  const peaks = peakHours(perHour).map(([hour, arrivals]) => ({ hourStarting: localTime(hourStart(hour)), arrivals }));
  const weekdays = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
  return {
    basis: 'received' as const,
    timeZone: DISPLAY_TIME_ZONE,
    arrivalsByHourOfDay: byHour.map((arrivals, hour) => ({ hour, arrivals })),
    arrivalsByDayOfWeek: byWeekday.map((arrivals, day) => ({ day: weekdays[day], arrivals })),
    /** The heat map: arrivals for each day of week (SUN…SAT) and hour of day. */
    arrivalsByDayAndHour: byWeekdayHour.map((hours, day) => ({ day: weekdays[day], hours })),
    queueDepth: depth,
    peaks,
  };
}

/** Steps of the given kinds in an actor cell. */
const stepsOf = (a: ActorCell, kinds: ReadonlySet<string>) => Object.entries(a.steps).reduce((n, [step, count]) => n + (kinds.has(step) ? count! : 0), 0);

/**
 * 5. Staffing: for each hour of day, operators needed by Erlang C beside those who were active.
 * Always by receipt: operators are needed when calls arrive, not when the incidents happened.
 */
export function staffing(model: AnalyticsModel, filter: StatsFilter, level: { share: number; withinSeconds: number }) {
  const hours = () => Array.from({ length: 24 }, () => 0);
  const counts = () => ({
    days: {} as Record<string, number>,
    arrivals: hours(),
    // Handling time: from an operator taking the report to their decision (sum in ms, and how many).
    handlingMs: hours(),
    handled: hours(),
  });
  /** Per local hour of the step: `day|operator` for each operator active then on that local day (the pairs count). */
  const pairs = () => Array.from({ length: 24 }, () => new Set<string>());
  const source = aggregatesFor(model, filter, 'received');
  const key = `staffing|${dimensionsKey(filter)}`;
  const reached = reachedDays(source, key, filter, 'hour', (pick) => {
    const [p, active] = [counts(), pairs()];
    for (const c of pick('reports')) {
      const { hour, day } = hourParts(c.hour);
      p.days[day] = 1;
      p.arrivals[hour] += c.reports;
      p.handlingMs[hour] += c.handlingMs;
      p.handled[hour] += c.handled;
    }
    for (const a of pick('actors')) {
      if (stepsOf(a, ACTIVE_STEPS) === 0) continue;
      const { hour, day } = hourParts(a.stepHour);
      active[hour].add(`${day}|${a.actor}`);
    }
    return { counts: p, active };
  });
  // The pairs of a month's own days (`own`, counted) are in no other month's part; those of another month's day (a step
  // taken in the next month on a report of this one: `later`, few) may be, and are counted once each below.
  const months = monthParts(reached, source.remembered, key, (parts, month) => {
    const [own, later] = [hours(), hours().map(() => [] as string[])];
    const active = pairs();
    for (const p of parts) p.active.forEach((ofHour, hour) => ofHour.forEach((pair) => active[hour].add(pair)));
    active.forEach((ofHour, hour) => ofHour.forEach((pair) => (pair.startsWith(month) ? own[hour]++ : later[hour].push(pair))));
    return { counts: parts.reduce((sum, p) => addCounts(sum, p.counts), counts()), active, own, later };
  });
  const { days, arrivals, handlingMs, handled } = months.reduce((sum, m) => addCounts(sum, m.part.counts), counts());
  const activeOf = new Map(months.map((m) => [m.month, m.part.active]));
  const activePairs = hours().map((_, hour) => {
    const elsewhere = new Set<string>();
    for (const { part } of months) for (const pair of part.later[hour]) if (!activeOf.get(pair.slice(0, 7))?.[hour].has(pair)) elsewhere.add(pair);
    return months.reduce((n, m) => n + m.part.own[hour], elsewhere.size);
  });
  const allHandled = handled.reduce((x, y) => x + y, 0);
  const overallAht = allHandled ? handlingMs.reduce((x, y) => x + y, 0) / allHandled / 1000 : null;
  return staffingAnswer(level, new Set(Object.keys(days)), arrivals, activePairs, (hour) =>
    handled[hour] ? handlingMs[hour] / handled[hour] / 1000 : overallAht,
  );
}

/**
 * Staffing's answer from its counts (the aggregates' and the walking reference's alike): per local hour, arrivals per
 * day, the average handling time (`handlingSeconds`: the hour's own, else the overall), the operators Erlang C says
 * the service level needs, and how many worked that hour on an average day (`activePairs`: per local hour, the
 * distinct local days and operators active in it).
 */
export function staffingAnswer(
  level: { share: number; withinSeconds: number },
  days: Set<string>,
  arrivals: number[],
  activePairs: number[],
  handlingSeconds: (hour: number) => number | null,
) {
  const dayCount = Math.max(1, days.size);
  return {
    basis: 'received' as const,
    timeZone: DISPLAY_TIME_ZONE,
    serviceLevel: level,
    days: days.size,
    hours: arrivals.map((count, hour) => {
      const arrivalsPerHour = count / dayCount;
      const aht = handlingSeconds(hour);
      const need = aht && arrivalsPerHour > 0 ? agentsNeeded(arrivalsPerHour, aht, level) : null;
      return {
        hour,
        arrivalsPerHour: Math.round(arrivalsPerHour * 100) / 100,
        averageHandlingSeconds: aht === null ? null : Math.round(aht * 10) / 10,
        operatorsNeeded: need?.agents ?? 0,
        expectedServiceLevel: need ? Math.round(need.serviceLevel * 10_000) / 10_000 : null,
        operatorsActive: Math.round((activePairs[hour] / dayCount) * 100) / 100,
      };
    }),
  };
}

/** 6. Hotspots: per district and per grid cell, with the category mix; the top `limit` cells. */
export function hotspots(model: AnalyticsModel, filter: StatsFilter, limit = 10, cellDegrees = SPOT_DEGREES) {
  const basis = filter.basis ?? 'received';
  type Counted = { total: number; byCategory: Record<string, number> };
  const counted = (): Counted => ({ total: 0, byCategory: Object.fromEntries(CATEGORIES.map((c) => [c, 0])) });
  const empty = () => ({ districts: {} as Record<string, Counted>, cells: {} as Record<string, Counted> });
  const placed = basis === 'received' ? 'hour' : 'occurredHour';
  const sums = summed(
    aggregatesFor(model, filter, basis, cellDegrees),
    'hotspots',
    filter,
    placed,
    (pick) => {
      const p = empty();
      for (const c of pick('reports')) {
        const d = (p.districts[c.district ?? 'UNKNOWN'] ??= counted());
        d.total += c.reports;
        d.byCategory[c.category] += c.reports;
      }
      for (const s of pick('spots')) {
        const c = (p.cells[`${s.row}:${s.column}`] ??= counted());
        c.total += s.reports;
        c.byCategory[s.category] += s.reports;
      }
      return p;
    },
    empty,
  );
  const { districts, cells } = sums;
  const middle = (index: string) => Math.round((Number(index) + 0.5) * cellDegrees * 1e5) / 1e5;
  return {
    basis,
    cellDegrees,
    byDistrict: Object.entries(districts)
      .map(([district, v]) => ({ district, ...v }))
      .sort((a, b) => b.total - a.total || a.district.localeCompare(b.district)),
    topCells: Object.entries(cells)
      .map(([key, v]) => ({ latitude: middle(key.split(':')[0]), longitude: middle(key.split(':')[1]), ...v }))
      .sort((a, b) => b.total - a.total || a.latitude - b.latitude || a.longitude - b.longitude)
      .slice(0, limit),
  };
}

/** 7. Workload per operator and per unit. */
export function workload(model: AnalyticsModel, filter: StatsFilter) {
  // What operators and units did with the reports received in the period.
  type Operator = { claimed: number; classified: number; decided: number; notes: number; escalated: number; handlingMs: number; handled: number };
  type Unit = { assigned: number; acknowledged: number; declined: number; timedOut: number; arrived: number; resolved: number };
  const empty = () => ({ operators: {} as Record<string, Operator>, units: {} as Record<string, Unit> });
  const sums = summed(
    aggregatesFor(model, filter, 'received'),
    'workload',
    filter,
    'hour',
    (pick) => {
      const p = empty();
      for (const a of pick('actors')) {
        const n = (step: StepKind) => a.steps[step] ?? 0;
        const unitSteps = stepsOf(a, UNIT_STEPS);
        if (unitSteps > 0) {
          const u = (p.units[a.actor] ??= { assigned: 0, acknowledged: 0, declined: 0, timedOut: 0, arrived: 0, resolved: 0 });
          u.assigned += n('ASSIGNED');
          u.acknowledged += n('ACKNOWLEDGED');
          u.declined += n('DECLINED');
          u.timedOut += n('TIMED_OUT');
          u.arrived += n('ARRIVED');
          u.resolved += n('RESOLVED');
        }
        if (a.total === unitSteps || a.actor === 'system') continue;
        const o = (p.operators[a.actor] ??= { claimed: 0, classified: 0, decided: 0, notes: 0, escalated: 0, handlingMs: 0, handled: 0 });
        o.claimed += n('CLAIMED');
        o.classified += n('CLASSIFIED');
        o.decided += n('DECIDED');
        o.notes += n('NOTED');
        o.escalated += n('ESCALATED');
        o.handlingMs += a.decidedMs;
        o.handled += a.decidedHandled;
      }
      return p;
    },
    empty,
  );
  const { operators, units } = sums;
  return {
    basis: 'received' as const,
    operators: Object.entries(operators)
      .map(([operatorId, { handlingMs, handled, ...o }]) => ({
        operatorId,
        ...o,
        averageHandlingSeconds: handled ? Math.round((handlingMs / handled / 1000) * 10) / 10 : null,
      }))
      .sort((a, b) => b.decided - a.decided || a.operatorId.localeCompare(b.operatorId)),
    units: Object.entries(units)
      .map(([unitId, u]) => ({ unitId, ...u, callSign: model.units.get(unitId)?.callSign ?? unitId, type: model.units.get(unitId)?.type ?? null }))
      .sort((a, b) => b.assigned - a.assigned || a.unitId.localeCompare(b.unitId)),
  };
}

/** What a drill-down narrows to beyond the filter: one state, decision or rejection reason. */
export interface ReportListFilter extends StatsFilter {
  state?: string;
  rejectionReason?: string;
}

/** 8. The reports behind a count, newest first (on the filter's basis): enough to pick one and open its timeline; no personal data. */
export function reports(model: AnalyticsModel, filter: ReportListFilter, offset = 0, limit = 50) {
  const basis = filter.basis ?? 'received';
  const facts = selectFacts(model, filter)
    .filter((f) => !filter.state || stateOf(f) === filter.state || f.decision === filter.state)
    .filter((f) => !filter.rejectionReason || f.rejectionReason === filter.rejectionReason)
    .sort((a, b) => placedAt(b, basis) - placedAt(a, basis) || a.reportId.localeCompare(b.reportId));
  return {
    basis,
    total: facts.length,
    offset,
    limit,
    items: facts.slice(offset, offset + limit).map((f) => ({
      reportId: f.reportId,
      receivedAt: localTime(f.receivedAt),
      /** As the reporter stated it, plausible or not; on basis `occurred` a report is placed by it only when plausible. */
      occurredAt: localTime(f.occurredAt),
      channel: f.channel,
      category: categoryOf(f),
      priority: priorityOf(f),
      district: districtOf(f),
      state: stateOf(f),
      rejectionReason: f.rejectionReason,
    })),
  };
}

const OPEN_STATES = new Set(['RECEIVED', 'IN_TRIAGE', 'FORWARDED', 'DISPATCHED', 'ON_SCENE']);

/**
 * 9. The commander's overview: what is open now by state, priority and district, what is overdue,
 * units busy or free, breaches in the last hour, and today's arrivals by hour beside the typical
 * load of the same weekday over the weeks before (Asia/Jakarta).
 */
export function overview(model: AnalyticsModel, now: Date, weeksBack = 4) {
  const open = [...model.receivedFacts()].filter((f) => OPEN_STATES.has(stateOf(f)));
  const byDistrict: Record<string, Record<string, number>> = {};
  for (const f of open) {
    const row = (byDistrict[districtOf(f) ?? 'UNKNOWN'] ??= { total: 0 });
    row.total++;
    const p = priorityOf(f) ?? 'UNKNOWN';
    row[p] = (row[p] ?? 0) + 1;
  }
  const hourAgo = now.getTime() - 3_600_000;
  const { day: today, weekday } = partsAt(now.getTime());
  const todayByHour = Array.from({ length: 24 }, () => 0);
  const sameWeekday = Array.from({ length: 24 }, () => 0);
  const sameWeekdayDays = new Set<string>();
  const earliest = now.getTime() - weeksBack * 7 * 86_400_000;
  let breachesLastHour = 0;
  // Reports received before both today and the weeks compared count only for breaches: their local time is not needed.
  const counted = Math.min(earliest, Date.parse(`${today}T00:00:00Z`) - OFFSET_MS);
  for (const f of model.receivedFacts()) {
    const at = f.receivedAt! >= counted ? partsAt(f.receivedAt!) : null;
    if (at?.day === today) todayByHour[at.hour]++;
    else if (at && at.weekday === weekday && f.receivedAt! >= earliest) {
      sameWeekday[at.hour]++;
      sameWeekdayDays.add(at.day);
    }
    const breachedAt = [f.triageOverdue ? f.receivedAt : null, f.dispatchOverdue ? f.forwardedAt : null];
    if (breachedAt.some((t) => t !== null && t >= hourAgo)) breachesLastHour++;
  }
  const units = { available: 0, committed: 0, busy: 0, offDuty: 0 };
  for (const u of model.units.values()) {
    if (u.committedTo) units.committed++;
    else if (u.status === 'OFF_DUTY') units.offDuty++;
    else if (u.status === 'AVAILABLE') units.available++;
    else units.busy++;
  }
  const weeks = sameWeekdayDays.size;
  return {
    at: localTime(now),
    open: {
      total: open.length,
      byState: countBy(open, stateOf),
      byPriority: countBy(open, priorityOf),
      byDistrict,
    },
    overdue: {
      triage: open.filter((f) => f.triageOverdue && (stateOf(f) === 'RECEIVED' || stateOf(f) === 'IN_TRIAGE')).length,
      dispatch: open.filter((f) => f.dispatchOverdue && stateOf(f) === 'FORWARDED').length,
    },
    breachesLastHour,
    units,
    today: {
      day: today,
      arrivalsByHour: todayByHour,
      typicalByHour: sameWeekday.map((n) => (weeks ? Math.round((n / weeks) * 10) / 10 : 0)),
      weeksCompared: weeks,
    },
  };
}
