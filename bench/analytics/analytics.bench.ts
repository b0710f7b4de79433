/**
 * bench/analytics: how fast analytics replays a long history into its read models, and how fast its
 * queries answer on that history. Prints figures; it is not a pass/fail test.
 *
 *   1. Replay: a generated history of ≥ 1,000,000 envelopes on the intake, triage and dispatch topics
 *      (produced directly with kafkajs); analytics start-up (it builds generation 1 from offset 0
 *      before listening) and POST /api/v1/admin/rebuild until SWITCHED, beside Kafka's own
 *      ConsumerPerformance, a bare kafkajs read + JSON.parse loop and the model fold in this process.
 *   2. Queries: every stats endpoint (no filter, district+category, one day), a report timeline and
 *      one CSV, closed loop at concurrency 1 and 4, beside GET /health/live.
 *
 * Needs Kafka and the database (bash infra/bin/infra start; see README.md for the bench ports) and a
 * build (npm run build). KAFKA_BROKERS / MONGODB_URI point at them. `--help` lists every option.
 */
// @callcenter/events and the service sources carry decorators that need the metadata polyfill first.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Kafka, Message, Producer } from 'kafkajs';
import { CATEGORIES, Category, Channel, incidentIdFor, loadJurisdiction, Priority, RejectionReason, ResolutionOutcome, UnitType } from '@callcenter/contracts';
import {
  createKafka,
  dispatchEvents,
  ensureTopics,
  EventEnvelope,
  EventRegistry,
  intakeEvents,
  toKafkaMessage,
  TopicTail,
  TOPICS,
  triageEvents,
} from '@callcenter/events';
import { RunningService, startService, testInfra, testToken } from '@callcenter/testing';
import {
  closedLoop,
  Leftovers,
  machine,
  cpuLine,
  cpuMeter,
  cpuProfileEnv,
  cpuTicks,
  CpuReading,
  cutCpuProfile,
  f,
  HZ,
  int,
  loadavg,
  logger,
  nowMs,
  options,
  pct,
  Pct,
  pctCells,
  pidFile as infraPid,
  request,
  rng,
  Rng,
  rssMiB,
  sleep,
  table,
  topSelfTime,
  readmeOptions,
  consumerPerformanceFigures,
  kafkaTool,
} from '../harness';

import { AnalyticsModel } from '../../apps/analytics/src';

// ───────────────────────────── options ─────────────────────────────

const ROOT = path.resolve(__dirname, '../../..');
const ALL_TOPICS = [TOPICS.intake, TOPICS.triage, TOPICS.dispatch];

const HELP = readmeOptions('analytics');

const { flag, num, has } = options(
  HELP,
  [
    'events',
    'per-day',
    'batch',
    'in-flight',
    'start-timeout-s',
    'requests',
    'warmup',
    'max-row-s',
    'min-requests',
    'max-warmup-s',
    'concurrency',
    'http',
    'seed',
    'cpu-prof',
  ],
  ['reuse-history', 'history-only', 'no-rebuild', 'no-baselines', 'no-queries', 'keep-db'],
);
const argv = process.argv.slice(2);

const cfg = {
  events: Math.floor(num('events', 1_000_000)),
  perDay: Math.max(1, Math.floor(num('per-day', 1000))),
  batch: Math.max(1, Math.floor(num('batch', 500))),
  inFlight: Math.max(1, Math.floor(num('in-flight', 4))),
  reuse: has('reuse-history'),
  historyOnly: has('history-only'),
  startTimeoutS: num('start-timeout-s', 900),
  rebuild: !has('no-rebuild'),
  baselines: !has('no-baselines'),
  queries: !has('no-queries'),
  requests: Math.max(1, Math.floor(num('requests', 300))),
  warmup: Math.floor(num('warmup', 30)),
  maxRowS: num('max-row-s', 45),
  minRequests: Math.max(1, Math.floor(num('min-requests', 50))),
  maxWarmupS: num('max-warmup-s', 10),
  concurrency: (flag('concurrency') ?? '1,4').split(',').map((c) => Math.max(1, Math.floor(Number(c)))),
  http: Math.floor(num('http', 13310)),
  seed: Math.floor(num('seed', 1)),
  keepDb: has('keep-db'),
  cpuProf: flag('cpu-prof'),
  infraDataDir: process.env.INFRA_DATA_DIR ?? path.join(ROOT, '.data'),
  kafkaLibs: process.env.KAFKA_LIBS ?? path.join(ROOT, '.cache/kafka/libs'),
};

const GOAL_REPLAY_EPS = 50_000;
/** Issue 15: start to ready, from a snapshot, with 10 M events of history. */
const GOAL_START_S = 15;
const GOAL_QUERY_P99_MS = 100;

// ───────────────────────────── helpers ─────────────────────────────

const log = logger('analytics');
const pidFile = (name: string) => infraPid(cfg.infraDataDir, name);
const get = (port: number, urlPath: string, token?: string) => request(port, 'GET', urlPath, token, undefined, 120_000);

// ───────────────────────────── clean-up ─────────────────────────────

const kafka: Kafka = createKafka({ brokers: testInfra().brokers, clientId: 'bench-analytics' });
const left = new Leftovers(() => cfg.keepDb, kafka);
left.onSignals(log, 'stopping what this bench started');

// ───────────────────────────── the history ─────────────────────────────

const jurisdiction = loadJurisdiction(path.join(ROOT, 'config/jurisdiction.json'));
const WIB_MS = 7 * 3600_000;
/** Arrivals by hour of day (Asia/Jakarta): quiet before dawn, peaks in the evening. */
const HOUR_WEIGHTS = [2, 1.5, 1, 1, 1, 1.5, 2.5, 4, 5, 5, 5, 5, 5, 5, 5, 5.5, 6, 7, 7, 7.5, 7.5, 6.5, 5, 3];
const CHANNEL_MIX: Partial<Record<Channel, number>> = { HOTLINE: 45, MOBILE_APP: 20, WHATSAPP: 15, WEB: 8, SMS: 7, WALK_IN: 3, OTHER_SYSTEM: 2 };
const SOURCE_OF: Record<Channel, string> = {
  HOTLINE: 'hotline-pabx',
  MOBILE_APP: 'mobile-app',
  WHATSAPP: 'whatsapp-gateway',
  WEB: 'web-portal',
  SMS: 'sms-gateway',
  WALK_IN: 'spkt-desk',
  OTHER_SYSTEM: 'damkar-bridge',
};
const CATEGORY_MIX: Partial<Record<Category, number>> = {
  KEJAHATAN: 26,
  KECELAKAAN_LALU_LINTAS: 18,
  GANGGUAN_KETERTIBAN: 14,
  INFORMASI_PENGADUAN: 12,
  DARURAT_MEDIS: 8,
  LAINNYA: 9,
  KEBAKARAN: 5,
  ORANG_HILANG: 5,
  BENCANA: 3,
};
const PRIORITY_BY_CATEGORY: Record<Category, Partial<Record<Priority, number>>> = {
  KEJAHATAN: { P1: 10, P2: 50, P3: 40 },
  KECELAKAAN_LALU_LINTAS: { P1: 20, P2: 60, P3: 20 },
  GANGGUAN_KETERTIBAN: { P1: 5, P2: 45, P3: 50 },
  INFORMASI_PENGADUAN: { P3: 20, P4: 80 },
  DARURAT_MEDIS: { P1: 70, P2: 30 },
  LAINNYA: { P2: 10, P3: 60, P4: 30 },
  KEBAKARAN: { P1: 80, P2: 20 },
  ORANG_HILANG: { P1: 10, P2: 60, P3: 30 },
  BENCANA: { P1: 60, P2: 40 },
};
const DESCRIPTIONS: Record<Category, string[]> = {
  KEJAHATAN: [
    'Pencurian motor di depan minimarket, pelaku dua orang kabur ke arah timur',
    'Penjambretan tas di halte bus, korban terluka ringan',
    'Rumah kosong dibobol maling, jendela belakang rusak',
  ],
  KECELAKAAN_LALU_LINTAS: ['Tabrakan motor dan mobil di perempatan, satu orang terluka, lalu lintas macet', 'Mobil menabrak pembatas jalan, sopir terjepit'],
  GANGGUAN_KETERTIBAN: [
    'Tawuran pelajar di depan sekolah, membawa senjata tajam',
    'Keributan di warung, beberapa orang mabuk',
    'Musik keras sampai larut malam, warga terganggu',
  ],
  INFORMASI_PENGADUAN: ['Mau tanya informasi cara membuat SKCK', 'Pengaduan pungutan liar di parkiran pasar', 'Mau tanya jam pelayanan SPKT'],
  DARURAT_MEDIS: ['Orang pingsan di trotoar, tidak sadarkan diri', 'Ibu hamil pendarahan, butuh ambulans'],
  LAINNYA: ['Pohon tumbang menutup sebagian jalan', 'Kabel listrik putus menjuntai ke jalan'],
  KEBAKARAN: ['Kebakaran rumah, asap tebal, api mulai membesar', 'Kebakaran lapak di pasar, api merembet'],
  ORANG_HILANG: ['Anak umur tujuh tahun hilang sejak sore di pasar', 'Lansia pikun tidak pulang sejak pagi'],
  BENCANA: ['Banjir setinggi pinggang, warga terjebak di rumah', 'Tanah longsor menimpa dua rumah'],
};
const UNIT_TYPES_FOR: Record<Category, UnitType[]> = {
  KEJAHATAN: ['PATROL_CAR', 'MOTORCYCLE_PATROL', 'INVESTIGATION'],
  KECELAKAAN_LALU_LINTAS: ['TRAFFIC', 'PATROL_CAR', 'MOTORCYCLE_PATROL'],
  KEBAKARAN: ['FIRE_LIAISON', 'PATROL_CAR'],
  GANGGUAN_KETERTIBAN: ['PATROL_CAR', 'MOTORCYCLE_PATROL'],
  BENCANA: ['PATROL_CAR', 'FIRE_LIAISON', 'AMBULANCE_LIAISON'],
  DARURAT_MEDIS: ['AMBULANCE_LIAISON', 'PATROL_CAR'],
  ORANG_HILANG: ['PATROL_CAR', 'INVESTIGATION', 'MOTORCYCLE_PATROL'],
  INFORMASI_PENGADUAN: ['PATROL_CAR'],
  LAINNYA: ['PATROL_CAR', 'MOTORCYCLE_PATROL'],
};
const UNIT_PREFIX: Record<UnitType, string> = {
  PATROL_CAR: 'SAMAPTA',
  MOTORCYCLE_PATROL: 'RAIMAS',
  TRAFFIC: 'PATWAL',
  INVESTIGATION: 'BUSER',
  FIRE_LIAISON: 'DAMKAR',
  AMBULANCE_LIAISON: 'AMBULANS',
};
const UNIT_MIX: Record<UnitType, number> = { PATROL_CAR: 12, MOTORCYCLE_PATROL: 8, TRAFFIC: 4, INVESTIGATION: 3, FIRE_LIAISON: 2, AMBULANCE_LIAISON: 2 };
const REJECTIONS: Partial<Record<RejectionReason, number>> = { PRANK: 30, NOT_POLICE_MATTER: 40, INSUFFICIENT_INFORMATION: 20, OUT_OF_JURISDICTION: 10 };
const OUTCOMES: Partial<Record<ResolutionOutcome, number>> = { HANDLED_ON_SCENE: 55, ARREST_MADE: 10, REFERRED: 12, FALSE_ALARM: 12, NO_TRACE: 11 };
const NAMES = ['Siti Aminah', 'Budi Santoso', 'Dewi Lestari', 'Agus Salim', 'Rina Wati', 'Joko Susilo', 'Putri Ayu', 'Hendra Gunawan'];
const STREETS = [
  'Jl. Tebet Raya',
  'Jl. Kemang Raya',
  'Jl. Fatmawati',
  'Jl. Sudirman',
  'Jl. Gatot Subroto',
  'Jl. Pasar Minggu',
  'Jl. Ciputat Raya',
  'Jl. Warung Buncit',
];
/** Seconds to triage / dispatch per priority (the default PRIORITY_TARGETS). */
const TARGETS: Record<Priority, { triage: number; dispatch: number | null }> = {
  P1: { triage: 60, dispatch: 180 },
  P2: { triage: 180, dispatch: 600 },
  P3: { triage: 600, dispatch: 1800 },
  P4: { triage: 1800, dispatch: null },
};
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

interface HistoryStats {
  reports: number;
  events: number;
  bytes: number;
  byTopic: Record<string, number>;
  byType: Record<string, number>;
  decisions: Record<string, number>;
  first: string;
  last: string;
  units: number;
}

/**
 * A Polres history: `perDay` reports a day over whole days ending yesterday (Asia/Jakarta), each with
 * its intake, triage and (when forwarded) incident lifecycle, and the units' streams (registered at
 * the start; committed, status and released per assignment). Events of one report come in time
 * order; reports in order of receipt, so a topic is roughly chronological, as in production.
 */
class HistoryGenerator {
  readonly stats: HistoryStats = { reports: 0, events: 0, bytes: 0, byTopic: {}, byType: {}, decisions: {}, first: '', last: '', units: 0 };
  /** A sample of forwarded reports' ids, for the timeline query. */
  readonly timelineIds: string[] = [];
  private readonly unitVersions = new Map<string, number>();
  private readonly unitsByType = new Map<UnitType, { id: string; district: string }[]>();
  private readonly recent: { reportId: string; category: Category; district: string }[] = [];

  constructor(
    private readonly r: Rng,
    private readonly tag: string,
  ) {}

  private envelope(
    producer: 'intake' | 'triage' | 'dispatch',
    streamId: string,
    streamVersion: number,
    type: string,
    atMs: number,
    actor: string,
    data: object,
  ): { topic: string; message: Message } {
    const at = new Date(atMs).toISOString();
    const e: EventEnvelope = {
      eventId: randomUUID(),
      type,
      schemaVersion: 1,
      streamId,
      streamVersion,
      occurredAt: at,
      recordedAt: new Date(atMs + 3 + Math.floor(this.r.next() * 20)).toISOString(),
      producer,
      actor,
      correlationId: `bench-${this.tag}-${streamId.slice(0, 8)}`,
      causationId: null,
      data,
    };
    const message = toKafkaMessage(e);
    const topic = TOPICS[producer];
    this.stats.events++;
    this.stats.bytes += (message.value as string).length;
    this.stats.byTopic[topic] = (this.stats.byTopic[topic] ?? 0) + 1;
    this.stats.byType[type] = (this.stats.byType[type] ?? 0) + 1;
    return { topic, message };
  }

  private unitEvent(unitId: string, type: string, atMs: number, actor: string, data: object) {
    const v = (this.unitVersions.get(unitId) ?? 0) + 1;
    this.unitVersions.set(unitId, v);
    return this.envelope('dispatch', unitId, v, type, atMs, actor, data);
  }

  /** 31 units per district (300-odd), registered at the start of the history. */
  *roster(atMs: number): Generator<{ topic: string; message: Message }> {
    for (const d of jurisdiction.districts) {
      for (const [type, n] of Object.entries(UNIT_MIX) as [UnitType, number][]) {
        for (let k = 1; k <= n; k++) {
          const id = `${UNIT_PREFIX[type]}-${d.code.replace(/_/g, '-')}-${String(k).padStart(2, '0')}`;
          const list = this.unitsByType.get(type) ?? [];
          list.push({ id, district: d.code });
          this.unitsByType.set(type, list);
          this.stats.units++;
          const capabilities =
            type === 'AMBULANCE_LIAISON' ? ['FIRST_AID'] : type === 'FIRE_LIAISON' ? ['FIRE_SAFETY'] : this.r.chance(0.2) ? ['FIRST_AID'] : [];
          yield this.unitEvent(id, 'UnitRegistered', atMs, 'dsp-admin', {
            unitId: id,
            callSign: id,
            type,
            capabilities,
            homeDistrict: d.code,
            status: 'AVAILABLE',
          });
        }
      }
    }
  }

  private pickUnit(category: Category, district: string, except: string | null) {
    for (let attempt = 0; attempt < 10; attempt++) {
      const type = this.r.chance(0.7) ? UNIT_TYPES_FOR[category][0] : this.r.pick(UNIT_TYPES_FOR[category]);
      const pool = this.unitsByType.get(type)!;
      const local = pool.filter((u) => u.district === district);
      const u = local.length && this.r.chance(0.75) ? this.r.pick(local) : this.r.pick(pool);
      if (u.id !== except) return u.id;
    }
    return this.unitsByType.get('PATROL_CAR')![0].id;
  }

  /** Every event of one report received at `t0` (ms), in time order. */
  report(t0: number): { topic: string; message: Message }[] {
    const r = this.r;
    const out: { topic: string; message: Message }[] = [];
    const reportId = randomUUID();
    const hourWib = new Date(t0 + WIB_MS).getUTCHours();
    const shift = Math.floor(hourWib / 8);
    const operator = () => `op-${String(shift * 14 + 1 + Math.floor(r.next() * 14)).padStart(2, '0')}`;
    const supervisor = `spv-${shift + 1}`;
    const dispatcher = `dsp-${String(shift * 3 + 1 + Math.floor(r.next() * 3)).padStart(2, '0')}`;
    const channel = r.weighted(CHANNEL_MIX);
    const sourceSystem = SOURCE_OF[channel];
    const category = r.weighted(CATEGORY_MIX);
    const priority = r.weighted(PRIORITY_BY_CATEGORY[category]);
    const district = r.pick(jurisdiction.districts);
    const hasCoordinates = channel !== 'HOTLINE' || r.chance(0.6);
    const latitude = hasCoordinates ? Math.round((district.latitude + (r.next() - 0.5) * 0.04) * 1e6) / 1e6 : null;
    const longitude = hasCoordinates ? Math.round((district.longitude + (r.next() - 0.5) * 0.04) * 1e6) / 1e6 : null;
    const address = `${r.pick(STREETS)} No. ${1 + Math.floor(r.next() * 200)}`;
    const named = r.chance(0.5);
    const description = r.pick(DESCRIPTIONS[category]);
    const injured = category === 'KECELAKAAN_LALU_LINTAS' || category === 'DARURAT_MEDIS' ? 1 + Math.floor(r.next() * 2) : 0;
    const trackingCode = Array.from({ length: 10 }, () => CROCKFORD[Math.floor(r.next() * 32)])
      .join('')
      .replace(/^(.{5})/, '$1-');
    const receivedAt = new Date(t0).toISOString();
    const anonymous = r.chance(0.1);
    const categoryHint = r.chance(0.6) ? category : null;

    let tv = 0;
    out.push(
      this.envelope('intake', reportId, 1, 'ReportReceived', t0, sourceSystem, {
        reportId,
        trackingCode,
        sourceSystem,
        externalId: `${sourceSystem}-${reportId.slice(0, 13)}`,
        channel,
        reporter: anonymous
          ? { name: null, phone: null, anonymous: true }
          : { name: r.pick(NAMES), phone: `+628${String(Math.floor(r.next() * 1e10)).padStart(10, '0')}`, anonymous: false },
        categoryHint,
        description,
        location: { latitude, longitude, address, district: named ? district.name : null },
        occurredAt: r.chance(0.3) ? new Date(t0 - 600_000).toISOString() : null,
        peopleInjured: injured,
        peopleInvolved: 1 + injured + Math.floor(r.next() * 3),
        receivedAt,
      }),
    );
    // Possible duplicate: an earlier report of the same category in the same district.
    const earlier = this.recent.find((x) => x.category === category && x.district === district.code);
    const duplicateCandidates =
      earlier && r.chance(0.35)
        ? [
            {
              reportId: earlier.reportId,
              reason: 'NEARBY_SAME_CATEGORY',
              distanceMeters: Math.round(r.between(30, 480)),
              minutesApart: Math.round(r.between(1, 29)),
            },
          ]
        : [];
    const lowTrust = r.chance(0.015);
    const reasons = [`category ${category} from the description`, `priority ${priority}: ${injured ? 'people injured' : 'no one injured'}`];
    if (!named) reasons.push(`district ${district.name} from the coordinates`);
    out.push(
      this.envelope('triage', reportId, ++tv, 'TriageCaseOpened', t0 + 40, 'system', {
        reportId,
        trackingCode,
        sourceSystem,
        channel,
        receivedAt,
        description,
        categoryHint,
        location: { latitude, longitude, address, reportedDistrict: named ? district.name : null },
        district: district.code,
        peopleInjured: injured,
        peopleInvolved: 1 + injured,
        callerRef: anonymous ? null : `hmac-${randomUUID().replace(/-/g, '')}`,
        suggestion: {
          category,
          priority,
          reasons,
          duplicateCandidates,
          lowTrust: lowTrust
            ? { flagged: true, prankRejections: 2, reason: "caller's reports were rejected as prank 2 times" }
            : { flagged: false, prankRejections: 0, reason: null },
        },
      }),
    );
    this.recent.unshift({ reportId, category, district: district.code });
    if (this.recent.length > 40) this.recent.pop();

    const triageTarget = TARGETS[priority].triage;
    const triage = (type: string, at: number, actor: string, data: object = {}) =>
      out.push(this.envelope('triage', reportId, ++tv, type, at, actor, { reportId, ...data }));
    // 0.5 % never taken (still waiting), overdue.
    if (r.chance(0.005)) {
      triage('TriageOverdue', t0 + triageTarget * 1000 + 500, 'system', {
        priority,
        targetSeconds: triageTarget,
        dueAt: new Date(t0 + triageTarget * 1000).toISOString(),
      });
      this.stats.decisions.NONE = (this.stats.decisions.NONE ?? 0) + 1;
      this.stats.reports++;
      return out;
    }
    const claimDelay = priority === 'P1' ? r.skewed(3, 15, 240) : r.skewed(5, 45, 1800);
    let t = t0 + claimDelay * 1000;
    if (claimDelay > triageTarget)
      triage('TriageOverdue', t0 + triageTarget * 1000 + 500, 'system', {
        priority,
        targetSeconds: triageTarget,
        dueAt: new Date(t0 + triageTarget * 1000).toISOString(),
      });
    let op = operator();
    triage('ReportClaimed', t, op, { operatorId: op, leaseExpiresAt: new Date(t + 300_000).toISOString() });
    if (r.chance(0.03)) {
      t += 300_000;
      triage('ReportReleased', t, 'system', { operatorId: op, reason: 'LEASE_EXPIRED' });
      const to = operator();
      t += r.between(5, 60) * 1000;
      triage('ReportReassigned', t, supervisor, { fromOperatorId: null, toOperatorId: to, leaseExpiresAt: new Date(t + 300_000).toISOString() });
      op = to;
    }
    if (r.chance(0.08)) {
      t += r.between(10, 90) * 1000;
      triage('ReportNoteAdded', t, op, { text: 'Pelapor dihubungi kembali, lokasi dikonfirmasi' });
    }
    let decider = op;
    if (r.chance(0.015)) {
      t += r.between(20, 120) * 1000;
      triage('ReportEscalated', t, op, { reason: 'Butuh keputusan supervisor' });
      decider = supervisor;
    }
    let finalCategory = category;
    let finalPriority = priority;
    if (r.chance(0.85)) {
      t += r.between(10, 120) * 1000;
      if (r.chance(0.1)) finalCategory = r.pick(CATEGORIES);
      if (r.chance(0.1)) finalPriority = r.pick(['P1', 'P2', 'P3'] as Priority[]);
      triage('ReportClassified', t, decider, { category: finalCategory, priority: finalPriority, district: district.code });
    }
    t += r.between(5, 90) * 1000;
    const decision =
      finalCategory === 'INFORMASI_PENGADUAN'
        ? r.weighted({ ADVICE: 80, REJECT: 15, FORWARD: 5 })
        : earlier && duplicateCandidates.length && r.chance(0.6)
          ? 'DUPLICATE'
          : lowTrust && r.chance(0.7)
            ? 'REJECT'
            : r.weighted({ FORWARD: 72, REJECT: 12, DUPLICATE: 5, ADVICE: 11 });
    this.stats.decisions[decision] = (this.stats.decisions[decision] ?? 0) + 1;
    this.stats.reports++;
    if (decision === 'ADVICE') {
      triage('ReportAdviceGiven', t, decider, { advice: 'Silakan datang ke Polsek terdekat dengan membawa KTP' });
      return out;
    }
    if (decision === 'REJECT') {
      triage('ReportRejected', t, decider, {
        reason: lowTrust ? 'PRANK' : r.weighted(REJECTIONS),
        explanation: 'Tidak dapat ditindaklanjuti',
        callerRef: null,
      });
      return out;
    }
    if (decision === 'DUPLICATE') {
      triage('ReportMarkedDuplicate', t, decider, { duplicateOf: earlier?.reportId ?? reportId });
      return out;
    }
    triage('ReportForwardedForDispatch', t, decider, {
      trackingCode,
      channel,
      receivedAt,
      category: finalCategory,
      priority: finalPriority,
      district: district.code,
      location: { latitude, longitude, address },
      description,
      peopleInjured: injured,
      peopleInvolved: 1 + injured,
    });
    if (this.timelineIds.length < 1000 && r.chance(0.02)) this.timelineIds.push(reportId);

    // Dispatch: the incident's stream and the units' streams.
    const incidentId = incidentIdFor(reportId);
    let dv = 0;
    const incident = (type: string, at: number, actor: string, data: object = {}) =>
      out.push(this.envelope('dispatch', incidentId, ++dv, type, at, actor, { incidentId, reportId, ...data }));
    const forwardedAt = t;
    t += 80;
    incident('IncidentOpened', t, 'system', {
      trackingCode,
      category: finalCategory,
      priority: finalPriority,
      district: district.code,
      location:
        latitude !== null && longitude !== null
          ? { latitude, longitude, address, approximate: false }
          : { latitude: district.latitude, longitude: district.longitude, address, approximate: true },
      description,
      peopleInjured: injured,
      receivedAt,
      forwardedAt: new Date(forwardedAt).toISOString(),
    });
    const dispatchTarget = TARGETS[finalPriority].dispatch;
    const assignDelay = finalPriority === 'P1' ? r.skewed(10, 40, 600) : r.skewed(20, 150, 3600);
    if (dispatchTarget !== null && (t - t0) / 1000 + assignDelay > dispatchTarget) {
      // The timer notices within a second of the due time (or at once, if triage forwarded it late).
      incident('DispatchOverdue', Math.max(t + 900, t0 + dispatchTarget * 1000 + 700), 'system', {
        priority: finalPriority,
        targetSeconds: dispatchTarget,
        dueAt: new Date(t0 + dispatchTarget * 1000).toISOString(),
      });
    }
    t += assignDelay * 1000;
    let unit = this.pickUnit(finalCategory, district.code, null);
    const assign = (previous: string | null) => {
      const distanceMeters = Math.round(r.between(300, 6000));
      out.push(this.unitEvent(unit, 'UnitCommitted', t, dispatcher, { unitId: unit, incidentId, reportId, committedAt: new Date(t).toISOString() }));
      incident('UnitAssigned', t + 20, dispatcher, {
        unitId: unit,
        callSign: unit,
        previousUnitId: previous,
        distanceMeters,
        etaSeconds: Math.round(distanceMeters / 8.3),
        automatic: false,
        acknowledgeBy: new Date(t + 60_000).toISOString(),
      });
    };
    assign(null);
    // 5 % decline, 2 % time out: the incident needs another unit.
    const lost = r.next();
    if (lost < 0.07) {
      t += lost < 0.05 ? r.between(10, 50) * 1000 : 60_000;
      if (lost < 0.05) incident('AssignmentDeclined', t, `unit:${unit}`, { unitId: unit, reason: 'Sedang menangani kejadian lain' });
      else incident('AssignmentTimedOut', t, 'system', { unitId: unit });
      out.push(this.unitEvent(unit, 'UnitReleased', t + 15, 'system', { unitId: unit, incidentId, reason: lost < 0.05 ? 'DECLINED' : 'TIMED_OUT' }));
      const previous = unit;
      unit = this.pickUnit(finalCategory, district.code, previous);
      t += r.between(20, 120) * 1000;
      assign(null);
    }
    t += r.between(5, 60) * 1000;
    incident('AssignmentAcknowledged', t, `unit:${unit}`, { unitId: unit });
    const cancelled = r.chance(0.03);
    if (!cancelled) {
      t += r.between(10, 60) * 1000;
      incident('UnitEnRoute', t, `unit:${unit}`, { unitId: unit });
      out.push(
        this.unitEvent(unit, 'UnitStatusChanged', t + 10, `unit:${unit}`, {
          unitId: unit,
          status: 'EN_ROUTE',
          previousStatus: 'AVAILABLE',
          position: null,
          incidentId,
          reportedAt: new Date(t).toISOString(),
        }),
      );
      t += r.skewed(120, 600, 3600) * 1000;
      incident('UnitArrived', t, `unit:${unit}`, { unitId: unit });
      out.push(
        this.unitEvent(unit, 'UnitStatusChanged', t + 10, `unit:${unit}`, {
          unitId: unit,
          status: 'ON_SCENE',
          previousStatus: 'EN_ROUTE',
          position: { latitude: latitude ?? district.latitude, longitude: longitude ?? district.longitude },
          incidentId,
          reportedAt: new Date(t).toISOString(),
        }),
      );
    }
    t += r.skewed(300, 1500, 14_400) * 1000;
    incident('IncidentResolved', t, `unit:${unit}`, {
      unitId: unit,
      outcome: cancelled ? 'CANCELLED' : r.weighted(OUTCOMES),
      summary: cancelled ? 'Dibatalkan pelapor' : 'Situasi terkendali, laporan dibuat',
    });
    out.push(this.unitEvent(unit, 'UnitReleased', t + 15, 'system', { unitId: unit, incidentId, reason: 'RESOLVED' }));
    if (r.chance(0.9)) {
      t += r.between(60, 1800) * 1000;
      incident('IncidentClosed', t, dispatcher);
    }
    return out;
  }
}

/** Produces the history with kafkajs: batches of `batch` messages over the three topics, `inFlight` at once, acks -1. */
async function produceHistory(): Promise<{ stats: HistoryStats; timelineIds: string[]; seconds: number; days: number; firstDay: string; lastDay: string }> {
  const r = rng(cfg.seed);
  const gen = new HistoryGenerator(r, randomUUID().slice(0, 8));
  const expectedPerReport = 11.3;
  const days = Math.max(1, Math.ceil(cfg.events / expectedPerReport / cfg.perDay));
  // Whole days in Asia/Jakarta, ending yesterday.
  const todayWib = Math.floor((Date.now() + WIB_MS) / 86_400_000) * 86_400_000 - WIB_MS;
  const firstDay = todayWib - days * 86_400_000;
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  left.closers.push(() => producer.disconnect());
  const inFlight = new Set<Promise<unknown>>();
  let batch = new Map<string, Message[]>();
  let batched = 0;
  let sendError: unknown;
  let warmedUp = false;
  const flush = async () => {
    if (!batched) return;
    const topicMessages = [...batch.entries()].map(([topic, messages]) => ({ topic, messages }));
    batch = new Map();
    batched = 0;
    while (inFlight.size >= cfg.inFlight) await Promise.race(inFlight);
    if (sendError) throw sendError;
    if (!warmedUp) {
      // The first batch alone: while the producer loads metadata, concurrent sends could overtake one
      // another and put a unit stream's events on its partition out of version order.
      warmedUp = true;
      await producer.sendBatch({ acks: -1, topicMessages });
      return;
    }
    const p: Promise<unknown> = producer
      .sendBatch({ acks: -1, topicMessages })
      .catch((e) => (sendError = e))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  const push = async (item: { topic: string; message: Message }) => {
    const list = batch.get(item.topic) ?? [];
    list.push(item.message);
    batch.set(item.topic, list);
    if (++batched >= cfg.batch) await flush();
  };
  const t0 = nowMs();
  let lastLog = 0;
  for (const item of gen.roster(firstDay)) await push(item);
  let day = 0;
  for (; gen.stats.events < cfg.events || day < 1; day++) {
    const dayStart = firstDay + day * 86_400_000;
    const times: number[] = [];
    const totalWeight = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
    for (let i = 0; i < cfg.perDay; i++) {
      let x = r.next() * totalWeight;
      let hour = 0;
      while (hour < 23 && (x -= HOUR_WEIGHTS[hour]) >= 0) hour++;
      times.push(dayStart + hour * 3600_000 + Math.floor(r.next() * 3600_000));
    }
    times.sort((a, b) => a - b);
    for (const at of times) for (const item of gen.report(at)) await push(item);
    if (gen.stats.events - lastLog >= 100_000) {
      lastLog = gen.stats.events;
      log(`  ${int(gen.stats.events)} events produced (${int(gen.stats.events / ((nowMs() - t0) / 1000))}/s)`);
    }
  }
  await flush();
  await Promise.all(inFlight);
  if (sendError) throw sendError;
  const seconds = (nowMs() - t0) / 1000;
  gen.stats.first = new Date(firstDay).toISOString();
  gen.stats.last = new Date(firstDay + day * 86_400_000).toISOString();
  const wibDay = (ms: number) => new Date(ms + WIB_MS).toISOString().slice(0, 10);
  return { stats: gen.stats, timelineIds: gen.timelineIds, seconds, days: day, firstDay: wibDay(firstDay), lastDay: wibDay(firstDay + (day - 1) * 86_400_000) };
}

/** Messages on each topic now (high − low over the partitions). */
async function topicSizes(): Promise<Record<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const out: Record<string, number> = {};
    for (const topic of ALL_TOPICS) {
      if (!existing.has(topic)) {
        out[topic] = 0;
        continue;
      }
      for (let attempt = 1; ; attempt++) {
        try {
          out[topic] = (await admin.fetchTopicOffsets(topic)).reduce((s, p) => s + Number(p.high) - Number(p.low), 0);
          break;
        } catch (e) {
          if (attempt >= 20) throw e;
          await sleep(500);
        }
      }
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

/** When reusing a history: the whole intake topic is read for its span, with a random sample of report ids. */
async function sampleIntake(want: number, messages: number): Promise<{ ids: string[]; firstDay: string; lastDay: string }> {
  const group = `bench-analytics-sample-${randomUUID().slice(0, 8)}`;
  left.groups.add(group);
  const consumer = kafka.consumer({ groupId: group, allowAutoTopicCreation: false });
  const ids: string[] = [];
  let seen = 0;
  let read = 0;
  let first = '';
  let last = '';
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [TOPICS.intake], fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 120_000);
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            const e = JSON.parse(m.value!.toString());
            if (e.type !== 'ReportReceived') continue;
            const at: string = e.data.receivedAt;
            if (!first || at < first) first = at;
            if (!last || at > last) last = at;
            // Reservoir sample: every report equally likely.
            if (ids.length < want) ids.push(e.streamId);
            else if (Math.random() < want / (seen + 1)) ids[Math.floor(Math.random() * want)] = e.streamId;
            seen++;
          }
          read += batch.messages.length;
          if (read >= messages) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  const wibDay = (iso: string) => new Date(Date.parse(iso) + WIB_MS).toISOString().slice(0, 10);
  return { ids, firstDay: wibDay(first), lastDay: wibDay(last) };
}

// ───────────────────────────── the service ─────────────────────────────

type Service = RunningService & { startupMs: number; listenMs: number };
const prefix = `bench_analytics_${Date.now()}`;
let startPeakRss = 0;
let analytics: Service | undefined;

/** startService with a start-up deadline of --start-timeout-s (analytics reads the history before it is ready) and the start-up's peak RSS. */
async function startAnalytics(): Promise<Service> {
  left.databases.add(`${prefix}_analytics`);
  const t0 = nowMs();
  startPeakRss = 0;
  const service = await startService(
    'analytics',
    cfg.http,
    { MONGODB_DB_PREFIX: prefix, ...cpuProfileEnv(cfg.cpuProf) },
    { readyTimeoutMs: cfg.startTimeoutS * 1000, whileStarting: (pid) => (startPeakRss = Math.max(startPeakRss, rssMiB(pid) || 0)) },
  );
  left.services.add(service);
  return (analytics = Object.assign(service, { startupMs: nowMs() - t0, listenMs: service.listenMs ?? NaN }));
}

async function stopAnalytics(s: Service): Promise<void> {
  await left.stopService(s, 30_000);
}

const profiles: { label: string; file: string }[] = [];
async function cutProfile(s: Service, label: string): Promise<void> {
  if (!cfg.cpuProf) return;
  const file = await cutCpuProfile(cfg.cpuProf, 'analytics', s.pid, 300, 500);
  if (file) profiles.push({ label, file });
  else log(`no profile written for ${label}`);
}

// ───────────────────────────── baselines ─────────────────────────────

type JavaPerf = ReturnType<typeof consumerPerformanceFigures> & { topic: string; wallMs: number };

/** Kafka's own consumer perf tool (org.apache.kafka.tools.ConsumerPerformance, Kafka 4.1) on one topic. */
async function consumerPerformance(topic: string, messages: number): Promise<JavaPerf> {
  const group = `perf-${randomUUID()}`;
  left.groups.add(group);
  const t0 = nowMs();
  const out = await kafkaTool(
    cfg.kafkaLibs,
    'ConsumerPerformance',
    ['--bootstrap-server', testInfra().brokers.join(','), '--topic', topic, '--messages', String(messages), '--group', group, '--timeout', '60000'],
    { heap: '512m', timeoutMs: 600_000, track: left.children },
  );
  return { topic, ...consumerPerformanceFigures(out), wallMs: nowMs() - t0 };
}

/** A bare kafkajs consumer of the three topics from offset 0 (own group): read + JSON.parse, nothing else. */
async function kafkajsParseLoop(total: number): Promise<{ seconds: number; firstToLastSeconds: number; read: number; joinMs: number; checksum: number }> {
  const group = `bench-analytics-parse-${randomUUID().slice(0, 8)}`;
  left.groups.add(group);
  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 15_000, heartbeatInterval: 1_000, allowAutoTopicCreation: false });
  let read = 0;
  let first = NaN;
  let last = NaN;
  let checksum = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: ALL_TOPICS, fromBeginning: true });
    const t0 = nowMs();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`kafkajs loop read only ${read}/${total} in 15 min`)), 900_000);
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (Number.isNaN(first)) first = nowMs();
          for (const m of batch.messages) {
            const e = JSON.parse(m.value!.toString('utf8'));
            checksum += e.streamVersion; // use the parsed value, so the parse is not optimised away
          }
          read += batch.messages.length;
          last = nowMs();
          if (read >= total) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return { seconds: (last - t0) / 1000, firstToLastSeconds: (last - first) / 1000, read, joinMs: first - t0, checksum };
  } finally {
    await consumer.disconnect();
  }
}

/**
 * The service's replay path without Nest: a TopicTail over the three topics from offset 0 feeding an
 * AnalyticsModel in this process (what a Generation does), timing model.apply apart; then its digest.
 */
async function inProcessFold(total: number) {
  const model = new AnalyticsModel();
  let read = 0;
  let applyMs = 0;
  let first = NaN;
  let last = NaN;
  const t0 = nowMs();
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const tail = new TopicTail({
    kafka,
    topic: ALL_TOPICS,
    since: 'earliest',
    registry: new EventRegistry([...intakeEvents, ...triageEvents, ...dispatchEvents]),
    groupPrefix: `bench-analytics-fold-${randomUUID().slice(0, 8)}`,
    handle: (events) => {
      if (Number.isNaN(first)) first = nowMs();
      const a = performance.now();
      for (const e of events) model.apply(e);
      applyMs += performance.now() - a;
      read += events.length;
      last = nowMs();
      if (read >= total) done();
    },
  });
  await tail.start();
  const timeout = setTimeout(() => done(), 900_000);
  await finished;
  clearTimeout(timeout);
  await tail.stop();
  const d0 = performance.now();
  model.digest();
  const digestMs = performance.now() - d0;
  return {
    seconds: (last - t0) / 1000,
    firstToLastSeconds: (last - first) / 1000,
    read,
    applyMs,
    digestMs,
    reports: model.facts.size,
    applied: model.eventsApplied,
    heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
  };
}

// ───────────────────────────── queries ─────────────────────────────

/** Closed loop: each of `concurrency` workers sends the next request when its answer is read; stops at `requests`, or past `maxS` seconds once `minRequests` were started. */
// ───────────────────────────── main ─────────────────────────────

async function main() {
  const infra = testInfra();
  console.log('bench/analytics: replay throughput over a generated history, then query latency on it');
  console.log(
    `command: ${['KAFKA_BROKERS', 'MONGODB_URI', 'INFRA_DATA_DIR']
      .filter((k) => process.env[k])
      .map((k) => `${k}=${process.env[k]}`)
      .join(' ')} ` + `node ${path.relative(ROOT, process.argv[1])} ${argv.join(' ')}`.trim(),
  );
  console.log(`machine: ${machine()}; ` + `Kafka ${infra.brokers.join(',')}, database ${infra.mongoUri}; load average at start ${loadavg()}`);
  const kafkaPid = pidFile('kafka');
  const dbPid = pidFile('db');
  if (!kafkaPid || !dbPid) console.log(`(no Kafka/database pid files under ${cfg.infraDataDir}/run: their CPU is counted in "other processes")`);
  if (cfg.cpuProf) mkdirSync(cfg.cpuProf, { recursive: true });

  // ── the history ──
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(
      admin,
      ALL_TOPICS.map((topic) => ({ topic })),
    );
  } finally {
    await admin.disconnect();
  }
  const before = await topicSizes();
  const preexisting = Object.values(before).reduce((a, b) => a + b, 0);
  let timelineIds: string[];
  let firstDay: string;
  let lastDay: string;
  if (cfg.reuse) {
    if (preexisting < 1000) throw new Error(`--reuse-history: the topics hold only ${preexisting} events`);
    log(`reusing the ${int(preexisting)} events on the topics; sampling report ids from ${TOPICS.intake}`);
    const s = await sampleIntake(500, before[TOPICS.intake]);
    timelineIds = s.ids;
    firstDay = s.firstDay;
    lastDay = s.lastDay;
    console.log(
      `\nhistory: reused, ${int(preexisting)} events already on the topics (${Object.entries(before)
        .map(([t, n]) => `${t} ${int(n)}`)
        .join(', ')}); reports ${firstDay} … ${lastDay} (Asia/Jakarta)`,
    );
  } else {
    if (preexisting > 0) log(`the topics already hold ${int(preexisting)} events; the replay will read them too`);
    log(`generating ≥ ${int(cfg.events)} events (${cfg.perDay} reports/day), batches of ${cfg.batch}, ${cfg.inFlight} in flight`);
    const meter = cpuMeter({ bench: process.pid, kafka: kafkaPid });
    meter.start();
    const h = await produceHistory();
    const cpu = meter.stop();
    timelineIds = h.timelineIds;
    firstDay = h.firstDay;
    lastDay = h.lastDay;
    const s = h.stats;
    console.log(
      `\nhistory: generated ${int(s.events)} events for ${int(s.reports)} reports over ${h.days} days (${h.firstDay} … ${h.lastDay}, Asia/Jakarta; ${cfg.perDay}/day, evening peak) ` +
        `and ${s.units} units, in ${f(h.seconds, 1)} s (${int(s.events / h.seconds)} events/s produced, kafkajs sendBatch × ${cfg.batch}, ${cfg.inFlight} in flight, acks -1); ` +
        `${f(s.events / s.reports, 1)} events/report; ${f(s.bytes / 2 ** 20, 0)} MiB of JSON (mean ${int(s.bytes / s.events)} B/event)`,
    );
    console.log(
      `  per topic: ${Object.entries(s.byTopic)
        .map(([t, n]) => `${t} ${int(n)}`)
        .join(', ')}`,
    );
    console.log(
      `  decisions: ${Object.entries(s.decisions)
        .map(([k, n]) => `${k} ${f((100 * n) / s.reports, 1)} %`)
        .join(', ')}`,
    );
    console.log(
      `  event types: ${Object.entries(s.byType)
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ${int(n)}`)
        .join(', ')}`,
    );
    console.log(`  ${cpuLine(cpu)}`);
    if (preexisting)
      console.log(
        `  NOTE: the topics held ${int(preexisting)} events before (${Object.entries(before)
          .map(([t, n]) => `${t} ${int(n)}`)
          .join(', ')}); every replay below reads them too`,
      );
  }
  const sizes = await topicSizes();
  const total = Object.values(sizes).reduce((a, b) => a + b, 0);
  console.log(
    `topics now: ${Object.entries(sizes)
      .map(([t, n]) => `${t} ${int(n)}`)
      .join(', ')} = ${int(total)} events`,
  );
  if (cfg.historyOnly) return;

  // ── 1a. start-up ──
  console.log(`\n=== 1. Replay: ${int(total)} events from offset 0 into every read model (goal ≥ ${int(GOAL_REPLAY_EPS)} events/s) ===`);
  log(`starting analytics on ${cfg.http} (db prefix ${prefix}); it reads ${int(total)} events before it listens`);
  const meterStart = cpuMeter({ bench: process.pid, kafka: kafkaPid, db: dbPid });
  const loadStart = loadavg();
  meterStart.start();
  let service = await startAnalytics();
  const cpuStart = meterStart.stop();
  const cpuStartAnalytics = cpuTicks(service.pid) / HZ;
  const rssReady = rssMiB(service.pid);
  const mongo = await left.mongo();
  const gens = mongo
    .db(`${prefix}_analytics`)
    .collection<{ _id: number; switchedAt: string; events: number; reports: number; digest: string; reason: string }>('analytics_generations');
  const gen1 = await gens.findOne({}, { sort: { _id: 1 } });
  const readyAt = nowMs();
  log(`analytics ready in ${f(service.startupMs / 1000, 1)} s`);
  await cutProfile(service, 'start-up (generation 1 from offset 0)');
  const rows: (string | number)[][] = [['replay', 'events', 'seconds', 'events/s', `goal ≥ ${int(GOAL_REPLAY_EPS)}/s`, 'notes']];
  const goal = (eps: number) =>
    eps >= GOAL_REPLAY_EPS ? 'met' : `MISSED by ${int(GOAL_REPLAY_EPS - eps)}/s (${f((100 * eps) / GOAL_REPLAY_EPS, 0)} % of goal)`;
  const startEps = total / (service.startupMs / 1000);
  rows.push([
    'analytics start-up: spawn → /health/ready',
    int(total),
    f(service.startupMs / 1000, 1),
    int(startEps),
    goal(startEps),
    `Nest boot + generation 1 + digest + record; analytics CPU ${f(cpuStartAnalytics, 1)} s; generation record: ${gen1 ? `${int(gen1.events)} events applied, ${int(gen1.reports)} reports` : 'not found'}`,
  ]);

  // Once ready, analytics snapshots the generation it built (the encoding holds its event loop):
  // the rebuild is timed after that, and the restart below resumes from the rebuilt generation's.
  const snapshotOf = async (generation: number) => {
    const snapshots = mongo
      .db(`${prefix}_analytics`)
      .collection<{ generation: number; complete: boolean; eventsApplied: number; chunks: number; takenAt: string }>('analytics_snapshots');
    const deadline = Date.now() + cfg.startTimeoutS * 1000;
    let snap = await snapshots.findOne({ generation, complete: true });
    while (!snap && Date.now() < deadline) {
      await sleep(250);
      snap = await snapshots.findOne({ generation, complete: true });
    }
    if (!snap) throw new Error(`no snapshot of generation ${generation} after ${cfg.startTimeoutS} s`);
    return snap;
  };
  let snapshotNote = '';
  if (gen1) {
    const snap1 = await snapshotOf(gen1._id);
    snapshotNote = `the snapshot of generation ${gen1._id} (${snap1.chunks} chunks) was whole ${f((nowMs() - readyAt) / 1000, 1)} s after ready`;
    log(snapshotNote);
  }

  // ── 1b. rebuild ──
  const adminToken = testToken('bench-admin', ['admin']);
  let rebuildInfo: { caughtUpS: number; switchedS: number; reported: any; peakRss: number; cpu: CpuReading; load: string; gen: any } | undefined;
  if (cfg.rebuild) {
    log('POST /api/v1/admin/rebuild, polling GET /api/v1/admin/rebuild every 250 ms');
    const meter = cpuMeter({ analytics: service.pid, bench: process.pid, kafka: kafkaPid, db: dbPid });
    const load = loadavg();
    meter.start();
    const t0 = nowMs();
    const post = await request(cfg.http, 'POST', '/api/v1/admin/rebuild', adminToken, undefined, 120_000);
    if (post.status !== 202) throw new Error(`rebuild refused: ${post.status} ${post.body}`);
    let caughtUpS = NaN;
    let peakRss = 0;
    let reported: any;
    const deadline = Date.now() + cfg.startTimeoutS * 1000;
    for (;;) {
      await sleep(250);
      peakRss = Math.max(peakRss, rssMiB(service.pid) || 0);
      const p = JSON.parse((await get(cfg.http, '/api/v1/admin/rebuild', adminToken)).body).rebuild;
      if (p && Number.isNaN(caughtUpS) && p.done >= p.total) caughtUpS = (nowMs() - t0) / 1000;
      if (p && p.state !== 'RUNNING') {
        reported = p;
        break;
      }
      if (Date.now() > deadline) throw new Error(`rebuild not done after ${cfg.startTimeoutS} s: ${JSON.stringify(p)}`);
    }
    const switchedS = (nowMs() - t0) / 1000;
    const cpu = meter.stop();
    if (reported.state !== 'SWITCHED') throw new Error(`rebuild ${reported.state}: ${reported.error}`);
    const gen = await gens.findOne({ _id: reported.generation });
    rebuildInfo = { caughtUpS, switchedS, reported, peakRss, cpu, load, gen };
    await cutProfile(service, 'rebuild (generation 2 from offset 0, then switch)');
    rows.push([
      'POST /admin/rebuild → read to the end (done = total)',
      int(reported.total),
      f(caughtUpS, 1),
      int(reported.total / caughtUpS),
      goal(reported.total / caughtUpS),
      'polled every 250 ms',
    ]);
    rows.push([
      'POST /admin/rebuild → state SWITCHED',
      int(reported.total),
      f(switchedS, 1),
      int(reported.total / switchedS),
      goal(reported.total / switchedS),
      `incl. stopping the old generation, digest and record; the service reports ${int(reported.eventsPerSecond)} events/s; generation ${reported.generation}: ${gen ? `${int(gen.events)} events applied, digest ${gen.digest.slice(0, 12)} (generation 1: ${gen1?.digest.slice(0, 12)})` : '?'}`,
    ]);
  }
  // ── 1c. restart from the snapshot the current generation wrote once ready ──
  let restartInfo: { startupMs: number; listenMs: number; rss: number; peakRss: number; read: number; snapshotMiB: number; chunks: number } | undefined;
  {
    const current = rebuildInfo?.reported.generation ?? gen1?._id;
    const snap = await snapshotOf(current!);
    const [{ bytes } = { bytes: 0 }] = await mongo
      .db(`${prefix}_analytics`)
      .collection('analytics_snapshot_chunks')
      .aggregate<{ bytes: number }>([{ $match: { snapshot: (snap as any)._id } }, { $group: { _id: null, bytes: { $sum: { $binarySize: '$data' } } } }])
      .toArray()
      .catch(() => [{ bytes: NaN }]);
    log(`snapshot of generation ${current} found (${int(snap.eventsApplied)} events, ${snap.chunks} chunks); restarting analytics`);
    await stopAnalytics(service);
    service = await startAnalytics();
    const gen = await gens.findOne({}, { sort: { _id: -1 } });
    restartInfo = {
      startupMs: service.startupMs,
      listenMs: service.listenMs,
      rss: rssMiB(service.pid),
      peakRss: startPeakRss,
      read: (gen as any)?.read ?? NaN,
      snapshotMiB: bytes / 2 ** 20,
      chunks: snap.chunks,
    };
    rows.push([
      'analytics restart with its snapshot: spawn → /health/ready',
      int(total),
      f(restartInfo.startupMs / 1000, 1),
      '',
      restartInfo.startupMs / 1000 <= GOAL_START_S ? `met (≤ ${GOAL_START_S} s)` : `MISSED (goal ≤ ${GOAL_START_S} s)`,
      `listening (503 warming up) after ${f(restartInfo.listenMs / 1000, 1)} s; ${(gen as any)?.reason === 'snapshot' ? `resumed from the snapshot (${snap.chunks} chunks, ${f(restartInfo.snapshotMiB, 0)} MiB compressed), read ${int(restartInfo.read)} events after its offsets` : `did NOT resume from a snapshot (${(gen as any)?.reason})`}`,
    ]);
  }
  const applied = rebuildInfo?.gen?.events ?? gen1?.events;
  const integrity =
    applied === undefined
      ? 'generation record not found'
      : applied === total
        ? `every one of the ${int(total)} events on the topics was applied (generation record)`
        : `${int(applied)} of ${int(total)} events applied; ${int(total - applied)} skipped because their stream had already reached that version (duplicates, or a stream's events out of order on its partition)`;

  // ── report of part 1 now, so a run cut short later keeps it ──
  console.log(
    `analytics: LOG_LEVEL=warn, NODE_ENV=test, fresh MONGODB_DB_PREFIX ${prefix}; start-up load average ${loadStart}; ${cpuLine(cpuStart)} (analytics itself ${f(cpuStartAnalytics, 1)} s CPU)`,
  );
  console.log(table(rows, ['l', 'r', 'r', 'r', 'l', 'l']));
  console.log(`check: ${integrity}`);
  if (snapshotNote) console.log(`snapshots: ${snapshotNote}`);
  if (rebuildInfo) console.log(`rebuild: ${cpuLine(rebuildInfo.cpu)}; load average at its start ${rebuildInfo.load}`);
  console.log(
    `analytics RSS (VmRSS): peak during start-up ${f(startPeakRss, 0)} MiB, ready ${f(rssReady, 0)} MiB` +
      (rebuildInfo ? `, peak during the rebuild (two generations) ${f(rebuildInfo.peakRss, 0)} MiB` : '') +
      (restartInfo ? `; restarted from the snapshot: peak ${f(restartInfo.peakRss, 0)} MiB, ready ${f(restartInfo.rss, 0)} MiB` : ''),
  );

  // ── 2. queries ──
  const queryRows: {
    label: string;
    concurrency: number;
    lat: Pct;
    rps: number;
    bytes: number;
    cpuMs: number;
    benchCpuMs: number;
    errors: number;
    lastError: string;
    goal: boolean;
  }[] = [];
  let cpuQueries: CpuReading | undefined;
  let loadQ = ['', ''];
  let rssAfterQueries = NaN;
  const midDay = (() => {
    const a = Date.parse(`${firstDay}T00:00:00Z`);
    const b = Date.parse(`${lastDay}T00:00:00Z`);
    return new Date(a + Math.floor((b - a) / 86_400_000 / 2) * 86_400_000).toISOString().slice(0, 10);
  })();
  const nextDay = new Date(Date.parse(`${midDay}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const oneDay = `from=${encodeURIComponent(`${midDay}T00:00:00+07:00`)}&to=${encodeURIComponent(`${nextDay}T00:00:00+07:00`)}`;
  if (cfg.queries) {
    const analyst = testToken('bench-analyst', ['analyst']);
    const queries: { label: string; paths: string[]; token?: string; goal: boolean }[] = [];
    for (const stat of ['volume', 'durations', 'load', 'staffing', 'hotspots', 'workload']) {
      queries.push({ label: `stats/${stat}`, paths: [`/api/v1/stats/${stat}`], token: analyst, goal: true });
      queries.push({
        label: `stats/${stat}?district=TEBET&category=KEJAHATAN`,
        paths: [`/api/v1/stats/${stat}?district=TEBET&category=KEJAHATAN`],
        token: analyst,
        goal: true,
      });
      queries.push({ label: `stats/${stat}?from/to one day (${midDay} WIB)`, paths: [`/api/v1/stats/${stat}?${oneDay}`], token: analyst, goal: true });
    }
    queries.push({
      label: `reports/{id}/timeline (${timelineIds.length} ${cfg.reuse ? '' : 'forwarded '}reports in turn)`,
      paths: timelineIds.map((id) => `/api/v1/reports/${id}/timeline`),
      token: analyst,
      goal: true,
    });
    queries.push({ label: 'stats/workload?format=csv', paths: ['/api/v1/stats/workload?format=csv'], token: analyst, goal: true });
    queries.push({ label: 'baseline: GET /health/live', paths: ['/health/live'], goal: false });
    const meterAll = cpuMeter({ analytics: service.pid, bench: process.pid, kafka: kafkaPid, db: dbPid });
    loadQ = [loadavg(), ''];
    meterAll.start();
    for (const concurrency of cfg.concurrency) {
      for (const q of queries) {
        log(`${q.label} at concurrency ${concurrency}: ${cfg.warmup} warm-up + ${cfg.requests}`);
        await closedLoop(cfg.http, q.paths, q.token, concurrency, cfg.warmup, {
          maxS: cfg.maxWarmupS,
          minRequests: Math.min(cfg.warmup, concurrency),
          timeoutMs: 120_000,
        });
        const meter = cpuMeter({ analytics: service.pid, bench: process.pid });
        meter.start();
        const run = await closedLoop(cfg.http, q.paths, q.token, concurrency, cfg.requests, {
          maxS: cfg.maxRowS,
          minRequests: cfg.minRequests,
          timeoutMs: 120_000,
        });
        const cpu = meter.stop();
        queryRows.push({
          label: q.label,
          concurrency,
          lat: pct(run.latencies),
          rps: run.latencies.length / run.seconds,
          bytes: run.meanBytes,
          cpuMs: (1000 * cpu.used.analytics) / Math.max(1, run.latencies.length),
          benchCpuMs: (1000 * cpu.used.bench) / Math.max(1, run.latencies.length),
          errors: run.errors,
          lastError: run.lastError,
          goal: q.goal,
        });
      }
    }
    cpuQueries = meterAll.stop();
    loadQ[1] = loadavg();
    rssAfterQueries = rssMiB(service.pid);
    await cutProfile(service, 'queries');
  }
  if (cfg.queries) {
    console.log(`\n=== 2. Queries on that history (${int(total)} events; goal p99 ≤ ${GOAL_QUERY_P99_MS} ms) ===`);
    console.log(
      `closed loop, ${cfg.warmup} warm-up (at most ${cfg.maxWarmupS} s) + ${cfg.requests} measured requests per row (fewer, but at least ${cfg.minRequests}, when a row passes ${cfg.maxRowS} s: see n), ` +
        `keep-alive HTTP/1.1, analyst token; request sent → whole body read; ms; one day = ${oneDay}`,
    );
    const qRows: (string | number)[][] = [
      [
        'query',
        'conc',
        'n',
        'p50',
        'p90',
        'p99',
        'max',
        'req/s',
        'bytes',
        'analytics cpu ms/req',
        'bench cpu ms/req',
        'errors',
        `p99 ≤ ${GOAL_QUERY_P99_MS} ms`,
      ],
    ];
    for (const r of queryRows) {
      qRows.push([
        r.label,
        r.concurrency,
        ...pctCells(r.lat),
        f(r.rps, 1),
        int(r.bytes),
        f(r.cpuMs, 2),
        f(r.benchCpuMs, 2),
        r.errors ? `${r.errors} (${r.lastError.slice(0, 60)})` : 0,
        r.goal ? (r.lat.p99 <= GOAL_QUERY_P99_MS ? 'met' : `MISSED by ${f(r.lat.p99 - GOAL_QUERY_P99_MS, 1)} ms`) : 'n/a',
      ]);
    }
    console.log(table(qRows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l']));
    const goals = queryRows.filter((r) => r.goal);
    for (const c of cfg.concurrency) {
      const rowsC = goals.filter((r) => r.concurrency === c);
      const missed = rowsC.filter((r) => r.lat.p99 > GOAL_QUERY_P99_MS);
      const worst = rowsC.reduce((a, b) => (b.lat.p99 > a.lat.p99 ? b : a));
      console.log(
        `GOAL p99 ≤ ${GOAL_QUERY_P99_MS} ms at concurrency ${c}: ${missed.length ? 'MISSED' : 'MET'} (${rowsC.length - missed.length}/${rowsC.length} rows met); ` +
          `worst ${worst.label}: p99 ${f(worst.lat.p99)} ms${worst.lat.p99 > GOAL_QUERY_P99_MS ? ` (over by ${f(worst.lat.p99 - GOAL_QUERY_P99_MS)} ms)` : ''}`,
      );
    }
    if (cpuQueries) console.log(`queries: ${cpuLine(cpuQueries)}; load average before ${loadQ[0]}, after ${loadQ[1]}`);
    console.log(`analytics RSS (VmRSS) after the queries: ${f(rssAfterQueries, 0)} MiB`);
  }
  await stopAnalytics(service);

  // ── baselines on the same topics, analytics stopped ──
  const base: { label: string; events: number; seconds: number; eps: number; notes: string }[] = [];
  let foldInfo: Awaited<ReturnType<typeof inProcessFold>> | undefined;
  const loadB = loadavg();
  if (cfg.baselines) {
    const perf: JavaPerf[] = [];
    for (const topic of ALL_TOPICS) {
      log(`ConsumerPerformance on ${topic} (${int(sizes[topic])} messages)`);
      perf.push(await consumerPerformance(topic, sizes[topic]));
    }
    const msgs = perf.reduce((s, p) => s + p.messages, 0);
    const fetchS = perf.reduce((s, p) => s + p.fetchMs, 0) / 1000;
    const withJoinS = perf.reduce((s, p) => s + p.fetchMs + p.rebalanceMs, 0) / 1000;
    const wallS = perf.reduce((s, p) => s + p.wallMs, 0) / 1000;
    base.push({
      label: 'Kafka ConsumerPerformance (Java), the 3 topics one after another: fetch time',
      events: msgs,
      seconds: fetchS,
      eps: msgs / fetchS,
      notes: perf.map((p) => `${p.topic.split('.')[1]} ${int(p.messages)} msgs ${f(p.mb, 0)} MB fetch.nMsg.sec ${int(p.fetchNMsgSec)}`).join('; '),
    });
    base.push({
      label: '  same, incl. group join (rebalance) time',
      events: msgs,
      seconds: withJoinS,
      eps: msgs / withJoinS,
      notes: `nMsg.sec ${perf.map((p) => int(p.nMsgSec)).join(' / ')}`,
    });
    base.push({ label: '  same, incl. JVM start (wall per run)', events: msgs, seconds: wallS, eps: msgs / wallS, notes: '' });
    log(`bare kafkajs loop (read + JSON.parse) over the 3 topics, ${int(total)} messages`);
    const k = await kafkajsParseLoop(total);
    base.push({
      label: 'kafkajs consumer, 3 topics, read + JSON.parse only',
      events: k.read,
      seconds: k.seconds,
      eps: k.read / k.seconds,
      notes: `incl. ${f(k.joinMs / 1000, 1)} s group join; first → last message ${f(k.firstToLastSeconds, 1)} s (${int(k.read / k.firstToLastSeconds)}/s)`,
    });
    log('TopicTail + AnalyticsModel in this process (the service path without Nest)');
    foldInfo = await inProcessFold(total);
    base.push({
      label: 'TopicTail + AnalyticsModel.apply in the bench process',
      events: foldInfo.read,
      seconds: foldInfo.seconds,
      eps: foldInfo.read / foldInfo.seconds,
      notes: `model.apply ${f(foldInfo.applyMs / 1000, 1)} s of it (${int(foldInfo.read / (foldInfo.applyMs / 1000))} events/s alone); digest ${f(foldInfo.digestMs / 1000, 1)} s; ${int(foldInfo.reports)} reports, heap ${f(foldInfo.heapMiB, 0)} MiB`,
    });
  }

  if (base.length) {
    console.log(`\nbaselines over the same ${int(total)} events, analytics stopped (load average at their start ${loadB}):`);
    const ref = rebuildInfo ? rebuildInfo.reported.total / rebuildInfo.caughtUpS : startEps;
    const refLabel = rebuildInfo ? 'rebuild read-to-end' : 'start-up';
    const bRows: (string | number)[][] = [['reader', 'events', 'seconds', 'events/s', `analytics ${refLabel} as a share`, 'notes']];
    for (const b of base) bRows.push([b.label, int(b.events), f(b.seconds, 1), int(b.eps), `${f((100 * ref) / b.eps, 1)} %`, b.notes]);
    console.log(table(bRows, ['l', 'r', 'r', 'r', 'r', 'l']));
  }
  if (cfg.cpuProf) {
    await sleep(500);
    const dir = path.resolve(cfg.cpuProf);
    const rest = readdirSync(dir).filter((n) => n.startsWith(`analytics-${service.pid}-`) && !profiles.some((p) => path.basename(p.file) === n));
    for (const n of rest) profiles.push({ label: 'until exit', file: path.join(dir, n) });
    console.log(`\n=== CPU profiles of analytics (sampled every 1 ms; written to ${dir}) ===`);
    for (const p of profiles) {
      console.log(`\n[${p.label}]`);
      for (const line of topSelfTime(p.file, 18)) console.log(line);
    }
  }
  console.log(`\nload average at the end ${loadavg()}`);
}

main()
  .then(() => left.cleanup())
  .then(() => process.exit(0))
  .catch(async (e) => {
    console.error(e);
    if (analytics) console.error(`analytics' last output (pid ${analytics.pid}):\n${analytics.output().slice(-4000)}`);
    await left.cleanup();
    process.exit(1);
  });
