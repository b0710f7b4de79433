import { JsHistogram, build } from 'hdr-histogram-js';
import { categoryOf, districtOf, priorityOf, ReportFact } from './report-fact';
import { sameSpans, SPANS } from './spans';

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
export const localDayOf = (iso: string) => dayOfHour(Math.floor(Date.parse(iso) / 3_600_000));

/** What one local day holds for one combination of the dimensions a query filters by. */
export interface DayCell {
  day: string;
  category: string;
  district: string | null;
  channel: string | null;
  priority: string | null;
  reports: number;
  /** Per SPANS entry: bucket → reports whose span falls in it. */
  spans: (Map<number, number> | undefined)[];
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
  cells: Map<string, DayCell>;
}

/**
 * Counts and duration histograms per local day (by receipt) and per category, district, channel
 * and priority, kept as reports' facts change: a changed fact is taken out as it was and added as
 * it is, so the cells always equal a recomputation from the facts. A whole-history query sums days
 * instead of walking reports.
 */
export class DailyAggregates extends FactCounter {
  readonly days = new Map<string, DayOfDurations>();
  private changes = 0;

  /** Every day's cells. */
  *cells(): Iterable<DayCell> {
    for (const d of this.days.values()) yield* d.cells.values();
  }

  /** A change that leaves a fact's day, dimensions and every span as they were (most events: a step, a unit's note) counts nothing. */
  override replace(before: ReportFact | undefined, after: ReportFact): void {
    const same =
      before?.receivedAt &&
      before.receivedAt === after.receivedAt &&
      before.channel === after.channel &&
      categoryOf(before) === categoryOf(after) &&
      districtOf(before) === districtOf(after) &&
      priorityOf(before) === priorityOf(after) &&
      sameSpans(before, after);
    if (!same) super.replace(before, after);
  }

  count(f: ReportFact, sign: 1 | -1): void {
    if (!f.receivedAt) return;
    const day = localDayOf(f.receivedAt);
    const [category, district, channel, priority] = [categoryOf(f), districtOf(f), f.channel, priorityOf(f)];
    const key = `${category}|${district ?? ''}|${channel ?? ''}|${priority ?? ''}`;
    let ofDay = this.days.get(day);
    if (!ofDay) this.days.set(day, (ofDay = { day, version: 0, cells: new Map() }));
    ofDay.version = ++this.changes;
    let cell = ofDay.cells.get(key);
    if (!cell) ofDay.cells.set(key, (cell = { day, category, district, channel, priority, reports: 0, spans: [] }));
    cell.reports += sign;
    SPANS.forEach(({ span }, i) => {
      const s = span(f);
      if (s === null) return;
      const buckets = (cell.spans[i] ??= new Map());
      const bucket = bucketOf(s);
      const n = (buckets.get(bucket) ?? 0) + sign;
      if (n !== 0) buckets.set(bucket, n);
      else if (buckets.delete(bucket) && buckets.size === 0) cell.spans[i] = undefined;
    });
    if (cell.reports === 0 && ofDay.cells.delete(key) && ofDay.cells.size === 0) this.days.delete(day);
  }
}
