import { DailyProfile, HOURLY_WEIGHTS, jakartaHour } from './daily-profile';
import { generateArrivals } from './arrivals';
import { Prng } from './prng';

const HOUR = 3_600_000;
const MIDNIGHT_WIB = Date.parse('2026-11-28T00:00:00+07:00');

describe('daily profile', () => {
  it('integrates to the requested reports per hour over 24 hours, from any start', () => {
    const profile = new DailyProfile(600);
    for (const start of [MIDNIGHT_WIB, MIDNIGHT_WIB + 5.5 * HOUR, Date.parse('2026-03-01T13:17:00Z')]) {
      expect(profile.expectedBetween(start, start + 24 * HOUR)).toBeCloseTo(600 * 24, 6);
    }
    expect(HOURLY_WEIGHTS.reduce((s, w) => s + w, 0)).toBeCloseTo(24, 9);
  });

  it('is quiet at night and peaks in the evening, in Asia/Jakarta time', () => {
    const profile = new DailyProfile(100);
    const at = (hhmm: string) => profile.ratePerHour(Date.parse(`2026-11-28T${hhmm}:00+07:00`));
    for (const night of ['02:30', '03:30', '04:30']) expect(at(night)).toBeLessThan(40);
    for (const evening of ['18:30', '19:30', '20:30', '21:30']) expect(at(evening)).toBeGreaterThan(150);
    expect(at('09:00')).toBeGreaterThan(at('06:00'));
    expect(Math.max(...HOURLY_WEIGHTS)).toBe(HOURLY_WEIGHTS[19]);
    expect(jakartaHour(Date.parse('2026-11-28T17:59:59Z'))).toBe(0);
  });

  it('draws Poisson arrivals whose count over a day averages the profile', () => {
    const profile = new DailyProfile(60);
    let total = 0;
    const days = 40;
    for (let seed = 1; seed <= days; seed++) total += generateArrivals(profile, MIDNIGHT_WIB, MIDNIGHT_WIB + 24 * HOUR, new Prng(seed)).length;
    // mean 1440 per day; the mean of 40 days has a standard deviation of about 6
    expect(total / days).toBeGreaterThan(1440 - 30);
    expect(total / days).toBeLessThan(1440 + 30);
  });

  it('places arrivals by the hour: the evening peak gets several times the night', () => {
    const arrivals = generateArrivals(new DailyProfile(300), MIDNIGHT_WIB, MIDNIGHT_WIB + 24 * HOUR, new Prng(7));
    const inHour = (h: number) => arrivals.filter((t) => jakartaHour(t) === h).length;
    expect(inHour(19) + inHour(20)).toBeGreaterThan(4 * (inHour(3) + inHour(4)));
    expect(arrivals.every((t, i) => i === 0 || t >= arrivals[i - 1])).toBe(true);
    expect(arrivals.every((t) => t >= MIDNIGHT_WIB && t < MIDNIGHT_WIB + 24 * HOUR)).toBe(true);
  });

  it('has exponential gaps at a constant rate (mean and spread of the gaps)', () => {
    const start = Date.parse('2026-11-28T10:00:00+07:00');
    const profile = new DailyProfile(3_600 / HOURLY_WEIGHTS[10]); // one a second between 10:00 and 11:00
    const arrivals = generateArrivals(profile, start, start + HOUR, new Prng(3));
    const gaps = arrivals.slice(1).map((t, i) => (t - arrivals[i]) / 1000);
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeCloseTo(1, 1);
    expect(sd).toBeCloseTo(1, 1); // exponential: sd = mean
  });
});
