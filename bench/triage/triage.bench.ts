/**
 * bench/triage: how fast a submitted report shows up in the operators' queue, and how fast the queue
 * answers with 100,000 open cases. Prints figures; it is not a pass/fail test.
 *
 *   Part 1  submit → visible in GET /api/v1/queue, at a fixed open-loop rate through intake, Kafka
 *           and triage (intake and triage started as processes).        --rate 200 --seconds 30
 *   Part 2  GET /api/v1/queue and /supervisor/stats latency with N open cases seeded into triage's
 *           queue snapshot (`triage_queue`), closed loop at concurrency 1 and 8.   --open-cases 100000
 *
 * Needs Kafka and the database (bash infra/bin/infra start, see README.md for the bench ports) and a
 * build (npm run build). KAFKA_BROKERS / MONGODB_URI point at them; INFRA_DATA_DIR (optional) lets
 * the bench find the Kafka and database pids for the CPU split. `--help` lists every option.
 */
// @callcenter/events and the triage sources carry decorators that need the metadata polyfill first.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Category, loadJurisdiction, PRIORITIES } from '@callcenter/contracts';
import {
  createKafka,
  fromKafkaMessage,
  ReportClaimed,
  ReportClassified,
  ReportEscalated,
  TOPICS,
  TriageCaseOpened,
  TriageCaseOpenedV1,
} from '@callcenter/events';
import { intakeClient, intakeMetadata, RunningService, startService, testInfra, testToken } from '@callcenter/testing';
import {
  cpuLine as cpuLineOf,
  cpuMeter,
  CpuProfiles,
  f,
  goalLine,
  header,
  infraPids,
  joinedConsumer,
  Leftovers,
  loadavg,
  logger,
  measureQueries,
  nowMs,
  openLoop,
  options,
  pct,
  pctCells,
  Query,
  queryTable,
  readmeOptions,
  request,
  ROOT,
  rssMiB,
  run,
  sleep,
  table as ruledTable,
} from '../harness';

import {
  callerRefOf,
  effectivePriority,
  QUEUE_SNAPSHOT_COLLECTION,
  suggestClassification,
  TriageCase,
  TriageCaseState,
  triageCaseDecider,
} from '../../apps/triage/src';
import { CALLING_SYSTEMS, CHANNEL_MIX_OTHER, CHANNEL_MIX_URGENT, GENERIC_STREETS, Prng, STREETS, URGENT_CATEGORIES } from '../../tools/simulator/src';

// ───────────────────────────── options ─────────────────────────────

const { flag, num, has, whole, list } = options(
  readmeOptions('triage'),
  [
    'rate',
    'seconds',
    'clients',
    'poll-ms',
    'poll-back',
    'drain-s',
    'warmup-reports',
    'intake-http',
    'intake-grpc',
    'triage-http',
    'open-cases',
    'requests',
    'warmup',
    'concurrency',
    'max-row-s',
    'triage-http2',
    'cpu-prof',
    'baseline-root',
    'reuse-db',
  ],
  ['no-info-start', 'keep-db', 'trace'],
);
const wantPart1 = flag('rate') !== undefined || flag('seconds') !== undefined;
const wantPart2 = flag('open-cases') !== undefined || flag('reuse-db') !== undefined;
const RUN_PART1 = wantPart1 || !wantPart2;
const RUN_PART2 = wantPart2 || !wantPart1;

const cfg = {
  rate: num('rate', 200),
  seconds: num('seconds', 30),
  clients: whole('clients', 4, 1),
  pollMs: num('poll-ms', 10),
  pollBack: whole('poll-back', 100),
  drainS: num('drain-s', 30),
  warmupReports: whole('warmup-reports', 50),
  intakeHttp: num('intake-http', 13100),
  intakeGrpc: num('intake-grpc', 15100),
  triageHttp: num('triage-http', 13101),
  openCases: whole('open-cases', 100_000),
  requests: whole('requests', 2000, 1),
  warmup: whole('warmup', 200),
  concurrency: list('concurrency', '1,8'),
  triageHttp2: num('triage-http2', 13110),
  maxRowMs: flag('max-row-s') === undefined ? Infinity : num('max-row-s', 0) * 1000,
  infoStart: !has('no-info-start'),
  baselineRoot: flag('baseline-root'),
  reuseDb: flag('reuse-db'),
  keepDb: has('keep-db'),
  cpuProf: flag('cpu-prof'),
  trace: has('trace'),
};

/** Targets used in part 2 so that no case of the seeded 20 minutes turns overdue during the run. */
const PART2_TARGETS = 'P1=86400/180/900,P2=86400/600/1800,P3=86400/1800/3600,P4=86400/-/-';
/** Claims seeded in part 2 run this long from the seeding, so no lease lapses during the run. */
const PART2_LEASE_S = 3600;

// ───────────────────────────── helpers ─────────────────────────────

const log = logger('triage');
const profiles = new CpuProfiles(cfg.cpuProf, 'triage', log);
const get = (port: number, urlPath: string, token?: string) => request(port, 'GET', urlPath, token);
/** This bench's tables have no rule under the header, and its CPU line says "other". */
const table = (rows: (string | number)[][], align: ('l' | 'r')[] = []) => ruledTable(rows, align, false);
const cpuLine = (r: Parameters<typeof cpuLineOf>[0]) => cpuLineOf(r, 'other');

// ───────────────────────────── clean-up ─────────────────────────────

const left = new Leftovers(() => cfg.keepDb);
left.onSignals(log, 'stopping the services this bench started');

async function launch(name: string, port: number, env: Record<string, string>, root?: string): Promise<{ service: RunningService; startupMs: number }> {
  const t0 = nowMs();
  // Loading 100,000 cases takes 15–20 s on a quiet machine, minutes on a busy one.
  const service = await startService(name, port, { ...env, ...profiles.env }, { readyTimeoutMs: 600_000, root: root && path.resolve(root) });
  left.services.add(service);
  if (cfg.cpuProf) log(`${name} pid ${service.pid} writes ${name}-${service.pid}-1.cpuprofile into ${cfg.cpuProf} when it stops`);
  return { service, startupMs: nowMs() - t0 };
}

// ───────────────────────────── part 1 ─────────────────────────────

/** Non-urgent requests (checked below to be suggested P4 by triage's own rules). */
const P4_DESCRIPTIONS = [
  'Mau tanya informasi cara membuat SKCK',
  'Mau tanya informasi jam pelayanan pembuatan laporan di Polsek',
  'Pengaduan pelayanan lambat di loket Polsek',
];

interface Submitted {
  sentAt: number;
  answeredAt?: number;
  reportId?: string;
  receivedAt?: number;
  error?: string;
}

async function part1(): Promise<void> {
  for (const description of P4_DESCRIPTIONS) {
    const s = suggestClassification({ categoryHint: 'INFORMASI_PENGADUAN', description, peopleInjured: 0, peopleInvolved: 1 });
    if (s.priority !== 'P4') throw new Error(`"${description}" is suggested ${s.priority}, not P4: the poller would not find it`);
  }
  const prefix = `bench_triage_p1_${Date.now()}`;
  left.databases.add(`${prefix}_intake`).add(`${prefix}_triage`);
  const env = { MONGODB_DB_PREFIX: prefix, INTAKE_GRPC_PORT: String(cfg.intakeGrpc), NODE_ENV: 'test', LOG_LEVEL: 'warn' };
  log(`part 1: starting intake (http ${cfg.intakeHttp}, grpc ${cfg.intakeGrpc}) and triage (http ${cfg.triageHttp}), db prefix ${prefix}`);
  // allSettled: if one fails to start, the other is already registered for the clean-up when we throw.
  const started = await Promise.allSettled([launch('intake', cfg.intakeHttp, env), launch('triage', cfg.triageHttp, env)]);
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const [intake, triage] = started.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof launch>>>).value);
  log(`ready: intake ${f(intake.startupMs, 0)} ms, triage ${f(triage.startupMs, 0)} ms`);

  // Several clients, each on its own channel (a local subchannel pool: its own TCP connection).
  const clients: any[] = Array.from({ length: cfg.clients }, () => intakeClient(cfg.intakeGrpc, { 'grpc.use_local_subchannel_pool': 1 }));
  left.closers.push(() => clients.forEach((c) => c.close()));
  const metadata = intakeMetadata();
  const token = testToken('bench-operator', ['operator']);
  const runTag = randomUUID().slice(0, 8);

  // Where the time goes: a plain kafkajs consumer of both topics (own group, from the latest offsets)
  // reads the envelopes' times: intake's recordedAt, triage's occurredAt/recordedAt, and its own arrival.
  interface Trace {
    intakeRecordedAt?: number;
    intakeOnKafka?: number;
    triageOccurredAt?: number;
    triageRecordedAt?: number;
  }
  const traces = new Map<string, Trace>();
  const traceOf = (id: string) => traces.get(id) ?? (traces.set(id, {}), traces.get(id)!);
  const traceGroup = `bench-triage-trace-${runTag}`;
  const kafka = createKafka({ brokers: testInfra().brokers, clientId: 'bench-triage' });
  let consumer: Awaited<ReturnType<typeof joinedConsumer>> | undefined;
  if (cfg.trace) {
    consumer = await joinedConsumer(kafka, { groupId: traceGroup, maxWaitTimeInMs: 100 }, [TOPICS.intake, TOPICS.triage], false, {
      eachMessage: async ({ topic, message }) => {
        const at = nowMs();
        const e = fromKafkaMessage(message);
        if (topic === TOPICS.intake && e.type === 'ReportReceived') {
          const t = traceOf(e.streamId);
          t.intakeRecordedAt = Date.parse(e.recordedAt);
          t.intakeOnKafka = at;
        } else if (topic === TOPICS.triage && e.type === 'TriageCaseOpened') {
          const t = traceOf(e.streamId);
          t.triageOccurredAt = Date.parse(e.occurredAt);
          t.triageRecordedAt = Date.parse(e.recordedAt);
        }
      },
    });
    left.closers.push(() => void consumer?.disconnect().catch(() => undefined));
  }

  const submitted: Submitted[] = [];
  const schedLag: number[] = [];
  function send(i: number): void {
    const record: Submitted = { sentAt: nowMs() };
    submitted.push(record);
    const request = {
      source_system: 'mobile-app',
      external_id: `bench-triage-${runTag}-${i}`,
      channel: 'MOBILE_APP',
      reporter: { name: 'Warga Bench', phone: `+62812${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`, anonymous: false },
      category_hint: 'INFORMASI_PENGADUAN',
      description: P4_DESCRIPTIONS[i % P4_DESCRIPTIONS.length],
      location: { latitude: -6.33 + Math.random() * 0.12, longitude: 106.75 + Math.random() * 0.11, address: `Jl. Bench ${i % 500}` },
      people_injured: 0,
      people_involved: 1,
    };
    clients[i % clients.length].SubmitReport(request, metadata, { deadline: Date.now() + 30_000 }, (err: grpc.ServiceError | null, res: any) => {
      record.answeredAt = nowMs();
      if (err) record.error = grpc.status[err.code] ?? String(err.code);
      else {
        record.reportId = res.report_id;
        record.receivedAt = Number(res.received_at.seconds) * 1000 + Math.round(res.received_at.nanos / 1e6);
      }
    });
  }
  /** Open loop (the harness's), its send lags kept for the report. */
  async function load(count: number, rate: number, first: number): Promise<{ start: number; end: number }> {
    const r = await openLoop(count, rate, (i) => send(first + i));
    schedLag.push(...r.lag);
    return r;
  }

  // The poller: a window of the P4 lane just behind the last report seen.
  const seen = new Map<string, number>();
  const runStart = nowMs();
  // P4 cases already in the lane: on shared or reused infrastructure triage re-reads the last hour of
  // its topic at start, and may still be doing so once ready. Wait until the count holds still.
  const laneTotal = async () => JSON.parse((await get(cfg.triageHttp, '/api/v1/queue?priority=P4&limit=1', token)).body).total as number;
  let base = await laneTotal();
  for (let stable = 0, waited = 0; stable < 10 && waited < 300; waited++) {
    await sleep(100);
    const now = await laneTotal();
    stable = now === base ? stable + 1 : 0;
    base = now;
  }
  const baseAtStart = base;
  let ours = 0;
  const pollRtt: number[] = [];
  const pollInterval: number[] = [];
  let pollErrors = 0;
  let polling = true;
  /** Records first sightings; and, as the lane is sorted by receivedAt, where this run's reports begin in it. */
  const note = (items: { reportId: string; receivedAt: string }[], at: number, offset: number) => {
    const firstOurs = items.findIndex((item) => Date.parse(item.receivedAt) >= runStart - 1000);
    if (firstOurs !== 0 && items.length > 0) base = Math.max(base, offset + (firstOurs < 0 ? items.length : firstOurs));
    for (const item of items) {
      if (seen.has(item.reportId)) continue;
      seen.set(item.reportId, at);
      if (Date.parse(item.receivedAt) >= runStart - 1000) ours++;
    }
  };
  /**
   * Reports handled out of order land behind the window (the lane is sorted by receivedAt, and
   * triage handles several partitions at once), which also pushes the newest ones past its end.
   * When the lane holds reports of ours not seen yet, page forward from the window to the lane's
   * end, then backwards from the window to the older cases, until all are seen.
   */
  let extraPages = 0;
  async function search(windowStart: number, windowEnd: number, total: number): Promise<void> {
    const page = async (offset: number, limit: number) => {
      extraPages++;
      const r = await get(cfg.triageHttp, `/api/v1/queue?priority=P4&limit=${limit}&offset=${offset}`, token);
      if (r.status !== 200) return;
      const body = JSON.parse(r.body);
      note(body.items, r.end, offset);
      total = body.total;
    };
    for (let offset = windowEnd; offset < total && total - base - ours > 0; offset += 200) await page(offset, 200);
    for (let end = windowStart; end > base && total - base - ours > 0; end -= 200) await page(Math.max(base, end - 200), end - Math.max(base, end - 200));
  }
  const runPoller = async () => {
    let last = 0;
    while (polling) {
      const start = nowMs();
      if (last) pollInterval.push(start - last);
      last = start;
      const offset = Math.max(0, base + ours - cfg.pollBack);
      try {
        const r = await get(cfg.triageHttp, `/api/v1/queue?priority=P4&limit=200&offset=${offset}`, token);
        pollRtt.push(r.ms);
        if (r.status !== 200) pollErrors++;
        else {
          const page = JSON.parse(r.body);
          note(page.items, r.end, offset);
          if (page.total - base - ours > 0) await search(offset, offset + page.items.length, page.total);
        }
      } catch {
        pollErrors++;
      }
      const wait = cfg.pollMs - (nowMs() - start);
      if (wait > 0) await sleep(wait);
    }
  };
  let poller = runPoller();

  // Warm-up: connections, JIT, consumer groups; waited for and left out of the figures.
  if (cfg.warmupReports > 0) {
    log(`warm-up: ${cfg.warmupReports} reports`);
    await load(cfg.warmupReports, Math.min(cfg.rate, 50), 0);
    const deadline = nowMs() + 60_000;
    while (nowMs() < deadline && submitted.some((s) => !s.answeredAt || (s.reportId && !seen.has(s.reportId)))) await sleep(50);
  }
  const warm = submitted.splice(0);
  const warmSeen = warm.filter((s) => s.reportId && seen.has(s.reportId)).length;
  log(`warm-up done: ${warmSeen}/${warm.length} seen`);

  // Baseline: the same loop against GET /health/live, queue poller paused.
  polling = false;
  await poller;
  const liveRtt: number[] = [];
  for (let i = 0; i < 500; i++) {
    const start = nowMs();
    liveRtt.push((await get(cfg.triageHttp, '/health/live')).ms);
    const wait = cfg.pollMs - (nowMs() - start);
    if (wait > 0) await sleep(wait);
  }
  polling = true;
  poller = runPoller();
  await sleep(200);
  pollRtt.length = 0;
  pollInterval.length = 0;
  schedLag.length = 0;

  // The measured load.
  const count = Math.round(cfg.rate * cfg.seconds);
  const meter = cpuMeter({ bench: process.pid, intake: intake.service.pid, triage: triage.service.pid, ...infraPids() });
  const loadBefore = loadavg();
  log(`load: ${count} reports at ${cfg.rate}/s over ${cfg.clients} gRPC channels; polling every ${cfg.pollMs} ms`);
  meter.start();
  const window = await load(count, cfg.rate, warm.length);
  const cpu = meter.stop();
  const loadDuring = loadavg();
  const pollsDuringLoad = pollRtt.length;
  const pollRttLoad = pct(pollRtt);
  const pollIntervalLoad = pct(pollInterval);

  // Drain: until every accepted report is seen, or the drain budget is spent.
  const drainStart = nowMs();
  const pending = () => submitted.filter((s) => !s.answeredAt || (s.reportId && !seen.has(s.reportId))).length;
  while (pending() > 0 && nowMs() - drainStart < cfg.drainS * 1000) await sleep(50);
  const drainMs = nowMs() - drainStart;
  polling = false;
  await poller;
  if (consumer) {
    await sleep(500); // the trace consumer's last fetch
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([traceGroup]).catch(() => undefined);
    await admin.disconnect();
  }

  // A final full scan of the lane tells "not in the queue" from "in the queue but the poller missed it".
  const accepted = submitted.filter((s) => s.reportId);
  const missing = accepted.filter((s) => !seen.has(s.reportId!));
  let inQueueButMissed = 0;
  if (missing.length) {
    const all = new Set<string>();
    const total = JSON.parse((await get(cfg.triageHttp, '/api/v1/queue?priority=P4&limit=1', token)).body).total;
    for (let offset = 0; offset < total; offset += 200) {
      const page = JSON.parse((await get(cfg.triageHttp, `/api/v1/queue?priority=P4&limit=200&offset=${offset}`, token)).body);
      for (const i of page.items) all.add(i.reportId);
    }
    inQueueButMissed = missing.filter((s) => all.has(s.reportId!)).length;
  }
  const errors: Record<string, number> = {};
  for (const s of submitted) if (s.error) errors[s.error] = (errors[s.error] ?? 0) + 1;
  const unanswered = submitted.filter((s) => !s.answeredAt).length;

  const visible = accepted.filter((s) => seen.has(s.reportId!));
  const sentToSeen = pct(visible.map((s) => seen.get(s.reportId!)! - s.sentAt));
  const receivedToSeen = pct(visible.map((s) => seen.get(s.reportId!)! - s.receivedAt!));
  const grpcLatency = pct(accepted.map((s) => s.answeredAt! - s.sentAt));
  const live = pct(liveRtt);
  const lag = pct(schedLag);
  const sendSpan = (submitted[submitted.length - 1].sentAt - submitted[0].sentAt) / 1000;
  const achieved = (submitted.length - 1) / sendSpan;

  console.log(`\n=== Part 1 — submit → visible in GET /api/v1/queue (open loop, ${cfg.rate}/s for ${cfg.seconds} s, ${cfg.clients} gRPC channels) ===`);
  console.log(
    `intake ready in ${f(intake.startupMs, 0)} ms, triage in ${f(triage.startupMs, 0)} ms (NODE_ENV=test LOG_LEVEL=warn, db prefix ${prefix}); warm-up ${warm.length} reports, ${warmSeen} seen, not counted`,
  );
  console.log(
    `reports: category_hint INFORMASI_PENGADUAN, no one injured, ${P4_DESCRIPTIONS.length} descriptions (all suggested P4), random points in lat -6.33..-6.21 / lon 106.75..106.86, random phones`,
  );
  console.log(
    `sent ${submitted.length} in ${f(sendSpan, 2)} s = ${f(achieved, 1)}/s achieved (schedule lag p50 ${f(lag.p50, 2)} / p99 ${f(lag.p99, 2)} / max ${f(lag.max, 1)} ms); ` +
      `accepted ${accepted.length}, errors ${JSON.stringify(errors)}, unanswered ${unanswered}`,
  );
  console.log(
    `the P4 lane held ${baseAtStart} older cases before the run (${base} at the end; re-read from the triage topic's last hour on reused infrastructure); only this run's reports are counted`,
  );
  console.log('');
  console.log(
    table(
      [
        ['latency (ms)', 'n', 'p50', 'p90', 'p99', 'max'],
        ['submit sent → first seen in GET /queue', ...pctCells(sentToSeen)],
        ['intake receivedAt → first seen in GET /queue', ...pctCells(receivedToSeen)],
        ['gRPC SubmitReport (sent → answer), side figure', ...pctCells(grpcLatency)],
        ['queue poll round trip, during the load', ...pctCells(pollRttLoad)],
        ['queue poll interval achieved (start → start)', ...pctCells(pollIntervalLoad)],
        ['baseline: GET /health/live round trip, idle, same loop', ...pctCells(live)],
      ],
      ['l'],
    ),
  );
  // Over time: a latency that climbs from bucket to bucket is a backlog (throughput below the rate).
  const bucketS = Math.max(1, Math.round(cfg.seconds / 6));
  const buckets: (string | number)[][] = [['sent during (s)', 'n', 'p50', 'p90', 'p99', 'max']];
  for (let from = 0; from < cfg.seconds; from += bucketS) {
    const inBucket = visible.filter((s) => s.sentAt - window.start >= from * 1000 && s.sentAt - window.start < (from + bucketS) * 1000);
    buckets.push([`${from}–${Math.min(cfg.seconds, from + bucketS)}`, ...pctCells(pct(inBucket.map((s) => seen.get(s.reportId!)! - s.sentAt)))]);
  }
  console.log('\nsubmit sent → first seen, by when the report was sent:');
  console.log(table(buckets, ['l']));
  if (cfg.trace) {
    const traced = visible.map((s) => ({ s, t: traces.get(s.reportId!) })).filter(({ t }) => t?.intakeRecordedAt && t.triageRecordedAt && t.intakeOnKafka);
    const step = (fn: (s: Submitted, t: Trace) => number) => pctCells(pct(traced.map(({ s, t }) => fn(s, t!))));
    console.log(`\nwhere the time goes (${traced.length} reports traced from the envelopes on Kafka; ms; one clock, one machine):`);
    console.log(
      table(
        [
          ['step', 'n', 'p50', 'p90', 'p99', 'max'],
          ['1 submit sent → intake receivedAt (gRPC in, validation)', ...step((s) => s.receivedAt! - s.sentAt)],
          ['2 intake receivedAt → ReportReceived recorded (append)', ...step((s, t) => t.intakeRecordedAt! - s.receivedAt!)],
          ['3 ReportReceived recorded → at a plain kafkajs consumer (relay + Kafka)', ...step((s, t) => t.intakeOnKafka! - t.intakeRecordedAt!)],
          ['4 ReportReceived recorded → triage about to append TriageCaseOpened', ...step((s, t) => t.triageOccurredAt! - t.intakeRecordedAt!)],
          ['5 triage append (occurredAt → recordedAt); queue updated right after', ...step((s, t) => t.triageRecordedAt! - t.triageOccurredAt!)],
          ['6 TriageCaseOpened recorded → seen by the poller', ...step((s, t) => seen.get(s.reportId!)! - t.triageRecordedAt!)],
        ],
        ['l'],
      ),
    );
    console.log('step 4 minus step 3 ≈ what triage adds before its append: its consumer fetch cycle, batching, reporter insert and prank lookup');
  }
  console.log('');
  console.log(
    `"seen" is when the poll response that first held the report had been read: it includes up to one poll interval plus one poll round trip (see the two poll rows)`,
  );
  console.log(
    `polls during the load: ${pollsDuringLoad} (${f(pollsDuringLoad / ((window.end - window.start) / 1000), 0)}/s), failed polls ${pollErrors}, extra pages around the window (out-of-order arrivals) ${extraPages}`,
  );
  console.log(
    `never seen after a drain of ${f(drainMs / 1000, 1)} s (budget ${cfg.drainS} s): ${missing.length}` +
      (missing.length ? ` (of which listed by a full scan of the lane right after the drain, i.e. late rather than lost: ${inQueueButMissed})` : ''),
  );
  const goal = 250;
  console.log(
    `GOAL p99 ≤ ${goal} ms (submit sent → visible): ${sentToSeen.p99 <= goal ? 'MET' : 'MISSED'} — p99 ${f(sentToSeen.p99)} ms` +
      (sentToSeen.p99 > goal
        ? `, over by ${f(sentToSeen.p99 - goal)} ms (${f((100 * (sentToSeen.p99 - goal)) / goal, 0)} %)`
        : `, ${f(goal - sentToSeen.p99)} ms to spare`),
  );
  console.log(
    'floor for comparison: Kafka alone (kafkajs send → kafkajs consumer) p50 ~20–26 / p99 ~52–66 ms on this machine (docs/performance.md, backbone bench); the poll round trip above',
  );
  console.log(cpuLine(cpu));
  console.log(`load average (1/5/15 min): before the load ${loadBefore}, at its end ${loadDuring}`);

  await Promise.all([left.stopService(intake.service), left.stopService(triage.service)]);
  clients.forEach((c) => c.close());
}

// ───────────────────────────── part 2: seeding ─────────────────────────────

interface Template {
  hint: Category;
  description: string;
  injured: number;
  weight: number;
}
/** Reports as they come in; the suggestion is what triage's own rules make of each (checked at seeding). */
const TEMPLATES: Template[] = [
  // suggested P1
  { hint: 'KEJAHATAN', description: 'Perampokan di toko emas, pelaku membawa senjata tajam', injured: 1, weight: 1.5 },
  { hint: 'KECELAKAAN_LALU_LINTAS', description: 'Kecelakaan motor dan mobil di simpang, satu orang terluka', injured: 1, weight: 2 },
  { hint: 'KEBAKARAN', description: 'Kebakaran rumah di gang sempit, asap tebal', injured: 0, weight: 1 },
  { hint: 'KEBAKARAN', description: 'Ada asap dari gudang kosong', injured: 0, weight: 0.5 },
  { hint: 'DARURAT_MEDIS', description: 'Ada orang pingsan di trotoar tidak sadarkan diri', injured: 1, weight: 1.5 },
  { hint: 'DARURAT_MEDIS', description: 'Bapak saya sesak napas, butuh ambulans', injured: 1, weight: 1 },
  { hint: 'ORANG_HILANG', description: 'Anak saya hilang sejak sore di pasar', injured: 0, weight: 0.5 },
  // suggested P2
  { hint: 'KECELAKAAN_LALU_LINTAS', description: 'Tabrakan ringan dua mobil di jalan raya, lalu lintas macet', injured: 0, weight: 7 },
  { hint: 'GANGGUAN_KETERTIBAN', description: 'Tawuran pelajar di depan sekolah', injured: 0, weight: 3 },
  { hint: 'BENCANA', description: 'Pohon tumbang menutup jalan', injured: 0, weight: 4 },
  { hint: 'BENCANA', description: 'Banjir setinggi lutut masuk ke rumah warga', injured: 0, weight: 4 },
  { hint: 'ORANG_HILANG', description: 'Nenek saya pergi dari rumah dan belum pulang sejak kemarin', injured: 0, weight: 4 },
  // suggested P3
  { hint: 'KEJAHATAN', description: 'Ada pencurian motor di parkiran minimarket, pelaku kabur ke arah pasar', injured: 0, weight: 8 },
  { hint: 'KEJAHATAN', description: 'Dompet saya hilang dicopet di angkot tadi siang', injured: 0, weight: 7 },
  { hint: 'KEJAHATAN', description: 'Penipuan jual beli online, uang sudah ditransfer barang tidak dikirim', injured: 0, weight: 6 },
  { hint: 'GANGGUAN_KETERTIBAN', description: 'Tetangga berisik memutar musik keras sampai larut malam', injured: 0, weight: 6 },
  { hint: 'GANGGUAN_KETERTIBAN', description: 'Orang mabuk membuat keributan di warung', injured: 0, weight: 4 },
  { hint: 'LAINNYA', description: 'Lampu jalan mati di gang, gelap sekali', injured: 0, weight: 4 },
  { hint: 'LAINNYA', description: 'Ada kucing terjebak di atas pohon', injured: 0, weight: 2 },
  { hint: 'LAINNYA', description: 'Parkir liar menghalangi pintu rumah', injured: 0, weight: 3 },
  // suggested P4
  { hint: 'INFORMASI_PENGADUAN', description: 'Mau tanya informasi cara membuat SKCK', injured: 0, weight: 12 },
  { hint: 'INFORMASI_PENGADUAN', description: 'Mau tanya informasi jam pelayanan pembuatan laporan di Polsek', injured: 0, weight: 10 },
  { hint: 'INFORMASI_PENGADUAN', description: 'Pengaduan pelayanan lambat di loket Polsek', injured: 0, weight: 8 },
];
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * N open cases as the projector stores them: the state `triageCaseDecider.evolve` makes of
 * TriageCaseOpened (and, for some, of ReportClaimed, ReportClassified, ReportEscalated after it),
 * with `_id` = reportId and `_version` = the number of events folded. In arrival order.
 */
function* seedCases(n: number, now: number) {
  const jurisdiction = loadJurisdiction(path.join(ROOT, 'config/jurisdiction.json'));
  const rand = new Prng(1).fork('open cases');
  const templateWeights = Object.fromEntries(TEMPLATES.map((t, i) => [i, t.weight]));
  const suggestions = new Map(
    TEMPLATES.map((t) => [
      t,
      suggestClassification({ categoryHint: t.hint, description: t.description, peopleInjured: t.injured, peopleInvolved: 1 + t.injured }),
    ]),
  );
  const leaseExpiresAt = new Date(now + PART2_LEASE_S * 1000).toISOString();
  const span = 20 * 60_000;
  const lastByCategory = new Map<Category, { reportId: string; receivedAt: number; callerRef: string | null }>();
  const pick = <T>(xs: readonly T[]) => rand.pick(xs);
  for (let i = 0; i < n; i++) {
    const t = TEMPLATES[Number(rand.weighted(templateWeights))];
    const suggestion = suggestions.get(t)!;
    const ch = rand.weighted(URGENT_CATEGORIES.includes(t.hint) ? CHANNEL_MIX_URGENT : CHANNEL_MIX_OTHER);
    const sourceSystem = CALLING_SYSTEMS[ch].sourceSystem;
    const district = pick(jurisdiction.districts);
    const receivedAt = now - span + ((i + rand.next()) * (span - 1000)) / n;
    const reportId = randomUUID();
    const phone = rand.next() < 0.04 ? null : `+628${String(Math.floor(rand.next() * 1e10)).padStart(10, '0')}`;
    const callerRef = callerRefOf(phone, 'local-development-caller-ref-key');
    const named = rand.next() < 0.5;
    const reasons = [...suggestion.reasons];
    if (!named) reasons.push(`district ${district.name} from the coordinates`);
    // ~5 % flagged: possible duplicates (3.5 %) or a low-trust caller (1.6 %).
    const previous = lastByCategory.get(suggestion.category);
    const duplicateCandidates: TriageCaseOpenedV1['suggestion']['duplicateCandidates'] = [];
    if (previous && rand.next() < 0.035) {
      duplicateCandidates.push({
        reportId: previous.reportId,
        reason: 'NEARBY_SAME_CATEGORY',
        distanceMeters: Math.round(40 + rand.next() * 450),
        minutesApart: Math.round((receivedAt - previous.receivedAt) / 60_000),
      });
    }
    const lowTrust =
      rand.next() < 0.016
        ? { flagged: true, prankRejections: 2 + Math.floor(rand.next() * 3), reason: '' as string | null }
        : { flagged: false, prankRejections: 0, reason: null as string | null };
    if (lowTrust.flagged) {
      lowTrust.reason = `caller's reports were rejected as prank ${lowTrust.prankRejections} times`;
      reasons.push(lowTrust.reason);
    }
    const data: TriageCaseOpenedV1 = {
      reportId,
      trackingCode: Array.from({ length: 10 }, () => pick([...CROCKFORD]))
        .join('')
        .replace(/^(.{5})/, '$1-'),
      sourceSystem,
      channel: ch,
      receivedAt: new Date(receivedAt).toISOString(),
      description: t.description,
      categoryHint: rand.next() < 0.7 ? t.hint : null,
      location: {
        latitude: Math.round((district.latitude + (rand.next() - 0.5) * 0.02) * 1e6) / 1e6,
        longitude: Math.round((district.longitude + (rand.next() - 0.5) * 0.02) * 1e6) / 1e6,
        address: `${pick(STREETS[district.code] ?? GENERIC_STREETS)} No. ${1 + Math.floor(rand.next() * 200)}`,
        reportedDistrict: named ? district.name : null,
      },
      district: district.code,
      peopleInjured: t.injured,
      peopleInvolved: 1 + t.injured,
      callerRef,
      suggestion: { category: suggestion.category, priority: suggestion.priority, reasons, duplicateCandidates, lowTrust },
    };
    lastByCategory.set(suggestion.category, { reportId, receivedAt, callerRef });
    let state: TriageCaseState = triageCaseDecider.evolve(triageCaseDecider.initialState(), TriageCaseOpened(data));
    let version = 1;
    const r = rand.next();
    if (r < 0.11) {
      // 11 %: claimed by one of 40 operators; a third of those also classified; 1 % escalated.
      const operatorId = `op-${String(1 + Math.floor(rand.next() * 40)).padStart(2, '0')}`;
      state = triageCaseDecider.evolve(state, ReportClaimed({ reportId, operatorId, leaseExpiresAt }));
      version++;
      if (r < 0.01) {
        state = triageCaseDecider.evolve(state, ReportEscalated({ reportId, reason: 'Butuh keputusan supervisor' }));
        version++;
      } else if (r < 0.043) {
        const moved = PRIORITIES[Math.max(0, Math.min(3, PRIORITIES.indexOf(suggestion.priority) + pick([-1, 0, 0, 1])))];
        state = triageCaseDecider.evolve(state, ReportClassified({ reportId, category: suggestion.category, priority: moved, district: district.code }));
        version++;
      }
    }
    yield { ...(state as TriageCase), _id: reportId, _version: version };
  }
}

// ───────────────────────────── part 2 ─────────────────────────────

/** One triage build measured on the seeded cases: start-up, RSS, and every query at every concurrency. */
interface Measured {
  build: string;
  startupMs: number;
  infoStartupMs: number;
  infoLine: string;
  rssLoaded: number;
  rssAfter: number;
  stats: { open: number; depthByPriority: unknown; byStatus: unknown; overdue: number };
  results: Awaited<ReturnType<typeof measureQueries>>;
  cpuAll: ReturnType<ReturnType<typeof cpuMeter>['stop']>;
  loadBefore: string;
  loadAfter: string;
}

/** Every filter operators use, alone and combined, a deep page, the statistics, and the bare-HTTP floor. */
function part2Queries(operator: string, supervisor: string): Query[] {
  const list = (label: string, query: string) => ({ label: `queue ${label}`, paths: [`/api/v1/queue${query}`], token: operator, goal: true });
  return [
    list('no filter (limit 50)', ''),
    list('?priority=P2', '?priority=P2'),
    list('?status=ESCALATED', '?status=ESCALATED'),
    list('?category=KEBAKARAN', '?category=KEBAKARAN'),
    list('?district=TEBET', '?district=TEBET'),
    list('?channel=WHATSAPP', '?channel=WHATSAPP'),
    list('?flagged=true', '?flagged=true'),
    list('?overdue=false', '?overdue=false'),
    list('?claimedBy=op-07', '?claimedBy=op-07'),
    list('?category=KEJAHATAN&district=TEBET', '?category=KEJAHATAN&district=TEBET'),
    list('?status=QUEUED&channel=HOTLINE&limit=200', '?status=QUEUED&channel=HOTLINE&limit=200'),
    list('?priority=P3&flagged=false&overdue=false', '?priority=P3&flagged=false&overdue=false'),
    list('?offset=50000&limit=50', '?offset=50000&limit=50'),
    list('?district=TEBET&offset=5000', '?district=TEBET&offset=5000'),
    { label: 'supervisor/stats', paths: ['/api/v1/supervisor/stats'], token: supervisor, goal: true },
    { label: 'baseline: /health/live', paths: ['/health/live'], goal: false },
  ];
}

async function measureTriage(build: string, prefix: string, root?: string): Promise<Measured> {
  const env = {
    MONGODB_DB_PREFIX: prefix,
    NODE_ENV: 'test',
    PRIORITY_TARGETS: PART2_TARGETS,
  };
  let infoLine = '(not run: --no-info-start)';
  let infoStartupMs = NaN;
  if (cfg.infoStart) {
    log(`${build}: first start at LOG_LEVEL=info, to read the "queue loaded" line`);
    const first = await launch('triage', cfg.triageHttp2, { ...env, LOG_LEVEL: 'info' }, root);
    infoStartupMs = first.startupMs;
    const line = first.service
      .output()
      .split('\n')
      .find((l) => l.includes('queue loaded'));
    infoLine = line ? (JSON.parse(line).msg as string) : '(not found in the output)';
    await left.stopService(first.service);
  }
  log(`${build}: start at LOG_LEVEL=warn for the measurement`);
  const { service: triage, startupMs } = await launch('triage', cfg.triageHttp2, { ...env, LOG_LEVEL: 'warn' }, root);
  const rssLoaded = rssMiB(triage.pid);

  const operator = testToken('bench-operator', ['operator']);
  const supervisor = testToken('bench-supervisor', ['supervisor']);
  const stats = JSON.parse((await get(cfg.triageHttp2, '/api/v1/supervisor/stats', supervisor)).body);

  const meterAll = cpuMeter({ bench: process.pid, triage: triage.pid, ...infraPids() });
  const loadBefore = loadavg();
  meterAll.start();
  const loop = { maxS: cfg.maxRowMs / 1000, minRequests: 0 };
  const results = await measureQueries(
    cfg.triageHttp2,
    part2Queries(operator, supervisor),
    cfg.concurrency,
    { name: 'triage', pid: triage.pid },
    {
      warmup: cfg.warmup,
      requests: cfg.requests,
      log: (msg) => log(`${build}: ${msg}`),
      warmupLoop: () => loop,
      loop,
    },
  );
  const cpuAll = meterAll.stop();
  const loadAfter = loadavg();
  const rssAfter = rssMiB(triage.pid);
  await left.stopService(triage);
  return { build, startupMs, infoStartupMs, infoLine, rssLoaded, rssAfter, stats, results, cpuAll, loadBefore, loadAfter };
}

async function part2(): Promise<void> {
  const prefix = cfg.reuseDb ?? `bench_triage_p2_${Date.now()}`;
  const dbName = `${prefix}_triage`;
  if (!cfg.reuseDb) left.databases.add(dbName);
  const mongo = await left.mongo();
  const collection = mongo.db(dbName).collection(QUEUE_SNAPSHOT_COLLECTION);

  const seedStart = nowMs();
  const now = Date.now();
  const mix = {
    priority: {} as Record<string, number>,
    category: {} as Record<string, number>,
    channel: {} as Record<string, number>,
    district: {} as Record<string, number>,
    status: {} as Record<string, number>,
    flagged: 0,
    classified: 0,
    bytes: 0,
  };
  let inserted = 0;
  if (cfg.reuseDb) {
    inserted = await collection.countDocuments();
    log(`part 2: measuring on the ${inserted} cases already in ${dbName}.${QUEUE_SNAPSHOT_COLLECTION} (--reuse-db)`);
  } else {
    log(`part 2: seeding ${cfg.openCases} open cases into ${dbName}.${QUEUE_SNAPSHOT_COLLECTION}`);
    let batch: Record<string, unknown>[] = [];
    const inc = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
    for (const doc of seedCases(cfg.openCases, now)) {
      const c = doc as unknown as TriageCase;
      inc(mix.priority, effectivePriority(c));
      inc(mix.category, c.classification?.category ?? c.report.suggestion.category);
      inc(mix.channel, c.report.channel);
      inc(mix.district, c.report.district ?? '-');
      inc(mix.status, c.status);
      if (c.report.suggestion.lowTrust.flagged || c.report.suggestion.duplicateCandidates.length) mix.flagged++;
      if (c.classification) mix.classified++;
      if (inserted + batch.length < 200) mix.bytes += JSON.stringify(doc).length;
      batch.push(doc);
      if (batch.length === 1000) {
        inserted += (await collection.insertMany(batch as any[], { ordered: false })).insertedCount;
        batch = [];
        if (inserted % 20_000 === 0) log(`  ${inserted} inserted`);
      }
    }
    if (batch.length) inserted += (await collection.insertMany(batch as any[], { ordered: false })).insertedCount;
  }
  const seedSeconds = (nowMs() - seedStart) / 1000;
  const share = (m: Record<string, number>) =>
    Object.entries(m)
      .sort()
      .map(([k, v]) => `${k} ${f((100 * v) / cfg.openCases, 1)}%`)
      .join(', ');

  const measured = [await measureTriage('this build', prefix)];
  if (cfg.baselineRoot) measured.push(await measureTriage(`baseline ${cfg.baselineRoot}`, prefix, cfg.baselineRoot));

  const goal = 50;
  console.log(`\n=== Part 2 — queue listing latency with ${inserted.toLocaleString('en')} open cases ===`);
  if (cfg.reuseDb) {
    console.log(`reused ${inserted} documents of ${dbName}.${QUEUE_SNAPSHOT_COLLECTION}, seeded by an earlier run (--reuse-db)`);
  } else {
    console.log(
      `seeded ${inserted} documents into ${dbName}.${QUEUE_SNAPSHOT_COLLECTION} in ${f(seedSeconds, 1)} s (${f(inserted / seedSeconds, 0)} docs/s, insertMany × 1,000, ~${f(mix.bytes / 200, 0)} B of JSON each): ` +
        `triageCaseDecider.evolve(initialState, TriageCaseOpened) [+ ReportClaimed / ReportClassified / ReportEscalated], _id = reportId, _version = events folded`,
    );
    console.log(`  priority (effective): ${share(mix.priority)}`);
    console.log(`  category: ${share(mix.category)}`);
    console.log(`  channel: ${share(mix.channel)}`);
    console.log(`  district: ${share(mix.district)}`);
    console.log(
      `  status: ${share(mix.status)}; classified ${f((100 * mix.classified) / cfg.openCases, 1)}%; flagged (low trust or duplicates) ${f((100 * mix.flagged) / cfg.openCases, 1)}%; receivedAt spread over the last 20 min`,
    );
  }
  console.log(
    `NOTE: triage ran with PRIORITY_TARGETS=${PART2_TARGETS} (and seeded claims lease until +${PART2_LEASE_S} s) so that no timer appends TriageOverdue or ReportReleased: this measures listing, not timers`,
  );
  for (const m of measured) {
    console.log(`\n--- ${m.build} ---`);
    console.log(
      `triage start-up until /health/ready (snapshot load included): ${f(m.startupMs, 0)} ms at LOG_LEVEL=warn` +
        (cfg.infoStart ? `; ${f(m.infoStartupMs, 0)} ms on a first start at LOG_LEVEL=info, whose log said: "${m.infoLine}"` : ''),
    );
    console.log(`triage RSS (VmRSS): ${f(m.rssLoaded, 0)} MiB after loading, ${f(m.rssAfter, 0)} MiB after the measurements`);
    console.log(
      `supervisor/stats after start: open ${m.stats.open} (seeded ${inserted}${m.stats.open !== inserted ? `; ${m.stats.open - inserted} more: re-read from the triage topic's last hour — run on fresh infrastructure for exact figures` : ''}), ` +
        `depth ${JSON.stringify(m.stats.depthByPriority)}, byStatus ${JSON.stringify(m.stats.byStatus)}, overdue ${m.stats.overdue}`,
    );
    console.log(
      `closed loop, ${cfg.warmup} warm-up + ${cfg.requests} measured requests per row${Number.isFinite(cfg.maxRowMs) ? ` (or ${cfg.maxRowMs / 1000} s, whichever first: see n)` : ''}, ` +
        `keep-alive HTTP/1.1; latency = request sent → whole body read; times in ms; cpu ms/req = process CPU time over the row / requests; other cpu s = CPU seconds of everything else on the machine during the row (noise)\n`,
    );
    const total = (r: (typeof m.results)[number]) => {
      try {
        const body = JSON.parse(r.lastBody || 'null');
        return typeof body?.total === 'number' ? body.total : typeof body?.open === 'number' ? `open ${body.open}` : '–';
      } catch {
        return '–';
      }
    };
    console.log(queryTable(m.results, 'triage', goal, { total, other: true, bytes: (r) => Buffer.byteLength(r.lastBody) }));
    console.log(`\n${goalLine('list and stats', m.results, goal)}`);
    console.log(cpuLine(m.cpuAll));
    console.log(`load average (1/5/15 min): before the measurements ${m.loadBefore}, after ${m.loadAfter}`);
  }
  if (measured.length === 2) {
    const [current, base] = measured;
    console.log(`\n--- side by side: p99 ms (triage cpu ms/req), this build vs ${base.build} ---\n`);
    const rows: (string | number)[][] = [['query', 'conc', 'this build p99', 'baseline p99', 'this build cpu ms/req', 'baseline cpu ms/req']];
    for (const r of current.results) {
      const b = base.results.find((x) => x.label === r.label && x.concurrency === r.concurrency);
      rows.push([r.label, r.concurrency, f(r.lat.p99), b ? f(b.lat.p99) : '–', f(r.serverCpuMs, 2), b ? f(b.serverCpuMs, 2) : '–']);
    }
    rows.push(['RSS after loading (MiB)', '', f(current.rssLoaded, 0), f(base.rssLoaded, 0), '', '']);
    rows.push(['RSS after the measurements (MiB)', '', f(current.rssAfter, 0), f(base.rssAfter, 0), '', '']);
    rows.push(['start-up until ready (ms)', '', f(current.startupMs, 0), f(base.startupMs, 0), '', '']);
    console.log(table(rows, ['l', 'r', 'r', 'r', 'r', 'r']));
  }
}

// ───────────────────────────── main ─────────────────────────────

async function main() {
  header(`bench/triage: ${[RUN_PART2 && 'part 2', RUN_PART1 && 'part 1'].filter(Boolean).join(', then ')}`, 'other');
  if (RUN_PART2) await part2();
  if (RUN_PART1) await part1();
}

run(main, left);
