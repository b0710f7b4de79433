/**
 * bench/dispatch: how fast dispatch recommends units with 2,000 units and 500 open incidents, and how
 * long a forwarded report takes to become an open incident. Prints figures; not a pass/fail test.
 *
 *   Part 1  recommendation latency: 2,000 units registered through the REST API, 500 incidents opened
 *           by forwards on the triage topic; then recommendUnits in process, and GET /incidents/{id}
 *           (recommendations + timeline) closed loop at concurrency 1 and 8.   --units 2000 --incidents 500
 *   Part 2  forward → IncidentOpened on the dispatch topic (kafkajs consumer) and → found by
 *           GET /incidents?reportId= (poller), open loop, beside Kafka alone.    --rate 50 --seconds 20
 *
 * Needs Kafka and the database (bash infra/bin/infra start; see README.md for the bench ports) and a
 * build (npm run build). KAFKA_BROKERS / MONGODB_URI point at them. `--help` lists every option.
 */
// @callcenter/events and the dispatch sources carry decorators that need the metadata polyfill first.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { GeoPoint, incidentIdFor, loadJurisdiction, Priority, UnitStatus, UnitType } from '@callcenter/contracts';
import {
  createKafka,
  ensureTopics,
  EventEnvelope,
  fromKafkaMessage,
  IncidentOpened,
  ReportForwardedForDispatch,
  ReportForwardedForDispatchV1,
  toKafkaMessage,
  TOPICS,
  UnitRegistered,
  UnitStatusChanged,
} from '@callcenter/events';
import { envelopeOf, RunningService, startService, testInfra, testToken } from '@callcenter/testing';
import {
  CpuProfiles,
  cpuLine,
  cpuMeter,
  f,
  goalCell,
  header,
  infraPids,
  int,
  joinedConsumer,
  kafkaOnlyLatency,
  Leftovers,
  loadavg,
  logger,
  measureQueries,
  nowMs,
  openLoop,
  options,
  pct,
  pctCells,
  pool,
  Query,
  queryTable,
  readmeOptions,
  request,
  retrying,
  ROOT,
  rssMiB,
  run,
  sleep,
  table,
} from '../harness';

import {
  DEFAULT_SPEEDS_KMH,
  DispatchBoard,
  Incident,
  incidentDecider,
  INCIDENT_OPENER_GROUP,
  IncidentNeed,
  recommendUnits,
  Unit,
  UnitCandidate,
  unitDecider,
  UnitState,
} from '../../apps/dispatch/src';
import {
  CATEGORY_MIX,
  CHANNEL_MIX_OTHER,
  CHANNEL_MIX_URGENT,
  fill,
  GENERIC_STREETS,
  planUnits,
  pointInDistrict,
  Prng,
  STREETS,
  TEMPLATES,
  UNIT_MIX,
  URGENT_CATEGORIES,
} from '../../tools/simulator/src';

// ───────────────────────────── options ─────────────────────────────

const { flag, num, has, whole, list } = options(
  readmeOptions('dispatch'),
  [
    'units',
    'incidents',
    'seed-concurrency',
    'rounds',
    'requests',
    'warmup',
    'concurrency',
    'rate',
    'seconds',
    'poll-ms',
    'poll-concurrency',
    'drain-s',
    'http',
    'seed',
    'lookback-minutes',
    'cpu-prof',
    'baseline-root',
  ],
  ['no-api-phase', 'force', 'keep-db'],
);
const wantPart1 = flag('units') !== undefined || flag('incidents') !== undefined;
const wantPart2 = flag('rate') !== undefined || flag('seconds') !== undefined;
const RUN_PART1 = wantPart1 || !wantPart2;
const RUN_PART2 = wantPart2 || !wantPart1;

const cfg = {
  units: whole('units', 2000),
  incidents: whole('incidents', 500),
  seedConcurrency: whole('seed-concurrency', 16, 1),
  rounds: whole('rounds', 4, 1),
  requests: whole('requests', 2000, 1),
  warmup: whole('warmup', 200),
  concurrency: list('concurrency', '1,8'),
  rate: num('rate', 50),
  seconds: num('seconds', 20),
  pollMs: num('poll-ms', 20),
  pollConcurrency: whole('poll-concurrency', 2, 1),
  drainS: num('drain-s', 20),
  apiPhase: !has('no-api-phase'),
  http: whole('http', 13300),
  seed: whole('seed', 1),
  lookbackMinutes: whole('lookback-minutes', 1, 1),
  force: has('force'),
  keepDb: has('keep-db'),
  baselineRoot: flag('baseline-root'),
};

/**
 * Targets used by the bench's dispatch: time to dispatch a day, so no timer appends DispatchOverdue
 * to the seeded incidents while they are measured (that would be timer work, not recommendation).
 */
const BENCH_TARGETS = 'P1=60/86400/86400,P2=180/86400/86400,P3=600/86400/86400,P4=1800/-/-';
const GOAL_RECOMMEND_P99_MS = 20;
/** Issue 15: GET /incidents/{id} at concurrency 8 with 2,000 units. */
const GOAL_INCIDENT_DETAIL_P99_MS = 50;

// ───────────────────────────── helpers ─────────────────────────────

const log = logger('dispatch');
const get = (port: number, urlPath: string, token?: string) => request(port, 'GET', urlPath, token);
const profiles = new CpuProfiles(flag('cpu-prof'), 'dispatch', log);

// ───────────────────────────── clean-up ─────────────────────────────

const kafka: Kafka = createKafka({ brokers: testInfra().brokers, clientId: 'bench-dispatch' });
const left = new Leftovers(() => cfg.keepDb, kafka);
left.onSignals(log, 'stopping what this bench started');

// ───────────────────────────── the service ─────────────────────────────

let dispatch: RunningService | undefined;
let dispatchStartupMs = NaN;
const prefix = `bench_dispatch_${Date.now()}`;

async function startDispatch(root?: string, port = cfg.http): Promise<RunningService> {
  left.databases.add(`${prefix}_dispatch`);
  const t0 = nowMs();
  const service = await startService(
    'dispatch',
    port,
    {
      MONGODB_DB_PREFIX: prefix,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      PRIORITY_TARGETS: BENCH_TARGETS,
      DISPATCH_LIVE_LOOKBACK_MINUTES: String(cfg.lookbackMinutes),
      ...profiles.env,
    },
    { readyTimeoutMs: 300_000, root: root && path.resolve(root) },
  );
  if (!root) dispatchStartupMs = nowMs() - t0;
  left.services.add(service);
  log(`dispatch${root ? ` (baseline ${root})` : ''} pid ${service.pid} ready on ${port} in ${f(nowMs() - t0, 0)} ms (db prefix ${prefix})`);
  return service;
}

const cutProfile = (service: RunningService, label: string) => profiles.cut(service.pid, label);

/** How far dispatch's incident opener is behind on the triage topic (all of it when the group is new). */
async function openerBacklog(admin: Admin): Promise<number> {
  const topics = await admin.listTopics();
  if (!topics.includes(TOPICS.triage)) return 0;
  const ends = await admin.fetchTopicOffsets(TOPICS.triage);
  const committed = await admin.fetchOffsets({ groupId: INCIDENT_OPENER_GROUP, topics: [TOPICS.triage] });
  const at = new Map(committed.flatMap((t) => t.partitions.map((p) => [p.partition, Number(p.offset)] as const)));
  let behind = 0;
  for (const p of ends) {
    const c = at.get(p.partition) ?? -1;
    behind += Number(p.high) - Math.max(c, Number(p.low));
  }
  return behind;
}

// ───────────────────────────── what is seeded ─────────────────────────────

const jurisdiction = loadJurisdiction(path.join(ROOT, 'config/jurisdiction.json'));
const centroids = new Map(jurisdiction.districts.map((d) => [d.code, { latitude: d.latitude, longitude: d.longitude }]));

interface SeedUnit {
  callSign: string;
  type: UnitType;
  capabilities: string[];
  homeDistrict: string;
  onShift: boolean;
  /** What it reports after registering (nothing: off shift, or never reported a position). */
  report: { status?: UnitStatus; latitude?: number; longitude?: number } | null;
}

/** The simulator's roster (tools/simulator), 70 % on shift; most free, some busy on other jobs, 8 % never reported a position. */
function seedUnits(n: number, seed: number, runId: string): SeedUnit[] {
  const r = new Prng(seed).fork('shifts');
  return planUnits(n, jurisdiction.districts, seed, runId).map((u) => {
    const onShift = r.chance(0.7);
    const status = r.weighted({ AVAILABLE: 70, BUSY: 15, EN_ROUTE: 8, ON_SCENE: 7 } satisfies Partial<Record<UnitStatus, number>>);
    const report = onShift && r.next() >= 0.08 ? { ...(status === 'AVAILABLE' ? {} : { status }), ...u.position } : null;
    return { callSign: u.callSign, type: u.type, capabilities: u.capabilities, homeDistrict: u.homeDistrict, onShift, report };
  });
}

/** A forward exactly as triage publishes it (apps/dispatch/test/dispatch-auto-assign.e2e.spec.ts), of a report from the simulator's catalogue. */
function forwardEnvelope(r: Prng, now: number, tag: string): EventEnvelope<'ReportForwardedForDispatch', ReportForwardedForDispatchV1> {
  const reportId = randomUUID();
  const category = r.weighted(CATEGORY_MIX);
  const district = r.pick(jurisdiction.districts);
  const street = r.pick(STREETS[district.code] ?? GENERIC_STREETS);
  const as = {
    streamId: reportId,
    streamVersion: 4,
    producer: 'triage',
    actor: `op-${String(r.int(1, 40)).padStart(2, '0')}`,
    correlationId: `bench-dispatch-${tag}-${reportId.slice(0, 8)}`,
    at: new Date(now),
  };
  return envelopeOf(
    ReportForwardedForDispatch,
    {
      reportId,
      trackingCode: `${randomUUID().slice(0, 5)}-${randomUUID().slice(0, 5)}`.toUpperCase(),
      channel: r.weighted(URGENT_CATEGORIES.includes(category) ? CHANNEL_MIX_URGENT : CHANNEL_MIX_OTHER),
      receivedAt: new Date(now - 60_000 - Math.floor(r.next() * 19 * 60_000)).toISOString(),
      category,
      priority: r.weighted({ P1: 15, P2: 35, P3: 50 } satisfies Partial<Record<Priority, number>>),
      district: district.code,
      // 5 % without coordinates (the district's centre).
      location: r.chance(0.95)
        ? { ...pointInDistrict(district, r), address: `${street} No. ${r.int(1, 200)}` }
        : { latitude: null, longitude: null, address: null },
      description: fill(r.pick(TEMPLATES[category]), street, r),
      peopleInjured: category === 'KECELAKAAN_LALU_LINTAS' || category === 'DARURAT_MEDIS' ? 1 : 0,
      peopleInvolved: 2,
    },
    as,
  );
}

// ───────────────────────────── part 1 ─────────────────────────────

async function part1(service: RunningService, producer: Producer): Promise<void> {
  const dispatcher = testToken('bench-dispatcher', ['dispatcher']);
  const tag = randomUUID().slice(0, 8);
  const units = seedUnits(cfg.units, cfg.seed, tag);
  const forwardsRng = new Prng(cfg.seed + 1);

  // 1. units through the API
  log(`part 1: registering ${cfg.units} units (${cfg.seedConcurrency} in flight) and reporting their positions`);
  const seedStart = nowMs();
  const seedErrors: string[] = [];
  const registerMs: number[] = [];
  const statusMs: number[] = [];
  await pool(units, cfg.seedConcurrency, async (u, i) => {
    const r = await request(cfg.http, 'POST', '/api/v1/units', dispatcher, {
      callSign: u.callSign,
      type: u.type,
      capabilities: u.capabilities,
      homeDistrict: u.homeDistrict,
      onShift: u.onShift,
    });
    registerMs.push(r.ms);
    if (r.status !== 201) seedErrors.push(`register ${u.callSign}: ${r.status} ${r.body.slice(0, 200)}`);
    if (u.report) {
      const s = await request(cfg.http, 'POST', `/api/v1/units/${u.callSign}/status`, dispatcher, u.report);
      statusMs.push(s.ms);
      if (s.status !== 200) seedErrors.push(`status ${u.callSign}: ${s.status} ${s.body.slice(0, 200)}`);
    }
    if ((i + 1) % 500 === 0) log(`  ${i + 1} units`);
  });
  const unitsSeconds = (nowMs() - seedStart) / 1000;
  if (seedErrors.length) throw new Error(`seeding units failed ${seedErrors.length} times, e.g.\n${seedErrors.slice(0, 5).join('\n')}`);

  // 2. incidents through the triage topic, as triage forwards them
  log(`part 1: publishing ${cfg.incidents} forwards to ${TOPICS.triage}`);
  const incidentsStart = nowMs();
  const forwards = Array.from({ length: cfg.incidents }, () => forwardEnvelope(forwardsRng, Date.now(), tag));
  for (let i = 0; i < forwards.length; i += 100) {
    await producer.send({ topic: TOPICS.triage, acks: -1, messages: forwards.slice(i, i + 100).map((e) => toKafkaMessage(e)) });
  }
  let listed = 0;
  let openTotal: number;
  const deadline = Date.now() + 180_000;
  for (;;) {
    const r = await get(cfg.http, '/api/v1/incidents?limit=500', dispatcher);
    const body = JSON.parse(r.body);
    openTotal = body.total;
    // The list shows at most 500; ours are recognised by id through ?reportId= once the total says so.
    if (openTotal >= cfg.incidents) {
      listed = 0;
      await pool(forwards, 8, async (e) => {
        const one = JSON.parse((await get(cfg.http, `/api/v1/incidents?reportId=${e.data.reportId}`, dispatcher)).body);
        if (one.total === 1) listed++;
      });
      if (listed === cfg.incidents) break;
    }
    if (Date.now() > deadline) throw new Error(`only ${listed}/${cfg.incidents} incidents open after 180 s (list total ${openTotal})`);
    await sleep(250);
  }
  const incidentsSeconds = (nowMs() - incidentsStart) / 1000;
  await sleep(1000); // let the projector and relay settle before measuring
  const rssSeeded = rssMiB(service.pid);
  const unitsListed = JSON.parse((await get(cfg.http, '/api/v1/units', dispatcher)).body).total as number;
  await cutProfile(service, 'seeding');

  // What the board holds, and what a recommendation sees.
  const onShift = units.filter((u) => u.onShift).length;
  const available = units.filter((u) => u.onShift && (!u.report || !u.report.status)).length;
  const noPosition = units.filter((u) => u.onShift && !u.report).length;
  const typeShare = UNIT_MIX.map(([t]) => `${t} ${units.filter((u) => u.type === t).length}`).join(', ');
  const withCapability = units.filter((u) => u.capabilities.length).length;
  const catShare = Object.keys(CATEGORY_MIX)
    .map((c) => `${c} ${forwards.filter((e) => e.data.category === c).length}`)
    .join(', ');
  const priShare = ['P1', 'P2', 'P3'].map((p) => `${p} ${forwards.filter((e) => e.data.priority === p).length}`).join(', ');

  // 3a. in process: recommendUnits over the same units and incidents
  log('part 1: in-process recommendUnits');
  const candidates: UnitCandidate[] = units.map((u) => ({
    unitId: u.callSign,
    callSign: u.callSign,
    type: u.type,
    capabilities: u.capabilities,
    status: !u.onShift ? 'OFF_DUTY' : (u.report?.status ?? 'AVAILABLE'),
    onShift: u.onShift,
    assignedIncidentId: null,
    position: u.report?.latitude !== undefined ? { latitude: u.report.latitude, longitude: u.report.longitude! } : null,
    homeDistrictCentroid: centroids.get(u.homeDistrict) ?? null,
    workload: 0,
  }));
  const needs: IncidentNeed[] = forwards.map((e) => ({
    category: e.data.category,
    priority: e.data.priority,
    location:
      e.data.location.latitude !== null && e.data.location.longitude !== null
        ? { latitude: e.data.location.latitude, longitude: e.data.location.longitude }
        : (centroids.get(e.data.district!) as GeoPoint),
  }));
  const settings = { speedsKmh: { ...DEFAULT_SPEEDS_KMH } };
  const timeCalls = (call: (i: number) => number): { lat: number[]; returned: number[] } => {
    const lat: number[] = [];
    const returned: number[] = [];
    for (let i = 0; i < needs.length; i++) call(i); // warm-up round (JIT), not counted
    for (let round = 0; round < cfg.rounds; round++) {
      for (let i = 0; i < needs.length; i++) {
        const t = performance.now();
        const n = call(i);
        lat.push(performance.now() - t);
        returned.push(n);
      }
    }
    return { lat, returned };
  };
  const plain = timeCalls((i) => recommendUnits(needs[i], candidates, settings).length);

  // The board's path, as GET /incidents/{id} runs it: candidates kept in a Map, workload computed per call.
  const board = new DispatchBoard(jurisdiction);
  const at = new Date().toISOString();
  const as = (streamId: string, streamVersion: number) => ({ streamId, streamVersion, producer: 'dispatch', actor: 'bench', at: new Date(at) });
  for (const u of units) {
    let state: UnitState = unitDecider.evolve(
      unitDecider.initialState(),
      envelopeOf(
        UnitRegistered,
        {
          unitId: u.callSign,
          callSign: u.callSign,
          type: u.type,
          capabilities: u.capabilities,
          homeDistrict: u.homeDistrict,
          status: u.onShift ? 'AVAILABLE' : 'OFF_DUTY',
        },
        as(u.callSign, 1),
      ),
    );
    let version = 1;
    if (u.report) {
      const position = u.report.latitude !== undefined ? { latitude: u.report.latitude, longitude: u.report.longitude! } : null;
      state = unitDecider.evolve(
        state,
        envelopeOf(
          UnitStatusChanged,
          {
            unitId: u.callSign,
            status: u.report.status ?? 'AVAILABLE',
            previousStatus: 'AVAILABLE',
            position,
            incidentId: null,
            reportedAt: at,
          },
          as(u.callSign, 2),
        ),
      );
      version = 2;
    }
    board.loadUnit({ state: state as Unit, version });
    // Positions live in the latest-position read model, not in the unit's events.
    if (u.report?.latitude !== undefined)
      board.applyPosition(u.callSign, { position: { latitude: u.report.latitude, longitude: u.report.longitude! }, reportedAt: at });
  }
  const incidents: Incident[] = forwards.map((e, i) => {
    const incidentId = incidentIdFor(e.data.reportId);
    const { channel: _c, peopleInvolved: _p, ...rest } = e.data;
    return incidentDecider.evolve(
      incidentDecider.initialState(),
      envelopeOf(
        IncidentOpened,
        {
          ...rest,
          incidentId,
          location: { ...needs[i].location, address: e.data.location.address, approximate: e.data.location.latitude === null },
          forwardedAt: at,
        },
        as(incidentId, 1),
      ),
    ) as Incident;
  });
  const viaBoard = timeCalls((i) => board.recommend(incidents[i], settings.speedsKmh, new Date()).length);

  // 3b. through the API
  const paths = forwards.map((e) => `/api/v1/incidents/${incidentIdFor(e.data.reportId)}`);
  const sample = JSON.parse((await get(cfg.http, paths[0], dispatcher)).body);
  const recCounts: number[] = [];
  await pool(paths.slice(0, 100), 8, async (p) => {
    recCounts.push(JSON.parse((await get(cfg.http, p, dispatcher)).body).recommendations.length);
  });
  const unknownIds = Array.from({ length: 100 }, () => `/api/v1/incidents/${randomUUID()}`);
  const queries: Query[] = [
    { label: `GET /api/v1/incidents/{id} (recommendations + timeline), ${paths.length} ids in turn`, paths, token: dispatcher, goal: true },
    { label: 'GET /api/v1/incidents/{unknown id} → 404 (auth + one event-store read)', paths: unknownIds, token: dispatcher, goal: false, expect: 404 },
    { label: `GET /api/v1/incidents (list, first 100 of ${openTotal})`, paths: ['/api/v1/incidents'], token: dispatcher, goal: false },
    { label: 'baseline: GET /health/live', paths: ['/health/live'], goal: false },
  ];
  const measure = async (on: RunningService, port: number) => {
    const meterAll = cpuMeter({ bench: process.pid, dispatch: on.pid, ...infraPids() });
    const loadBefore = loadavg();
    meterAll.start();
    const rows = await measureQueries(
      port,
      queries,
      cfg.concurrency,
      { name: 'dispatch', pid: on.pid },
      {
        warmup: cfg.warmup,
        requests: cfg.requests,
        log,
        onPhase: (label) => cutProfile(on, label),
      },
    );
    return { rows, cpuAll: meterAll.stop(), loadBefore, loadAfter: loadavg(), rss: rssMiB(on.pid) };
  };
  const { rows, cpuAll, loadBefore, loadAfter, rss: rssAfter } = await measure(service, cfg.http);
  // The baseline build on the same units and incidents, while this build idles (it keeps its Kafka groups).
  let baseline: (Awaited<ReturnType<typeof measure>> & { rssLoaded: number; startupMs: number }) | undefined;
  if (cfg.baselineRoot) {
    const t0 = nowMs();
    const other = await startDispatch(cfg.baselineRoot, cfg.http + 1);
    const startupMs = nowMs() - t0;
    await sleep(1000);
    const rssLoaded = rssMiB(other.pid);
    baseline = { ...(await measure(other, cfg.http + 1)), rssLoaded, startupMs };
    await left.stopService(other);
    left.services.delete(other);
  }

  // ── report ──
  console.log(`\n=== Part 1 — recommendation latency with ${int(cfg.units)} units and ${int(cfg.incidents)} open incidents ===`);
  console.log(
    `seeded ${int(cfg.units)} units in ${f(unitsSeconds, 1)} s through POST /api/v1/units + POST /api/v1/units/{id}/status (${cfg.seedConcurrency} in flight; ` +
      `register p50 ${f(pct(registerMs).p50)} / p99 ${f(pct(registerMs).p99)} ms, status p50 ${f(pct(statusMs).p50)} / p99 ${f(pct(statusMs).p99)} ms)`,
  );
  console.log(
    `  types: ${typeShare}; ${withCapability} with capabilities (FIRST_AID, K9, SEARCH, …); home districts evenly over ${jurisdiction.districts.length}`,
  );
  console.log(
    `  on shift ${onShift} (${f((100 * onShift) / cfg.units, 0)} %), of which AVAILABLE ${available} (${noPosition} never reported a position: home district centre), ` +
      `the rest BUSY / EN_ROUTE / ON_SCENE; off shift ${cfg.units - onShift}`,
  );
  console.log(
    `opened ${int(cfg.incidents)} incidents in ${f(incidentsSeconds, 1)} s by ReportForwardedForDispatch on ${TOPICS.triage} (batches of 100, acks -1) until all were found by GET /incidents?reportId=`,
  );
  console.log(`  categories: ${catShare}; priorities: ${priShare}; 5 % without coordinates (district centre)`);
  console.log(
    `board: GET /units lists ${unitsListed}, GET /incidents total ${openTotal}` +
      (unitsListed !== cfg.units || openTotal !== cfg.incidents
        ? `  ← NOT what was seeded: the board also holds earlier runs' units/incidents (re-read from the dispatch topic); run on fresh infrastructure for exact figures`
        : ' (exactly what was seeded)'),
  );
  console.log(`NOTE: dispatch ran with PRIORITY_TARGETS=${BENCH_TARGETS} so no timer appends DispatchOverdue while it is measured`);
  console.log(
    `dispatch start-up until /health/ready ${f(dispatchStartupMs, 0)} ms; RSS (VmRSS) after seeding ${f(rssSeeded, 0)} MiB, after the measurements ${f(rssAfter, 0)} MiB`,
  );
  const recP = pct(recCounts);
  console.log(
    `recommendations per incident (first 100 via the API): min ${Math.min(...recCounts)}, p50 ${recP.p50}, max ${recP.max}; ` +
      `detail answer ~${int(JSON.stringify(sample).length)} B with ${sample.recommendations?.length} recommendations and ${sample.timeline?.length} timeline entries`,
  );

  console.log(
    `\n(a) in process (this bench's node process): one call = one incident against all ${int(cfg.units)} candidates; 1 warm-up round + ${cfg.rounds} rounds × ${cfg.incidents} incidents; ms`,
  );
  const inRows: (string | number)[][] = [['call', 'n', 'p50', 'p90', 'p99', 'max', 'mean', `goal p99 ≤ ${GOAL_RECOMMEND_P99_MS} ms`]];
  for (const [label, r] of [
    [`recommendUnits(need, UnitCandidate[${candidates.length}], speeds)`, plain],
    ['DispatchBoard.recommend (Map + workload, as the API)', viaBoard],
  ] as const) {
    const p = pct(r.lat);
    inRows.push([label, ...pctCells(p, 3), f(p.mean, 3), goalCell(p.p99, GOAL_RECOMMEND_P99_MS)]);
  }
  console.log(table(inRows));
  console.log(`  recommendations returned per call: p50 ${pct(plain.returned).p50}, min ${Math.min(...plain.returned)} (limit 5)`);

  console.log(
    `\n(b) through the API: closed loop, ${cfg.warmup} warm-up + ${cfg.requests} measured requests per row, keep-alive HTTP/1.1; request sent → whole body read; ms`,
  );
  const apiTable = (rows: Awaited<ReturnType<typeof measure>>['rows']) => console.log(queryTable(rows, 'dispatch', GOAL_INCIDENT_DETAIL_P99_MS));
  apiTable(rows);
  console.log(cpuLine(cpuAll));
  console.log(`load average (1/5/15 min): before the API measurements ${loadBefore}, after ${loadAfter}`);
  if (baseline) {
    console.log(`\n(c) baseline: the dispatch built under ${cfg.baselineRoot}, on the same units and incidents (port ${cfg.http + 1}), right after; ms`);
    console.log(
      `baseline start-up until /health/ready ${f(baseline.startupMs, 0)} ms; RSS (VmRSS) after start ${f(baseline.rssLoaded, 0)} MiB, after the measurements ${f(baseline.rss, 0)} MiB`,
    );
    apiTable(baseline.rows);
    console.log(cpuLine(baseline.cpuAll));
    console.log(`load average (1/5/15 min): before the baseline's measurements ${baseline.loadBefore}, after ${baseline.loadAfter}`);
  }
}

// ───────────────────────────── part 2 ─────────────────────────────

interface Sent {
  reportId: string;
  sentAt: number;
  /** IncidentOpened seen by the bench's kafkajs consumer of the dispatch topic. */
  onKafkaAt?: number;
  openedRecordedAt?: number;
  /** First GET ?reportId= answer that lists it. */
  apiSeenAt?: number;
}

async function part2(service: RunningService, producer: Producer): Promise<void> {
  const dispatcher = testToken('bench-dispatcher', ['dispatcher']);
  const r = new Prng(cfg.seed + 2);
  const tag = randomUUID().slice(0, 8);
  const byReport = new Map<string, Sent>();

  // The bench's own consumer of the dispatch topic (own group, from the latest offsets).
  const group = `bench-dispatch-opened-${tag}`;
  left.groups.add(group);
  const consumer = await joinedConsumer(kafka, { groupId: group }, [TOPICS.dispatch], false, {
    eachBatch: async ({ batch }) => {
      const at = nowMs();
      for (const m of batch.messages) {
        try {
          const e = fromKafkaMessage(m);
          if (e.type !== 'IncidentOpened') continue;
          const s = byReport.get((e.data as { reportId: string }).reportId);
          if (s && s.onKafkaAt === undefined) {
            s.onKafkaAt = at;
            s.openedRecordedAt = Date.parse(e.recordedAt);
          }
        } catch {
          /* not an envelope */
        }
      }
    },
  });
  left.closers.push(() => consumer.disconnect());
  await sleep(1000);

  const send = (phase: Sent[]) => (_i: number) => {
    const e = forwardEnvelope(r, Date.now(), tag);
    const s: Sent = { reportId: e.data.reportId, sentAt: nowMs() };
    byReport.set(s.reportId, s);
    phase.push(s);
    void producer.send({ topic: TOPICS.triage, acks: -1, messages: [toKafkaMessage(e)] }).catch((err) => log(`send failed: ${err}`));
  };
  const drain = async (phase: Sent[], done: (s: Sent) => boolean) => {
    const until = Date.now() + cfg.drainS * 1000;
    while (Date.now() < until && !phase.every(done)) await sleep(50);
  };

  // Warm-up: 20 forwards at 10/s, waited for.
  log('part 2: warm-up, 20 forwards at 10/s');
  const warm: Sent[] = [];
  await openLoop(20, 10, send(warm));
  await drain(warm, (s) => s.onKafkaAt !== undefined);

  // Phase K: Kafka-observed only.
  const total = Math.max(1, Math.round(cfg.rate * cfg.seconds));
  log(`part 2: Kafka-observed phase, ${total} forwards at ${cfg.rate}/s`);
  const phaseK: Sent[] = [];
  const meterK = cpuMeter({ bench: process.pid, dispatch: service.pid, ...infraPids() });
  const loadK = loadavg();
  meterK.start();
  const loopK = await openLoop(total, cfg.rate, send(phaseK));
  await drain(phaseK, (s) => s.onKafkaAt !== undefined);
  const cpuK = meterK.stop();
  await cutProfile(service, 'forward → IncidentOpened (Kafka phase)');

  // Phase A: the same load, with a poller of GET /incidents?reportId=.
  const phaseA: Sent[] = [];
  const pollRtt: number[] = [];
  const pollGap: number[] = [];
  let polls = 0;
  let loopA: Awaited<ReturnType<typeof openLoop>> | undefined;
  let cpuA: ReturnType<ReturnType<typeof cpuMeter>['stop']> | undefined;
  let loadA = '';
  if (cfg.apiPhase) {
    log(
      `part 2: API-observed phase, ${total} forwards at ${cfg.rate}/s, polling each pending report every ${cfg.pollMs} ms (${cfg.pollConcurrency} in flight)`,
    );
    const lastPoll = new Map<string, number>();
    const inFlight = new Set<string>();
    let sending = true;
    const poller = async () => {
      while (sending || phaseA.some((s) => s.apiSeenAt === undefined)) {
        const now = nowMs();
        const next = phaseA.find((s) => s.apiSeenAt === undefined && !inFlight.has(s.reportId) && now - (lastPoll.get(s.reportId) ?? 0) >= cfg.pollMs);
        if (!next) {
          await sleep(1);
          continue;
        }
        if (now - next.sentAt > (cfg.drainS + cfg.seconds) * 1000) {
          next.apiSeenAt = NaN; // give up on it
          continue;
        }
        const previous = lastPoll.get(next.reportId);
        if (previous !== undefined) pollGap.push(now - previous);
        lastPoll.set(next.reportId, now);
        inFlight.add(next.reportId);
        try {
          const res = await get(cfg.http, `/api/v1/incidents?reportId=${next.reportId}`, dispatcher);
          polls++;
          pollRtt.push(res.ms);
          if (res.status === 200 && JSON.parse(res.body).total === 1) next.apiSeenAt = res.end;
        } catch {
          /* counted as not seen yet */
        } finally {
          inFlight.delete(next.reportId);
        }
      }
    };
    const meterA = cpuMeter({ bench: process.pid, dispatch: service.pid, ...infraPids() });
    loadA = loadavg();
    meterA.start();
    const pollers = Promise.all(Array.from({ length: cfg.pollConcurrency }, poller));
    loopA = await openLoop(total, cfg.rate, send(phaseA));
    const stopAt = Date.now() + cfg.drainS * 1000;
    while (Date.now() < stopAt && phaseA.some((s) => s.apiSeenAt === undefined || s.onKafkaAt === undefined)) await sleep(50);
    sending = false;
    for (const s of phaseA) if (s.apiSeenAt === undefined) s.apiSeenAt = NaN;
    await pollers;
    cpuA = meterA.stop();
    await cutProfile(service, 'forward → found by GET ?reportId= (API phase)');
  }

  // Kafka alone: same message size, same rate, kafkajs → kafkajs on a throw-away topic.
  log(`part 2: Kafka-only baseline, ${total} messages at ${cfg.rate}/s`);
  const k = await kafkaOnlyLatency(kafka, forwardEnvelope(new Prng(7), Date.now(), tag), total, cfg.rate, { left });
  const baseline = { ...k, lat: pct(k.latencies) };
  const rssAfter = rssMiB(service.pid);

  // ── report ──
  const sizeOf = Buffer.byteLength(JSON.stringify(forwardEnvelope(new Prng(7), Date.now(), tag)));
  type Moment = 'sentAt' | 'onKafkaAt' | 'openedRecordedAt' | 'apiSeenAt';
  const lat = (xs: Sent[], from: Moment, to: Moment) => pct(xs.map((s) => (s[to] ?? NaN) - (s[from] ?? NaN)).filter(Number.isFinite));
  /** A row from one moment to another; `counted`: with how many were sent and never reached `to`. */
  const span = (label: string, xs: Sent[], from: Moment, to: Moment, counted = false) => {
    const p = lat(xs, from, to);
    return [label, ...pctCells(p), counted ? total : '', counted ? total - p.n : ''];
  };
  console.log(`\n=== Part 2 — forward → incident open, ${cfg.rate}/s for ${cfg.seconds} s (${total} forwards per phase, open loop) ===`);
  console.log(
    `each forward: a ReportForwardedForDispatch envelope of ~${sizeOf} B sent to ${TOPICS.triage} (kafkajs, idempotent producer, 1 request in flight, acks -1); ` +
      `dispatch's group ${INCIDENT_OPENER_GROUP} opens the incident (event store append), its outbox relay publishes IncidentOpened to ${TOPICS.dispatch}: two Kafka hops`,
  );
  const kRows: (string | number)[][] = [
    ['', 'n', 'p50', 'p90', 'p99', 'max', 'of sent', 'lost'],
    span('forward sent → IncidentOpened received (kafkajs consumer)', phaseK, 'sentAt', 'onKafkaAt', true),
    span('  sent → IncidentOpened recordedAt (hop 1, opener, append)', phaseK, 'sentAt', 'openedRecordedAt'),
    span('  recordedAt → received (outbox relay, hop 2)', phaseK, 'openedRecordedAt', 'onKafkaAt'),
  ];
  if (cfg.apiPhase) {
    kRows.push(span('forward sent → first found by GET /incidents?reportId= (API phase)', phaseA, 'sentAt', 'apiSeenAt', true));
    kRows.push(span('  same phase: sent → IncidentOpened received (kafkajs)', phaseA, 'sentAt', 'onKafkaAt'));
    kRows.push(['  poll round trip (GET ?reportId=, mostly "not yet")', ...pctCells(pct(pollRtt)), `${polls} polls`, '']);
    kRows.push(['  poll interval per pending report achieved', ...pctCells(pct(pollGap)), '', '']);
  }
  kRows.push([
    `baseline: Kafka only, kafkajs send → kafkajs consumer (one hop, ${baseline.bytes} B)`,
    ...pctCells(baseline.lat),
    baseline.sent,
    baseline.sent - baseline.lat.n,
  ]);
  console.log(table(kRows));
  const floor = 2 * baseline.lat.p50;
  console.log(
    `two Kafka hops alone ≈ 2 × ${f(baseline.lat.p50)} = ${f(floor)} ms at p50; ` +
      `dispatch adds ≈ ${f(lat(phaseK, 'sentAt', 'onKafkaAt').p50 - floor)} ms at p50 over that floor (Kafka-observed)`,
  );
  const slices = 4;
  const sliceRows: (string | number)[][] = [['by when the forward was sent', 'n', 'p50', 'p90', 'p99', 'max']];
  for (let k = 0; k < slices; k++) {
    const from = (k * cfg.seconds) / slices;
    const to = ((k + 1) * cfg.seconds) / slices;
    const part = phaseK.filter((s) => s.sentAt - loopK.start >= from * 1000 && s.sentAt - loopK.start < to * 1000);
    sliceRows.push([`Kafka phase ${f(from, 1)}–${f(to, 1)} s`, ...pctCells(lat(part, 'sentAt', 'onKafkaAt'))]);
  }
  console.log(table(sliceRows));
  console.log(`send schedule lag (open loop): Kafka phase p99 ${f(pct(loopK.lag).p99, 2)} ms${loopA ? `, API phase p99 ${f(pct(loopA.lag).p99, 2)} ms` : ''}`);
  console.log(`Kafka phase: ${cpuLine(cpuK)}; load average at its start ${loadK}`);
  if (cpuA) console.log(`API phase: ${cpuLine(cpuA)}; load average at its start ${loadA}`);
  console.log(`dispatch RSS (VmRSS) after part 2: ${f(rssAfter, 0)} MiB`);
}

// ───────────────────────────── main ─────────────────────────────

async function main() {
  header(`bench/dispatch: ${[RUN_PART1 && 'part 1', RUN_PART2 && 'part 2'].filter(Boolean).join(', then ')}`);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, [{ topic: TOPICS.triage }, { topic: TOPICS.dispatch }]);
    const backlog = await retrying(() => openerBacklog(admin));
    if (backlog > 100) {
      const msg = `dispatch's group ${INCIDENT_OPENER_GROUP} has ${backlog} triage events to catch up on (another run's history on this Kafka): it would open those incidents during the bench`;
      if (!cfg.force) throw new Error(`${msg}. Run on fresh infrastructure (infra reset with the bench's env), or pass --force.`);
      console.log(`WARNING (--force): ${msg}`);
    }
  } finally {
    await admin.disconnect();
  }

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  left.closers.push(() => producer.disconnect());
  dispatch = await startDispatch();
  if (RUN_PART1) await part1(dispatch, producer);
  if (RUN_PART2) await part2(dispatch, producer);
  await left.stopService(dispatch);
  await profiles.print(dispatch.pid, 15, 'between rows');
}

run(main, left, () => dispatch);
