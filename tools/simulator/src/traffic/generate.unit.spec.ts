import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CATEGORIES, haversineMeters, SubmitReportDto } from '@callcenter/contracts';
import { generateArrivals } from './arrivals';
import { CALLING_SYSTEMS, CATEGORY_MIX } from './catalogue';
import { DailyProfile } from './daily-profile';
import { parseDuration } from './duration';
import { drawCategory, generateTraffic, GeneratedReport, TrafficOptions } from './generate';
import { Prng } from './prng';
import { planUnits, unitCounts } from './units';
import jurisdiction from '../../../../config/jurisdiction.json';

const START = Date.parse('2026-11-28T06:00:00+07:00');
const HOUR = 3_600_000;
const options = (overrides: Partial<TrafficOptions> = {}): TrafficOptions => ({
  startMs: START,
  endMs: START + 24 * HOUR,
  reportsPerHour: 200,
  seed: 42,
  runId: 'test1',
  districts: jurisdiction.districts,
  ...overrides,
});

/** As intake's wire layer turns a request into the DTO (apps/intake/src/grpc/wire.ts). */
function asIntakeSees(report: GeneratedReport) {
  const r = report.request;
  const blank = (s: string) => (s === '' ? undefined : s);
  return plainToInstance(SubmitReportDto, {
    source_system: r.source_system,
    external_id: r.external_id,
    channel: r.channel,
    reporter: { name: blank(r.reporter.name), phone: blank(r.reporter.phone), anonymous: r.reporter.anonymous },
    category_hint: blank(r.category_hint),
    description: r.description,
    location: { latitude: r.location.latitude, longitude: r.location.longitude, address: blank(r.location.address), district: blank(r.location.district) },
    occurred_at: report.occurredSecondsBefore === null ? undefined : new Date(Date.now() - report.occurredSecondsBefore * 1000),
    people_injured: r.people_injured,
    people_involved: r.people_involved,
  });
}

describe('traffic generator', () => {
  const day = generateTraffic(options());

  it('is reproducible: the same seed gives the same arrivals and reports, another seed others', () => {
    const profile = new DailyProfile(120);
    expect(generateArrivals(profile, START, START + HOUR, new Prng(9))).toEqual(generateArrivals(profile, START, START + HOUR, new Prng(9)));
    expect(generateArrivals(profile, START, START + HOUR, new Prng(9))).not.toEqual(generateArrivals(profile, START, START + HOUR, new Prng(10)));
    expect(generateTraffic(options())).toEqual(day);
    expect(generateTraffic(options({ seed: 43 }))).not.toEqual(day);
  });

  it('draws categories by the configured mix within tolerance over 10,000 draws', () => {
    const rng = new Prng(1);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 10_000; i++) {
      const c = drawCategory(rng);
      counts[c] = (counts[c] ?? 0) + 1;
    }
    const total = Object.values(CATEGORY_MIX).reduce((s, w) => s + w, 0);
    for (const category of CATEGORIES) {
      const expected = CATEGORY_MIX[category] / total;
      const sd = Math.sqrt((expected * (1 - expected)) / 10_000);
      expect(Math.abs(counts[category] / 10_000 - expected)).toBeLessThan(4 * sd + 1e-9);
    }
    // and the originals of a generated day follow it too
    const originals = day.filter((r) => r.kind === 'ORIGINAL');
    const share = (c: string) => originals.filter((r) => r.category === c).length / originals.length;
    expect(share('KEJAHATAN')).toBeGreaterThan(0.26);
    expect(share('KEJAHATAN')).toBeLessThan(0.34);
    expect(share('INFORMASI_PENGADUAN')).toBeGreaterThan(0.09);
    expect(share('INFORMASI_PENGADUAN')).toBeLessThan(0.15);
  });

  it('generates duplicates near their original: same category, within 300 m and 5 minutes, another caller', () => {
    const bySeq = new Map(day.map((r) => [r.seq, r]));
    const duplicates = day.filter((r) => r.kind === 'DUPLICATE');
    expect(duplicates.length / day.length).toBeGreaterThan(0.06);
    expect(duplicates.length / day.length).toBeLessThan(0.1);
    for (const d of duplicates) {
      const o = bySeq.get(d.duplicateOfSeq!)!;
      expect(o.kind).toBe('ORIGINAL');
      expect(d.category).toBe(o.category);
      expect(d.district).toBe(o.district);
      expect(haversineMeters(d.point, o.point)).toBeLessThanOrEqual(301);
      expect(d.atMs - o.atMs).toBeGreaterThan(0);
      expect(d.atMs - o.atMs).toBeLessThanOrEqual(5 * 60_000);
      expect(d.expected).toBe('DUPLICATE');
      if (d.request.location.latitude !== undefined) expect(haversineMeters(d.request.location as any, o.point)).toBeLessThanOrEqual(301);
    }
  });

  it('lets callers call again with the same phone within minutes', () => {
    const bySeq = new Map(day.map((r) => [r.seq, r]));
    const repeats = day.filter((r) => r.kind === 'REPEAT_CALLER');
    expect(repeats.length).toBeGreaterThan(50);
    for (const r of repeats) {
      const o = bySeq.get(r.duplicateOfSeq!)!;
      expect(r.request.reporter.phone).toBe(o.request.reporter.phone);
      expect(r.request.reporter.phone).not.toBe('');
      expect(r.sourceSystem).toBe(o.sourceSystem);
      expect(r.atMs - o.atMs).toBeLessThanOrEqual(8 * 60_000);
      expect(r.expected).toBe('DUPLICATE');
    }
  });

  it('takes pranks from a small pool of numbers, about 4 % of reports, expected to be rejected', () => {
    const pranks = day.filter((r) => r.kind === 'PRANK');
    expect(pranks.length / day.length).toBeGreaterThan(0.03);
    expect(pranks.length / day.length).toBeLessThan(0.05);
    const phones = new Set(pranks.map((p) => p.request.reporter.phone));
    expect(phones.size).toBeLessThanOrEqual(5);
    expect(pranks.every((p) => p.expected === 'REJECTED' && !p.request.reporter.anonymous)).toBe(true);
    const ordinary = new Set(day.filter((r) => r.kind === 'ORIGINAL').map((r) => r.request.reporter.phone));
    expect([...phones].some((p) => ordinary.has(p))).toBe(false);
  });

  it('sends each channel by its calling system with its key, and expects advice for information requests', () => {
    for (const r of day) {
      expect(CALLING_SYSTEMS[r.channel]).toEqual({ sourceSystem: r.sourceSystem, apiKey: r.apiKey });
      expect(r.request.source_system).toBe(r.sourceSystem);
      if (r.kind === 'ORIGINAL') expect(r.expected).toBe(r.category === 'INFORMASI_PENGADUAN' ? 'ADVICE_GIVEN' : 'FORWARDED');
      if (r.expected === 'FORWARDED') expect(r.priority).toMatch(/^P[123]$/);
    }
    expect(new Set(day.map((r) => r.channel))).toEqual(new Set(['HOTLINE', 'MOBILE_APP', 'WEB', 'SMS', 'WHATSAPP']));
    expect(new Set(day.map((r) => r.request.external_id)).size).toBe(day.length);
    expect(day.some((r) => r.request.reporter.anonymous)).toBe(true);
  });

  it('places reports in the jurisdiction, near their district', () => {
    const districts = new Map(jurisdiction.districts.map((d) => [d.code, d]));
    for (const r of day) expect(haversineMeters(r.point, districts.get(r.district)!)).toBeLessThan(3_200);
  });

  it('generates only reports intake accepts: every one passes SubmitReportDto validation', () => {
    const many = [...day, ...generateTraffic(options({ seed: 7, reportsPerHour: 400, endMs: START + 6 * HOUR }))];
    const failures = many.map((r) => ({ r, errors: validateSync(asIntakeSees(r), { forbidUnknownValues: false }) })).filter((x) => x.errors.length > 0);
    expect(failures.map((f) => ({ request: f.r.request, errors: f.errors.map((e) => e.toString()) }))).toEqual([]);
  });

  it('plans a roster of units spread over the districts, patrol cars mostly', () => {
    expect([...unitCounts(12).entries()]).toEqual([
      ['PATROL_CAR', 6],
      ['MOTORCYCLE_PATROL', 2],
      ['TRAFFIC', 1],
      ['FIRE_LIAISON', 1],
      ['AMBULANCE_LIAISON', 1],
      ['INVESTIGATION', 1],
    ]);
    const units = planUnits(12, jurisdiction.districts, 1, 'ab12');
    expect(new Set(units.map((u) => u.callSign)).size).toBe(12);
    expect(units.every((u) => /^[A-Z0-9][A-Z0-9-]{1,39}$/.test(u.callSign))).toBe(true);
    expect(new Set(units.map((u) => u.homeDistrict)).size).toBe(10);
    expect(planUnits(12, jurisdiction.districts, 1, 'ab12')).toEqual(units);
  });

  it('parses durations', () => {
    expect(parseDuration('1h')).toBe(HOUR);
    expect(parseDuration('1h30m')).toBe(1.5 * HOUR);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('24h')).toBe(24 * HOUR);
    expect(parseDuration('45')).toBe(45_000);
    expect(() => parseDuration('1 hour')).toThrow(/not a duration/);
  });
});
