import type { Category, District, GeoPoint, Priority } from '@callcenter/contracts';
import { generateArrivals } from './arrivals';
import {
  CALLING_SYSTEMS,
  CATEGORY_MIX,
  CHANNEL_MIX_OTHER,
  CHANNEL_MIX_URGENT,
  FIRST_NAMES,
  GENERIC_STREETS,
  LANDMARKS,
  LAST_NAMES,
  MOBILE_PREFIXES,
  PRANK_TEMPLATES,
  REPEAT_CALL_TEMPLATES,
  SimChannel,
  STREETS,
  TEMPLATES,
  URGENT_CATEGORIES,
  WITNESS_PREFIXES,
  WITNESSED_CATEGORIES,
} from './catalogue';
import { DailyProfile } from './daily-profile';
import { Prng } from './prng';

/**
 * The pure, seeded traffic generator: who calls when, through which system, about what, from where.
 * No I/O and no clock: the same options give the same reports on every run.
 */

export type ReportKind = 'ORIGINAL' | 'DUPLICATE' | 'REPEAT_CALLER' | 'PRANK';
/** How triage should end the report (the bots act on it; analytics should show it). */
export type ExpectedDecision = 'FORWARDED' | 'REJECTED' | 'DUPLICATE' | 'ADVICE_GIVEN';

/** A SubmitReportRequest as on the wire (proto field names); occurred_at is set by the submitter at send time. */
export interface SubmitReportRequest {
  source_system: string;
  external_id: string;
  channel: SimChannel;
  reporter: { name: string; phone: string; anonymous: boolean };
  category_hint: string;
  description: string;
  location: { latitude?: number; longitude?: number; address: string; district: string };
  people_injured: number;
  people_involved: number;
}

export interface GeneratedReport {
  seq: number;
  /** Simulated arrival instant, ms since the epoch. */
  atMs: number;
  kind: ReportKind;
  /** The report this one repeats (DUPLICATE and REPEAT_CALLER), by seq. */
  duplicateOfSeq: number | null;
  /** The truth, for the bots and the ledger. */
  category: Category;
  district: string;
  point: GeoPoint;
  /** The priority an operator classifies it with when forwarding; null when it is not forwarded. */
  priority: Priority | null;
  expected: ExpectedDecision;
  channel: SimChannel;
  sourceSystem: string;
  apiKey: string;
  /** occurred_at is this long before the submission, or absent (null). */
  occurredSecondsBefore: number | null;
  request: SubmitReportRequest;
}

export interface TrafficShares {
  /** Of all reports: by the prankster pool. */
  prank: number;
  /** Of all reports: another witness of a recent incident. */
  duplicate: number;
  /** Of all reports: a caller calling again about their own recent report. */
  repeatCaller: number;
  /** Of reports by ordinary callers: sent anonymously. */
  anonymous: number;
}

export const DEFAULT_SHARES: TrafficShares = { prank: 0.04, duplicate: 0.08, repeatCaller: 0.03, anonymous: 0.08 };

export interface TrafficOptions {
  startMs: number;
  endMs: number;
  reportsPerHour: number;
  seed: number;
  /** Part of every external id, so two runs never collide (intake is idempotent by external id). */
  runId: string;
  districts: readonly District[];
  shares?: Partial<TrafficShares>;
  prankPoolSize?: number;
  /** A witness calls at most this long after the original (default 5 minutes). */
  duplicateWindowMs?: number;
  /** A witness stands at most this far from the original's position (default 300 m). */
  duplicateRadiusMeters?: number;
  /** A caller calls again at most this long after their first call (default 8 minutes). */
  repeatWindowMs?: number;
}

export const METERS_PER_DEGREE_LATITUDE = 111_320;

/** The point `meters` away from `from` in direction `bearing` (radians), on a local flat approximation. */
export function offsetPoint(from: GeoPoint, meters: number, bearing: number): GeoPoint {
  const dLat = (meters * Math.cos(bearing)) / METERS_PER_DEGREE_LATITUDE;
  const dLon = (meters * Math.sin(bearing)) / (METERS_PER_DEGREE_LATITUDE * Math.cos((from.latitude * Math.PI) / 180));
  return { latitude: round6(from.latitude + dLat), longitude: round6(from.longitude + dLon) };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** The priority the simulated operators classify with. */
export function priorityFor(category: Category, peopleInjured: number): Priority {
  switch (category) {
    case 'KEBAKARAN':
    case 'DARURAT_MEDIS':
      return 'P1';
    case 'KEJAHATAN':
    case 'KECELAKAAN_LALU_LINTAS':
      return peopleInjured > 0 ? 'P1' : 'P2';
    case 'ORANG_HILANG':
    case 'BENCANA':
      return 'P2';
    case 'INFORMASI_PENGADUAN':
      return 'P4';
    default:
      return 'P3';
  }
}

export function expectedFor(kind: ReportKind, category: Category): ExpectedDecision {
  if (kind === 'PRANK') return 'REJECTED';
  if (kind === 'DUPLICATE' || kind === 'REPEAT_CALLER') return 'DUPLICATE';
  if (category === 'INFORMASI_PENGADUAN') return 'ADVICE_GIVEN';
  return 'FORWARDED';
}

export function drawCategory(rng: Prng): Category {
  return rng.weighted(CATEGORY_MIX);
}

/** An Indonesian mobile number in E.164. */
export function mobileNumber(rng: Prng): string {
  return `+62${rng.pick(MOBILE_PREFIXES)}${String(rng.int(0, 99_999_999))
    .padStart(8, '0')
    .slice(rng.chance(0.5) ? 1 : 0)}`;
}

/** A Jakarta landline (area code 21) in E.164. */
export function landlineNumber(rng: Prng): string {
  return `+6221${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
}

function personName(rng: Prng): string {
  return `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
}

/** A catalogue template with its street, landmark and number filled in. */
export function fill(template: string, street: string, rng: Prng): string {
  return template
    .replace(/\{street\}/g, street)
    .replace(/\{landmark\}/g, rng.pick(LANDMARKS))
    .replace(/\{n\}/g, String(rng.int(1, 180)));
}

function injuredFor(category: Category, rng: Prng): number {
  const p: Partial<Record<Category, number>> = {
    KECELAKAAN_LALU_LINTAS: 0.6,
    KEBAKARAN: 0.25,
    DARURAT_MEDIS: 0.9,
    KEJAHATAN: 0.15,
    GANGGUAN_KETERTIBAN: 0.05,
    BENCANA: 0.2,
  };
  return rng.chance(p[category] ?? 0) ? rng.int(1, category === 'KECELAKAAN_LALU_LINTAS' ? 3 : 2) : 0;
}

/** A point in a district: around its centroid, ~900 m spread, never more than ~2.2 km out. */
export function pointInDistrict(district: District, rng: Prng): GeoPoint {
  const sigma = 0.008;
  const clamp = (x: number) => Math.max(-0.02, Math.min(0.02, x));
  return { latitude: round6(district.latitude + clamp(rng.normal() * sigma)), longitude: round6(district.longitude + clamp(rng.normal() * sigma)) };
}

interface Caller {
  name: string;
  phone: string;
  anonymous: boolean;
}

/** What an original report left for later witnesses and repeat calls to refer to. */
interface Recent {
  seq: number;
  atMs: number;
  category: Category;
  district: District;
  point: GeoPoint;
  street: string;
  caller: Caller;
  channel: SimChannel;
  template: string;
}

interface Where {
  district: District;
  point: GeoPoint;
  street: string;
}

export function generateTraffic(options: TrafficOptions): GeneratedReport[] {
  const shares = { ...DEFAULT_SHARES, ...options.shares };
  const duplicateWindowMs = options.duplicateWindowMs ?? 5 * 60_000;
  const duplicateRadius = options.duplicateRadiusMeters ?? 300;
  const repeatWindowMs = options.repeatWindowMs ?? 8 * 60_000;
  if (options.districts.length === 0) throw new Error('the jurisdiction has no districts');
  if (!(options.endMs > options.startMs)) throw new Error('the period must be longer than 0');

  const root = new Prng(options.seed);
  const arrivalRng = root.fork('arrivals');
  const rng = root.fork('content');
  const poolRng = root.fork('pranksters');
  const pranksters: Caller[] = Array.from({ length: options.prankPoolSize ?? 5 }, () => ({
    name: poolRng.chance(0.5) ? personName(poolRng) : poolRng.pick(['Bos', 'Pak RT', 'Anonim', 'Mas Ganteng']),
    phone: mobileNumber(poolRng),
    anonymous: false,
  }));

  const profile = new DailyProfile(options.reportsPerHour);
  const arrivals = generateArrivals(profile, options.startMs, options.endMs, arrivalRng);
  const recent: Recent[] = [];
  const reports: GeneratedReport[] = [];

  const externalId = (channel: SimChannel, seq: number) => {
    const n = String(seq).padStart(6, '0');
    switch (channel) {
      case 'HOTLINE':
        return `CALL-${options.runId.toUpperCase()}-${n}`;
      case 'MOBILE_APP':
        return `app-${options.runId}-${n}`;
      case 'WEB':
        return `web-${options.runId}-${n}`;
      case 'SMS':
        return `sms-${options.runId}-${n}`;
      case 'WHATSAPP':
        return `wa-${options.runId}-${n}`;
    }
  };

  const newCaller = (channel: SimChannel): Caller => {
    const phone = channel === 'HOTLINE' && rng.chance(0.2) ? landlineNumber(rng) : mobileNumber(rng);
    if (rng.chance(shares.anonymous)) {
      // Phone networks always show the number; apps and the web portal may send none.
      return { name: '', phone: channel === 'MOBILE_APP' || channel === 'WEB' ? '' : phone, anonymous: true };
    }
    return { name: personName(rng), phone, anonymous: false };
  };

  const location = (channel: SimChannel, where: Where, forceCoordinates = false): SubmitReportRequest['location'] => {
    const coordinatesShare: Record<SimChannel, number> = { MOBILE_APP: 1, WHATSAPP: 0.7, HOTLINE: 0.5, WEB: 0.6, SMS: 0 };
    const districtShare: Record<SimChannel, number> = { MOBILE_APP: 0.3, WHATSAPP: 0.5, HOTLINE: 0.8, WEB: 1, SMS: 1 };
    const withCoordinates = forceCoordinates || rng.chance(coordinatesShare[channel]);
    const address = channel === 'MOBILE_APP' && withCoordinates && rng.chance(0.4) ? '' : `${where.street}${rng.chance(0.5) ? ` No. ${rng.int(1, 180)}` : ''}`;
    const named = !withCoordinates || rng.chance(districtShare[channel]);
    return {
      ...(withCoordinates ? { latitude: where.point.latitude, longitude: where.point.longitude } : {}),
      address,
      district: named ? (rng.chance(0.3) ? `Kec. ${where.district.name}` : where.district.name) : '',
    };
  };

  const somewhere = (): Where => {
    const district = rng.pick(options.districts);
    return { district, point: pointInDistrict(district, rng), street: rng.pick(STREETS[district.code] ?? GENERIC_STREETS) };
  };

  const hintFor = (channel: SimChannel, category: Category): string => {
    const share: Record<SimChannel, number> = { MOBILE_APP: 0.85, WEB: 0.8, HOTLINE: 0.5, SMS: 0, WHATSAPP: 0 };
    return rng.chance(share[channel]) ? category : '';
  };

  /** A report as the bots, the ledger and intake see it: what the three kinds below differ in, and the calling system's part. */
  type Drawn = Omit<GeneratedReport, 'seq' | 'atMs' | 'district' | 'point' | 'expected' | 'sourceSystem' | 'apiKey' | 'request'> & {
    where: Where;
    request: Omit<SubmitReportRequest, 'source_system' | 'external_id' | 'channel'>;
  };
  const reportOf = (seq: number, atMs: number, { where, request, ...r }: Drawn): GeneratedReport => {
    const system = CALLING_SYSTEMS[r.channel];
    return {
      seq,
      atMs,
      ...r,
      district: where.district.code,
      point: where.point,
      expected: expectedFor(r.kind, r.category),
      sourceSystem: system.sourceSystem,
      apiKey: system.apiKey,
      request: { source_system: system.sourceSystem, external_id: externalId(r.channel, seq), channel: r.channel, ...request },
    };
  };
  for (const [index, atMs] of arrivals.entries()) {
    const seq = index + 1;
    while (recent.length > 0 && atMs - recent[0].atMs > Math.max(duplicateWindowMs, repeatWindowMs)) recent.shift();

    const roll = rng.next();
    let kind: ReportKind = 'ORIGINAL';
    let original: Recent | undefined;
    if (roll < shares.prank) kind = 'PRANK';
    else if (roll < shares.prank + shares.duplicate) {
      const candidates = recent.filter((r) => atMs - r.atMs <= duplicateWindowMs && WITNESSED_CATEGORIES.includes(r.category));
      if (candidates.length > 0) [kind, original] = ['DUPLICATE', rng.pick(candidates)];
    } else if (roll < shares.prank + shares.duplicate + shares.repeatCaller) {
      const candidates = recent.filter((r) => atMs - r.atMs <= repeatWindowMs && !r.caller.anonymous && r.caller.phone && r.category !== 'INFORMASI_PENGADUAN');
      if (candidates.length > 0) [kind, original] = ['REPEAT_CALLER', rng.pick(candidates)];
    }

    let report: GeneratedReport;
    if (kind === 'PRANK') {
      const caller = rng.pick(pranksters);
      const channel: SimChannel = rng.weighted({ HOTLINE: 70, SMS: 15, WHATSAPP: 15 });
      const where = somewhere();
      const category: Category = rng.pick(['KEJAHATAN', 'GANGGUAN_KETERTIBAN', 'LAINNYA', 'KEBAKARAN'] as const);
      report = reportOf(seq, atMs, {
        kind,
        duplicateOfSeq: null,
        category,
        where,
        priority: null,
        channel,
        occurredSecondsBefore: null,
        request: {
          reporter: { ...caller },
          category_hint: channel === 'HOTLINE' && rng.chance(0.3) ? category : '',
          description: fill(rng.pick(PRANK_TEMPLATES), where.street, rng),
          location: location(channel, where),
          people_injured: 0,
          people_involved: rng.int(0, 3),
        },
      });
    } else if (kind === 'DUPLICATE' || kind === 'REPEAT_CALLER') {
      const o = original!;
      const repeat = kind === 'REPEAT_CALLER';
      const channel = repeat ? o.channel : rng.weighted(URGENT_CATEGORIES.includes(o.category) ? CHANNEL_MIX_URGENT : CHANNEL_MIX_OTHER);
      const point = repeat
        ? offsetPoint(o.point, rng.uniform(0, 30), rng.uniform(0, 2 * Math.PI))
        : offsetPoint(o.point, rng.uniform(0, duplicateRadius), rng.uniform(0, 2 * Math.PI));
      const where: Where = { district: o.district, point, street: o.street };
      const caller = repeat ? o.caller : newCaller(channel);
      const others = TEMPLATES[o.category].filter((t) => t !== o.template);
      const description = repeat
        ? fill(rng.pick(REPEAT_CALL_TEMPLATES), o.street, rng)
        : `${rng.pick(WITNESS_PREFIXES)}${fill(rng.pick(others.length ? others : TEMPLATES[o.category]), o.street, rng)}`;
      const injured = injuredFor(o.category, rng);
      report = reportOf(seq, atMs, {
        kind,
        duplicateOfSeq: o.seq,
        category: o.category,
        where,
        priority: null,
        channel,
        occurredSecondsBefore: rng.chance(0.5) ? Math.round((atMs - o.atMs) / 1000) + rng.int(30, 300) : null,
        request: {
          reporter: { ...caller },
          category_hint: hintFor(channel, o.category),
          description: description.charAt(0).toUpperCase() + description.slice(1),
          // A witness's phone shares its position, so triage can see it is near the first report.
          location: location(channel, where, !repeat && rng.chance(0.6)),
          people_injured: injured,
          people_involved: injured + rng.int(0, 4),
        },
      });
    } else {
      const category = drawCategory(rng);
      const channel = rng.weighted(URGENT_CATEGORIES.includes(category) ? CHANNEL_MIX_URGENT : CHANNEL_MIX_OTHER);
      const where = somewhere();
      const caller = newCaller(channel);
      const template = rng.pick(TEMPLATES[category]);
      const injured = injuredFor(category, rng);
      report = reportOf(seq, atMs, {
        kind,
        duplicateOfSeq: null,
        category,
        where,
        priority: expectedFor(kind, category) === 'FORWARDED' ? priorityFor(category, injured) : null,
        channel,
        occurredSecondsBefore: rng.chance(0.7) ? rng.int(30, category === 'ORANG_HILANG' ? 86_400 : 1_200) : null,
        request: {
          reporter: caller,
          category_hint: hintFor(channel, category),
          description: fill(template, where.street, rng),
          location: location(channel, where),
          people_injured: injured,
          people_involved: injured + rng.int(0, 4),
        },
      });
      recent.push({ seq, atMs, category, district: where.district, point: where.point, street: where.street, caller, channel, template });
    }
    reports.push(report);
  }
  return reports;
}
