import { DailyProfile, nextHourBoundary } from './daily-profile';
import { Prng } from './prng';

/**
 * Arrival instants of a non-homogeneous Poisson process with the profile's rate between start and
 * end (ms since the epoch): exponential gaps of unit mean in "expected-report" time, mapped back
 * through the (piecewise constant) cumulative rate. Exact, and reproducible for a seed.
 */
export function generateArrivals(profile: DailyProfile, startMs: number, endMs: number, rng: Prng): number[] {
  const arrivals: number[] = [];
  let t = startMs;
  for (;;) {
    let gap = rng.exponential(1);
    for (;;) {
      if (t >= endMs) return arrivals;
      const segmentEnd = Math.min(endMs, nextHourBoundary(t));
      const rate = profile.ratePerMs(t);
      const capacity = rate * (segmentEnd - t);
      if (gap <= capacity) {
        t += gap / rate;
        break;
      }
      gap -= capacity;
      t = segmentEnd;
    }
    if (t >= endMs) return arrivals;
    arrivals.push(t);
  }
}
