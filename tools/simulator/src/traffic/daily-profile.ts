/**
 * When citizens call: relative arrival rates per hour of the day in Asia/Jakarta (WIB, UTC+7 all
 * year, no daylight saving). Quiet between 02:00 and 05:00, a rise with the morning commute, a long
 * day plateau, and the evening peak from 18:00 to 22:00 (traffic, disorder, fires from cooking,
 * people home from work). The table is normalised so that its mean is 1: a rate of
 * `reportsPerHour × weight` integrates over any 24 hours to exactly `24 × reportsPerHour`.
 */
export const HOURLY_RELATIVE_RATES: readonly number[] = [
  // 00    01    02    03    04    05    06    07    08    09    10    11
  0.62, 0.45, 0.3, 0.24, 0.26, 0.36, 0.55, 0.85, 1.02, 1.08, 1.08, 1.08,
  // 12    13    14    15    16    17    18    19    20    21    22    23
  1.05, 1.05, 1.06, 1.1, 1.2, 1.35, 1.58, 1.72, 1.72, 1.6, 1.3, 0.88,
];

export const JAKARTA_UTC_OFFSET_MS = 7 * 3_600_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The table scaled to mean 1. */
export const HOURLY_WEIGHTS: readonly number[] = (() => {
  const mean = HOURLY_RELATIVE_RATES.reduce((s, w) => s + w, 0) / 24;
  return HOURLY_RELATIVE_RATES.map((w) => w / mean);
})();

/** Hour of the day (0–23) in Asia/Jakarta at an instant (ms since the epoch). */
export function jakartaHour(atMs: number): number {
  const local = (((atMs + JAKARTA_UTC_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
  return Math.floor(local / HOUR_MS);
}

/** The next whole hour (in any zone with a whole-hour offset, WIB included) strictly after atMs. */
export function nextHourBoundary(atMs: number): number {
  return (Math.floor(atMs / HOUR_MS) + 1) * HOUR_MS;
}

export class DailyProfile {
  constructor(
    readonly reportsPerHour: number,
    private readonly weights: readonly number[] = HOURLY_WEIGHTS,
  ) {
    if (!(reportsPerHour > 0)) throw new Error('reports per hour must be above 0');
    if (weights.length !== 24 || weights.some((w) => !(w > 0))) throw new Error('a daily profile needs 24 positive weights');
  }

  /** Expected reports per hour at an instant. */
  ratePerHour(atMs: number): number {
    return this.reportsPerHour * this.weights[jakartaHour(atMs)];
  }

  /** Expected reports per millisecond at an instant. */
  ratePerMs(atMs: number): number {
    return this.ratePerHour(atMs) / HOUR_MS;
  }

  /** Expected number of reports between two instants (exact: the rate is constant within an hour). */
  expectedBetween(fromMs: number, toMs: number): number {
    let total = 0;
    let t = fromMs;
    while (t < toMs) {
      const end = Math.min(toMs, nextHourBoundary(t));
      total += this.ratePerMs(t) * (end - t);
      t = end;
    }
    return total;
  }
}
