import { JsHistogram, build } from 'hdr-histogram-js';
import { categoryOf, districtOf, EpochMs, priorityOf, ReportFact } from './report-fact';
import { SPANS } from './spans';

/**
 * The bucketing of every duration histogram: HDR (hdr-histogram-js) in milliseconds with 4
 * significant digits, so a bucket is never wider than 1/8192 of its values (exact below 8.192 s).
 * A percentile read from it is its bucket's middle rounded to 4 significant digits: within 0.1 %
 * of the exact value. Buckets are this one histogram's count indexes, so the per-day histograms are
 * sparse maps that add up (mergeable) and count down when a report's span changes.
 */
const SCALE = build({ numberOfSignificantValueDigits: 4, lowestDiscernibleValue: 1, highestTrackableValue: 2 ** 42, autoResize: false }) as JsHistogram;
/** The bound stated in the API docs: a percentile or a share's limit is within this share of the exact one. */
export const HISTOGRAM_RELATIVE_ERROR = 0.001;

/** The bucket of a span in seconds (negative spans, from clocks that disagree, count as 0). */
export const bucketOf = (spanSeconds: number) => SCALE.countsArrayIndex(Math.min(2 ** 42, Math.max(0, Math.round(spanSeconds * 1000))));
/** A bucket's value in seconds: its middle, to 4 significant digits. */
export const secondsOf = (bucket: number) => Number(SCALE.medianEquivalentValue(SCALE.valueFromIndex(bucket)).toPrecision(4)) / 1000;

/** Asia/Jakarta has kept UTC+7 without daylight saving since 1964 (as in public-stats). */
const JAKARTA_OFFSET_MS = 7 * 3_600_000;
/** The local day an hour (since the epoch) falls in, remembered: a few thousand hours, asked for once per fact counted. */
const daysOfHours = new Map<number, string>();
export const dayOfHour = (hour: number) =>
  daysOfHours.get(hour) ?? daysOfHours.set(hour, new Date(hour * 3_600_000 + JAKARTA_OFFSET_MS).toISOString().slice(0, 10)).get(hour)!;
/** Asia/Jakarta is a whole number of hours from UTC, so a time's local day is its hour's. */
export const localDayOf = (ms: EpochMs) => dayOfHour(Math.floor(ms / 3_600_000));

/** What one local day holds for one combination of the dimensions a query filters by. */
export interface DayCell {
  day: string;
  category: string;
  district: string | null;
  channel: string | null;
  priority: string | null;
  reports: number;
  /**
   * Every span of every report in the cell as one sorted run of codes, `spanCode(i, bucket)`: span
   * i's buckets together and ascending (a bucket counted n times is there n times). One run a cell,
   * where a run a span cost an array each (about 400 bytes a resolved report's cell).
   */
  spans: readonly number[];
}

/** A span's bucket as a code of a cell's run: SPANS' index × the buckets' count + the bucket. */
export const spanCode = (i: number, bucket: number) => i * SCALE.countsArrayLength + bucket;
/** Which of SPANS a code of a cell's run is of (its index). */
export const spanOfCode = (code: number) => Math.floor(code / SCALE.countsArrayLength);
/** A code's bucket. */
export const bucketOfCode = (code: number) => code % SCALE.countsArrayLength;

type Nested<V> = Map<string | null, V>;
/**
 * The dimensions' combinations (category, district, channel, priority), each with a number for as
 * long as the process runs: what a cell is keyed by within its day, daily and hourly, so no key
 * string is built for an event or kept for a cell (bounded by the reference data's categories ×
 * districts × channels × priorities, not by the reports).
 */
const COMBINATIONS: Nested<Nested<Nested<Nested<number>>>> = new Map();
let combinations = 0;
export function dimensionsCode(category: string, district: string | null, channel: string | null, priority: string | null): number {
  let byDistrict = COMBINATIONS.get(category);
  if (!byDistrict) COMBINATIONS.set(category, (byDistrict = new Map()));
  let byChannel = byDistrict.get(district);
  if (!byChannel) byDistrict.set(district, (byChannel = new Map()));
  let byPriority = byChannel.get(channel);
  if (!byPriority) byChannel.set(channel, (byPriority = new Map()));
  let code = byPriority.get(priority);
  if (code === undefined) byPriority.set(priority, (code = combinations++));
  return code;
}

/** A fact's cell within its day: its category, district, channel and priority. */
const keyOf = (f: ReportFact) => dimensionsCode(categoryOf(f), districtOf(f), f.channel, priorityOf(f));

/**
 * The aggregates' values counted per cell (buckets, times) are held as sorted runs, replaced rather
 * than changed in place: exactly as long as what they hold, where a map of counts or an array grown
 * in place costs some hundreds of bytes even for one value, and a cell holds about one report at a
 * command's traffic. An empty run is this one.
 */
export const NONE: readonly never[] = Object.freeze([]);
/** An array with `x` put in at `at` (sign 1), or without the item at `at` (sign -1): a new one, exactly as long (NONE when empty). */
export const spliced = <T>(xs: readonly T[], at: number, sign: 1 | -1, x?: T): readonly T[] =>
  sign < 0 ? (xs.length === 1 ? NONE : xs.toSpliced(at, 1)) : xs.toSpliced(at, 0, x!);
/** A sorted run with a value added (sign 1), or one occurrence of it taken out (sign -1). */
export function counted(run: readonly number[], value: number, sign: 1 | -1): readonly number[] {
  let [lo, hi] = [0, run.length]; // the first index whose value is ≥ value
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (run[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return sign < 0 && run[lo] !== value ? run : spliced(run, lo, sign, value);
}

/** One report's span (seconds; null: not spanned) counted in or out of a cell's histogram of it. */
function countSpan(cell: DayCell, i: number, spanSeconds: number | null, sign: 1 | -1): void {
  if (spanSeconds !== null) cell.spans = counted(cell.spans, spanCode(i, bucketOf(spanSeconds)), sign);
}

/** Aggregates kept as reports' facts change: a changed fact is taken out as it was and added as it is. */
export abstract class FactCounter {
  /** Accounts for a fact changing from `before` (absent: new) to `after`. */
  replace(before: ReportFact | undefined, after: ReportFact): void {
    if (before === after) return;
    if (before) this.count(before, -1);
    this.count(after, 1);
  }

  abstract count(f: ReportFact, sign: 1 | -1): void;
}

/** One local day's cells of the daily aggregates, with a version that changes whenever one of them does. */
export interface DayOfDurations {
  day: string;
  version: number;
  /** By the dimensions' number (`dimensionsCode`). */
  cells: Map<number, DayCell>;
}

/**
 * Counts and duration histograms per local day (by receipt) and per category, district, channel
 * and priority, kept as reports' facts change (by difference, or a changed fact taken out as it was
 * and added as it is), so the cells always equal a recomputation from the facts. A whole-history query sums days
 * instead of walking reports.
 */
export class DailyAggregates extends FactCounter {
  readonly days = new Map<string, DayOfDurations>();
  private changes = 0;

  /** Every day's cells. */
  *cells(): Iterable<DayCell> {
    for (const d of this.days.values()) yield* d.cells.values();
  }

  /**
   * A change that keeps a fact's day and dimensions (most events: a step, a time, a unit's note) is
   * counted by difference: only the spans whose times changed move between buckets, and a change
   * that leaves every span as it was counts nothing. Any other change is counted out and in again.
   */
  override replace(before: ReportFact | undefined, after: ReportFact): void {
    if (before === after) return;
    if (!before || before.receivedAt === null || before.receivedAt !== after.receivedAt) return super.replace(before, after);
    const key = keyOf(after);
    if (keyOf(before) !== key) return super.replace(before, after);
    let ofDay: DayOfDurations | undefined;
    SPANS.forEach(({ from, to, span }, i) => {
      if (before[from] === after[from] && before[to] === after[to]) return;
      ofDay ??= this.days.get(localDayOf(after.receivedAt!))!;
      const cell = ofDay.cells.get(key)!;
      countSpan(cell, i, span(before), -1);
      countSpan(cell, i, span(after), 1);
    });
    if (ofDay) ofDay.version = ++this.changes;
  }

  count(f: ReportFact, sign: 1 | -1): void {
    if (f.receivedAt === null) return;
    const day = localDayOf(f.receivedAt);
    const key = keyOf(f);
    let ofDay = this.days.get(day);
    if (!ofDay) this.days.set(day, (ofDay = { day, version: 0, cells: new Map() }));
    ofDay.version = ++this.changes;
    let cell = ofDay.cells.get(key);
    if (!cell)
      ofDay.cells.set(
        key,
        (cell = {
          day,
          category: categoryOf(f),
          district: districtOf(f),
          channel: f.channel,
          priority: priorityOf(f),
          reports: 0,
          spans: NONE,
        }),
      );
    cell.reports += sign;
    SPANS.forEach(({ span }, i) => countSpan(cell, i, span(f), sign));
    if (cell.reports === 0 && ofDay.cells.delete(key) && ofDay.cells.size === 0) this.days.delete(day);
  }
}
