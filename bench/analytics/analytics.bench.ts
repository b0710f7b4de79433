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
import * as path from 'node:path';
import type { Kafka, Message, Producer } from 'kafkajs';
import { loadJurisdiction } from '@callcenter/contracts';
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
  consumerPerformance,
  cpuLine,
  cpuMeter,
  CpuProfiles,
  cpuTicks,
  CpuReading,
  f,
  goalLine,
  header,
  HZ,
  infraPids,
  int,
  Leftovers,
  loadavg,
  logger,
  measureQueries,
  nowMs,
  options,
  Query,
  queryTable,
  readmeOptions,
  request,
  ROOT,
  rssMiB,
  run,
  sleep,
  table,
  topicSize,
} from '../harness';

import { AnalyticsModel } from '../../apps/analytics/src';
import { HistoryGenerator } from '../../tools/simulator/src';

// ───────────────────────────── options ─────────────────────────────

const ALL_TOPICS = [TOPICS.intake, TOPICS.triage, TOPICS.dispatch];

const { flag, num, has, whole, list } = options(
  readmeOptions('analytics'),
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
const cfg = {
  events: whole('events', 1_000_000),
  perDay: whole('per-day', 1000, 1),
  batch: whole('batch', 500, 1),
  inFlight: whole('in-flight', 4, 1),
  reuse: has('reuse-history'),
  historyOnly: has('history-only'),
  startTimeoutS: num('start-timeout-s', 900),
  rebuild: !has('no-rebuild'),
  baselines: !has('no-baselines'),
  queries: !has('no-queries'),
  requests: whole('requests', 300, 1),
  warmup: whole('warmup', 30),
  maxRowS: num('max-row-s', 45),
  minRequests: whole('min-requests', 50, 1),
  maxWarmupS: num('max-warmup-s', 10),
  concurrency: list('concurrency', '1,4'),
  http: whole('http', 13310),
  seed: whole('seed', 1),
  keepDb: has('keep-db'),
};

const GOAL_REPLAY_EPS = 50_000;
/** Issue 15: start to ready, from a snapshot, with 10 M events of history. */
const GOAL_START_S = 15;
const GOAL_QUERY_P99_MS = 100;

// ───────────────────────────── helpers ─────────────────────────────

const log = logger('analytics');
const profiles = new CpuProfiles(flag('cpu-prof'), 'analytics', log, 300, 500);
const get = (port: number, urlPath: string, token?: string) => request(port, 'GET', urlPath, token, undefined, 120_000);

// ───────────────────────────── clean-up ─────────────────────────────

const kafka: Kafka = createKafka({ brokers: testInfra().brokers, clientId: 'bench-analytics' });
const left = new Leftovers(() => cfg.keepDb, kafka);
left.onSignals(log, 'stopping what this bench started');

// ───────────────────────────── the history ─────────────────────────────

const jurisdiction = loadJurisdiction(path.join(ROOT, 'config/jurisdiction.json'));
const WIB_MS = 7 * 3600_000;

interface HistoryStats {
  reports: number;
  events: number;
  bytes: number;
  byTopic: Record<string, number>;
  byType: Record<string, number>;
  decisions: Record<string, number>;
  units: number;
}

/**
 * Produces the simulator's history (tools/simulator, `perDay` reports a day over whole days ending
 * yesterday, Asia/Jakarta) with kafkajs: batches of `batch` messages over the three topics, `inFlight` at once, acks -1.
 */
async function produceHistory(): Promise<{ stats: HistoryStats; timelineIds: string[]; seconds: number; days: number; firstDay: string; lastDay: string }> {
  const gen = new HistoryGenerator({ seed: cfg.seed, runId: randomUUID().slice(0, 8), districts: jurisdiction.districts, reportsPerDay: cfg.perDay });
  const stats: HistoryStats = { reports: 0, events: 0, bytes: 0, byTopic: {}, byType: {}, decisions: gen.decisions, units: 0 };
  const expectedPerReport = 11.3;
  const days = Math.max(1, Math.ceil(cfg.events / expectedPerReport / cfg.perDay));
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
  const push = async (e: EventEnvelope) => {
    const topic = TOPICS[e.producer as 'intake' | 'triage' | 'dispatch'];
    const message = toKafkaMessage(e);
    stats.events++;
    stats.bytes += (message.value as string).length;
    stats.byTopic[topic] = (stats.byTopic[topic] ?? 0) + 1;
    stats.byType[e.type] = (stats.byType[e.type] ?? 0) + 1;
    const list = batch.get(topic) ?? [];
    list.push(message);
    batch.set(topic, list);
    if (++batched >= cfg.batch) await flush();
  };
  const t0 = nowMs();
  let lastLog = 0;
  for (const e of gen.roster(firstDay)) await push(e);
  let day = 0;
  for (; stats.events < cfg.events || day < 1; day++) {
    for (const e of gen.day24h(firstDay + day * 86_400_000)) await push(e);
    if (stats.events - lastLog >= 100_000) {
      lastLog = stats.events;
      log(`  ${int(stats.events)} events produced (${int(stats.events / ((nowMs() - t0) / 1000))}/s)`);
    }
  }
  await flush();
  await Promise.all(inFlight);
  if (sendError) throw sendError;
  const seconds = (nowMs() - t0) / 1000;
  Object.assign(stats, { reports: gen.reports, units: gen.units });
  const wibDay = (ms: number) => new Date(ms + WIB_MS).toISOString().slice(0, 10);
  return { stats, timelineIds: gen.timelineIds, seconds, days: day, firstDay: wibDay(firstDay), lastDay: wibDay(firstDay + (day - 1) * 86_400_000) };
}

/** Messages on each topic now (high − low over the partitions). */
async function topicSizes(): Promise<Record<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const out: Record<string, number> = {};
    for (const topic of ALL_TOPICS) out[topic] = existing.has(topic) ? await topicSize(admin, topic) : 0;
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
    { MONGODB_DB_PREFIX: prefix, ...profiles.env },
    { readyTimeoutMs: cfg.startTimeoutS * 1000, whileStarting: (pid) => (startPeakRss = Math.max(startPeakRss, rssMiB(pid) || 0)) },
  );
  left.services.add(service);
  return (analytics = Object.assign(service, { startupMs: nowMs() - t0, listenMs: service.listenMs ?? NaN }));
}

async function stopAnalytics(s: Service): Promise<void> {
  await left.stopService(s, 30_000);
}

const cutProfile = (s: Service, label: string) => profiles.cut(s.pid, label);

// ───────────────────────────── baselines ─────────────────────────────

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

// ───────────────────────────── main ─────────────────────────────

async function main() {
  header('bench/analytics: replay throughput over a generated history, then query latency on it');
  const { kafka: kafkaPid, db: dbPid } = infraPids();

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
      `\nhistory: generated ${int(s.events)} events for ${int(s.reports)} reports over ${h.days} days (${h.firstDay} … ${h.lastDay}, Asia/Jakarta; the simulator's traffic, ${cfg.perDay}/day) ` +
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
  let queryRows: Awaited<ReturnType<typeof measureQueries>> = [];
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
    const queries: Query[] = [];
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
    queryRows = await measureQueries(
      cfg.http,
      queries,
      cfg.concurrency,
      { name: 'analytics', pid: service.pid },
      {
        warmup: cfg.warmup,
        requests: cfg.requests,
        log,
        warmupLoop: (concurrency) => ({ maxS: cfg.maxWarmupS, minRequests: Math.min(cfg.warmup, concurrency), timeoutMs: 120_000 }),
        loop: { maxS: cfg.maxRowS, minRequests: cfg.minRequests, timeoutMs: 120_000 },
      },
    );
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
    console.log(queryTable(queryRows, 'analytics', GOAL_QUERY_P99_MS));
    for (const c of cfg.concurrency)
      console.log(
        goalLine(
          `at concurrency ${c}`,
          queryRows.filter((r) => r.concurrency === c),
          GOAL_QUERY_P99_MS,
        ),
      );
    if (cpuQueries) console.log(`queries: ${cpuLine(cpuQueries)}; load average before ${loadQ[0]}, after ${loadQ[1]}`);
    console.log(`analytics RSS (VmRSS) after the queries: ${f(rssAfterQueries, 0)} MiB`);
  }
  await stopAnalytics(service);

  // ── baselines on the same topics, analytics stopped ──
  const base: { label: string; events: number; seconds: number; eps: number; notes: string }[] = [];
  let foldInfo: Awaited<ReturnType<typeof inProcessFold>> | undefined;
  const loadB = loadavg();
  if (cfg.baselines) {
    const perf: Awaited<ReturnType<typeof consumerPerformance>>[] = [];
    for (const topic of ALL_TOPICS) {
      log(`ConsumerPerformance on ${topic} (${int(sizes[topic])} messages)`);
      perf.push(
        await consumerPerformance(testInfra().brokers, topic, sizes[topic], { group: `perf-${randomUUID()}`, heap: '512m', toolTimeoutMs: 600_000, left }),
      );
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
  await profiles.print(service.pid, 18);
  console.log(`\nload average at the end ${loadavg()}`);
}

run(main, left, () => analytics);
