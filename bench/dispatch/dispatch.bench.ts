// bench/dispatch: recommendation latency with many units and open incidents (part 1), forward → incident open (part 2). Prints figures; see README.md.
import 'reflect-metadata'; // @callcenter/events and the dispatch sources carry decorators that need the metadata polyfill first
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { Admin, EachBatchPayload, Producer } from 'kafkajs';
import { GeoPoint, incidentIdFor, loadJurisdiction, Priority, UnitStatus } from '@callcenter/contracts';
import * as ev from '@callcenter/events';
import { dispatchApi, envelopeOf, RunningService, testToken } from '@callcenter/testing';
import * as h from '../harness';
import * as d from '../../apps/dispatch/src';
import * as sim from '../../tools/simulator/src';

const strings = 'units incidents seed-concurrency rounds requests warmup concurrency rate seconds poll-ms poll-concurrency drain-s http seed lookback-minutes';
const booleans = ['no-api-phase', 'force', 'keep-db'];
const { flag, num, has, whole, list } = h.options(h.readmeOptions('dispatch'), [...strings.split(' '), 'cpu-prof', 'baseline-root'], booleans);
const [wantPart1, wantPart2] = [flag('units') !== undefined || flag('incidents') !== undefined, flag('rate') !== undefined || flag('seconds') !== undefined];
const SEED = whole('seed', 1);
const [UNITS, INCIDENTS, SEED_CONCURRENCY, ROUNDS] = [whole('units', 2000), whole('incidents', 500), whole('seed-concurrency', 16, 1), whole('rounds', 4, 1)];
const [REQUESTS, WARMUP, CONCURRENCY, HTTP] = [whole('requests', 2000, 1), whole('warmup', 200), list('concurrency', '1,8'), whole('http', 13300)];
const [RATE, SECONDS, POLL_MS, POLL_CONCURRENCY] = [num('rate', 50), num('seconds', 20), num('poll-ms', 20), whole('poll-concurrency', 2, 1)];
const [API_PHASE, BASELINE_ROOT, LOOKBACK, DRAIN_S] = [!has('no-api-phase'), flag('baseline-root'), whole('lookback-minutes', 1, 1), num('drain-s', 20)];
/** A day to dispatch, so no timer appends DispatchOverdue to the seeded incidents while they are measured (timer work, not recommendation). */
const BENCH_TARGETS = 'P1=60/86400/86400,P2=180/86400/86400,P3=600/86400/86400,P4=1800/-/-';
const [GOAL_RECOMMEND_P99_MS, GOAL_INCIDENT_DETAIL_P99_MS] = [20, 50]; // the second: issue 15, GET /incidents/{id} at concurrency 8 with 2,000 units
const { log, profiles, kafka, left } = h.setup('dispatch', flag('cpu-prof'), () => has('keep-db'));
const dispatcher = testToken('bench-dispatcher', ['dispatcher']);
/** The typed client (libs/api-client) for what is set up and checked; the measured rows use the harness's own keep-alive client. */
const api = dispatchApi(HTTP, dispatcher);
const incidentsOf = async (query: { reportId?: string; limit?: number }) => (await api.GET('/api/v1/incidents', { params: { query } })).data!;
const meter = (service: RunningService) => ((m) => (m.start(), m))(h.cpuMeter({ bench: process.pid, dispatch: service.pid, ...h.infraPids() }));

type Service = Awaited<ReturnType<typeof h.launch>>;
let dispatch: Service | undefined;
const prefix = `bench_dispatch_${Date.now()}`;
async function startDispatch(root?: string, port = HTTP): Promise<Service> {
  left.databases.add(`${prefix}_dispatch`);
  const env = { MONGODB_DB_PREFIX: prefix, PRIORITY_TARGETS: BENCH_TARGETS, DISPATCH_LIVE_LOOKBACK_MINUTES: `${LOOKBACK}` }; // NODE_ENV test, LOG_LEVEL warn
  const service = await h.launch(left, 'dispatch', port, env, { profiles, readyTimeoutMs: 300_000, root });
  log(`dispatch${root ? ` (baseline ${root})` : ''} pid ${service.pid} ready on ${port} in ${h.f(service.startupMs, 0)} ms (db prefix ${prefix})`);
  return service;
}

/** How far dispatch's incident opener is behind on the triage topic (all of it when the group is new). */
async function openerBacklog(admin: Admin): Promise<number> {
  if (!(await admin.listTopics()).includes(ev.TOPICS.triage)) return 0;
  const committed = await admin.fetchOffsets({ groupId: d.INCIDENT_OPENER_GROUP, topics: [ev.TOPICS.triage] });
  const at = new Map(committed.flatMap((t) => t.partitions.map((p) => [p.partition, Number(p.offset)] as const)));
  return (await admin.fetchTopicOffsets(ev.TOPICS.triage)).reduce((n, p) => n + Number(p.high) - Math.max(at.get(p.partition) ?? -1, Number(p.low)), 0);
}

const jurisdiction = loadJurisdiction(path.join(h.ROOT, 'config/jurisdiction.json'));
const centroids = new Map(jurisdiction.districts.map((x) => [x.code, { latitude: x.latitude, longitude: x.longitude }]));

type Report = { status?: UnitStatus; latitude: number; longitude: number };
/** The simulator's roster, 70 % on shift; most free, some busy on other jobs, 8 % never reported a position (`report` null, as off shift). */
function seedUnits(n: number, seed: number, runId: string) {
  const r = new sim.Prng(seed).fork('shifts');
  return sim.planUnits(n, jurisdiction.districts, seed, runId).map((u) => {
    const onShift = r.chance(0.7);
    const status = r.weighted({ AVAILABLE: 70, BUSY: 15, EN_ROUTE: 8, ON_SCENE: 7 } satisfies Partial<Record<UnitStatus, number>>);
    const report: Report | null = onShift && r.next() >= 0.08 ? { ...(status === 'AVAILABLE' ? {} : { status }), ...u.position } : null;
    return { callSign: u.callSign, type: u.type, capabilities: u.capabilities, homeDistrict: u.homeDistrict, onShift, report };
  });
}

/** A forward exactly as triage publishes it (apps/dispatch/test/dispatch-auto-assign.e2e.spec.ts), of a report from the simulator's catalogue. */
function forwardEnvelope(r: sim.Prng, now: number, tag: string): ev.EventEnvelope<'ReportForwardedForDispatch', ev.ReportForwardedForDispatchV1> {
  const [reportId, category, district] = [randomUUID(), r.weighted(sim.CATEGORY_MIX), r.pick(jurisdiction.districts)];
  const street = r.pick(sim.STREETS[district.code] ?? sim.GENERIC_STREETS);
  const actor = `op-${String(r.int(1, 40)).padStart(2, '0')}`;
  const as = { streamId: reportId, streamVersion: 4, producer: 'triage', actor, correlationId: `bench-dispatch-${tag}-${reportId.slice(0, 8)}` };
  const trackingCode = `${randomUUID().slice(0, 5)}-${randomUUID().slice(0, 5)}`.toUpperCase();
  const channel = r.weighted(sim.URGENT_CATEGORIES.includes(category) ? sim.CHANNEL_MIX_URGENT : sim.CHANNEL_MIX_OTHER);
  const receivedAt = new Date(now - 60_000 - Math.floor(r.next() * 19 * 60_000)).toISOString();
  const priority = r.weighted({ P1: 15, P2: 35, P3: 50 } satisfies Partial<Record<Priority, number>>);
  const nowhere = { latitude: null, longitude: null, address: null }; // 5 % without coordinates (the district's centre)
  const location = r.chance(0.95) ? { ...sim.pointInDistrict(district, r), address: `${street} No. ${r.int(1, 200)}` } : nowhere;
  const description = sim.fill(r.pick(sim.TEMPLATES[category]), street, r);
  const peopleInjured = category === 'KECELAKAAN_LALU_LINTAS' || category === 'DARURAT_MEDIS' ? 1 : 0;
  const data = { reportId, trackingCode, channel, receivedAt, category, priority, district: district.code, location, description, peopleInjured };
  return envelopeOf(ev.ReportForwardedForDispatch, { ...data, peopleInvolved: 2 }, { ...as, at: new Date(now) });
}

// ── part 1 ──
async function part1(service: Service, producer: Producer): Promise<void> {
  const tag = randomUUID().slice(0, 8);
  const units = seedUnits(UNITS, SEED, tag);
  // 1. units through the API
  log(`part 1: registering ${UNITS} units (${SEED_CONCURRENCY} in flight) and reporting their positions`);
  const [seedStart, seedErrors, registerMs, statusMs] = [h.nowMs(), [] as string[], [] as number[], [] as number[]];
  const timed = async (into: number[], call: () => Promise<{ error?: unknown; response: Response }>, t = h.nowMs()) => {
    const { error, response } = await call();
    if (into.push(h.nowMs() - t) && error !== undefined) seedErrors.push(`POST ${response.url}: ${response.status} ${JSON.stringify(error).slice(0, 200)}`);
  };
  await h.pool(units, SEED_CONCURRENCY, async ({ report, ...u }, i) => {
    await timed(registerMs, () => api.POST('/api/v1/units', { body: u }));
    if (report) await timed(statusMs, () => api.POST('/api/v1/units/{unitId}/status', { params: { path: { unitId: u.callSign } }, body: report }));
    if ((i + 1) % 500 === 0) log(`  ${i + 1} units`);
  });
  const unitsSeconds = (h.nowMs() - seedStart) / 1000;
  if (seedErrors.length) throw new Error(`seeding units failed ${seedErrors.length} times, e.g.\n${seedErrors.slice(0, 5).join('\n')}`);
  // 2. incidents through the triage topic, as triage forwards them
  log(`part 1: publishing ${INCIDENTS} forwards to ${ev.TOPICS.triage}`);
  const [incidentsStart, forwardsRng, deadline] = [h.nowMs(), new sim.Prng(SEED + 1), Date.now() + 180_000];
  const forwards = Array.from({ length: INCIDENTS }, () => forwardEnvelope(forwardsRng, Date.now(), tag));
  const messages = forwards.map((e) => ev.toKafkaMessage(e));
  for (let i = 0; i < forwards.length; i += 100) await producer.send({ topic: ev.TOPICS.triage, acks: -1, messages: messages.slice(i, i + 100) });
  let listed = 0;
  let openTotal: number;
  const found = async (e: (typeof forwards)[number]) => void ((await incidentsOf({ reportId: e.data.reportId })).total === 1 && listed++);
  // The list shows at most 500; ours are recognised by id through ?reportId= once the total says so.
  while ((openTotal = (await incidentsOf({ limit: 500 })).total) < INCIDENTS || listed < INCIDENTS) {
    listed = 0;
    if (openTotal >= INCIDENTS) await h.pool(forwards, 8, found);
    if (listed === INCIDENTS) break;
    if (Date.now() > deadline) throw new Error(`only ${listed}/${INCIDENTS} incidents open after 180 s (list total ${openTotal})`);
    await h.sleep(250);
  }
  const incidentsSeconds = (h.nowMs() - incidentsStart) / 1000;
  await h.sleep(1000); // let the projector and relay settle before measuring
  const [rssSeeded, unitsListed] = [h.rssMiB(service.pid), (await api.GET('/api/v1/units')).data!.total];
  await profiles.cut(service.pid, 'seeding');
  // 3a. in process: recommendUnits over the same units and incidents, then the board's path as GET /incidents/{id} runs it
  log('part 1: in-process recommendUnits');
  const position = ({ report: r }: (typeof units)[number]) => (r ? { latitude: r.latitude, longitude: r.longitude } : null);
  const candidates: d.UnitCandidate[] = units.map((u) => {
    const unit = { unitId: u.callSign, callSign: u.callSign, type: u.type, capabilities: u.capabilities, onShift: u.onShift, assignedIncidentId: null };
    const status = !u.onShift ? 'OFF_DUTY' : (u.report?.status ?? 'AVAILABLE');
    return { ...unit, status, position: position(u), homeDistrictCentroid: centroids.get(u.homeDistrict) ?? null, workload: 0 };
  });
  const speedsKmh = { ...d.DEFAULT_SPEEDS_KMH };
  const [board, at] = [new d.DispatchBoard(jurisdiction), new Date().toISOString()];
  const as = (streamId: string, streamVersion: number) => ({ streamId, streamVersion, producer: 'dispatch', actor: 'bench', at: new Date(at) });
  const incidents = forwards.map(({ data: { channel: _c, peopleInvolved: _p, ...e } }) => {
    const [incidentId, { latitude, longitude, address }] = [incidentIdFor(e.reportId), e.location];
    const point = latitude !== null && longitude !== null ? { latitude, longitude } : (centroids.get(e.district!) as GeoPoint);
    const opened = { ...e, incidentId, location: { ...point, address, approximate: latitude === null }, forwardedAt: at };
    return d.incidentDecider.evolve(d.incidentDecider.initialState(), envelopeOf(ev.IncidentOpened, opened, as(incidentId, 1))) as d.Incident;
  });
  const timeCalls = (call: (i: number) => number) => {
    const [lat, returned] = [[] as number[], [] as number[]];
    incidents.forEach((_, i) => call(i)); // warm-up round (JIT), not counted
    for (let k = 0; k < ROUNDS * incidents.length; k++) {
      const t = performance.now();
      returned.push(call(k % incidents.length));
      lat.push(performance.now() - t);
    }
    return { lat, returned };
  };
  const plain = timeCalls((i) => d.recommendUnits(incidents[i].incident, candidates, { speedsKmh }).length);
  for (const u of units) {
    const { callSign, type, capabilities, homeDistrict, report } = u;
    const registered = { unitId: callSign, callSign, type, capabilities, homeDistrict, status: u.onShift ? 'AVAILABLE' : 'OFF_DUTY' } as const;
    let state: d.UnitState = d.unitDecider.evolve(d.unitDecider.initialState(), envelopeOf(ev.UnitRegistered, registered, as(callSign, 1)));
    const moved = report && ({ unitId: callSign, status: report.status ?? 'AVAILABLE', previousStatus: 'AVAILABLE', position: position(u) } as const);
    if (moved) state = d.unitDecider.evolve(state, envelopeOf(ev.UnitStatusChanged, { ...moved, incidentId: null, reportedAt: at }, as(callSign, 2)));
    board.loadUnit({ state: state as d.Unit, version: moved ? 2 : 1 });
    if (moved) board.applyPosition(callSign, { position: moved.position!, reportedAt: at }); // positions live in the latest-position read model
  }
  const viaBoard = timeCalls((i) => board.recommend(incidents[i], speedsKmh, new Date()).length);
  // 3b. through the API
  const ids = forwards.map((e) => incidentIdFor(e.data.reportId));
  const incident = async (incidentId: string) => (await api.GET('/api/v1/incidents/{incidentId}', { params: { path: { incidentId } } })).data!;
  const [sample, recCounts, paths] = [await incident(ids[0]), [] as number[], ids.map((id) => `/api/v1/incidents/${id}`)];
  await h.pool(ids.slice(0, 100), 8, async (id) => void recCounts.push((await incident(id)).recommendations.length));
  const unknownIds = Array.from({ length: 100 }, () => `/api/v1/incidents/${randomUUID()}`);
  const queries: h.Query[] = [
    { label: `GET /api/v1/incidents/{id} (recommendations + timeline), ${paths.length} ids in turn`, paths, token: dispatcher, goal: true },
    { label: 'GET /api/v1/incidents/{unknown id} → 404 (auth + one event-store read)', paths: unknownIds, token: dispatcher, goal: false, expect: 404 },
    { label: `GET /api/v1/incidents (list, first 100 of ${openTotal})`, paths: ['/api/v1/incidents'], token: dispatcher, goal: false },
    { label: 'baseline: GET /health/live', paths: ['/health/live'], goal: false },
  ];
  const measure = async (on: RunningService, port: number) => {
    const [m, loadBefore, o] = [meter(on), h.loadavg(), { warmup: WARMUP, requests: REQUESTS, log, onPhase: (label: string) => profiles.cut(on.pid, label) }];
    const rows = await h.measureQueries(port, queries, CONCURRENCY, { name: 'dispatch', pid: on.pid }, o);
    return { rows, cpuAll: m.stop(), loadBefore, loadAfter: h.loadavg(), rss: h.rssMiB(on.pid) };
  };
  const { rows, cpuAll, loadBefore, loadAfter, rss: rssAfter } = await measure(service, HTTP);
  // The baseline build on the same units and incidents, while this build idles (it keeps its Kafka groups).
  const other = BASELINE_ROOT ? await startDispatch(BASELINE_ROOT, HTTP + 1) : undefined;
  const baseline = other && { startupMs: other.startupMs, rssLoaded: await h.sleep(1000).then(() => h.rssMiB(other.pid)), ...(await measure(other, HTTP + 1)) };
  if (other) await left.stopService(other);
  // ── report ──
  const count = <T>(xs: T[], keys: string[], key: (x: T) => string) => keys.map((k) => `${k} ${xs.filter((x) => key(x) === k).length}`).join(', ');
  const [onShift, withCapability] = [units.filter((u) => u.onShift).length, units.filter((u) => u.capabilities.length).length];
  const [available, noPosition] = [units.filter((u) => u.onShift && !u.report?.status).length, units.filter((u) => u.onShift && !u.report).length];
  const [reg, st, recP] = [h.pct(registerMs), h.pct(statusMs), h.pct(recCounts)];
  h.say`\n=== Part 1 — recommendation latency with ${h.int(UNITS)} units and ${h.int(INCIDENTS)} open incidents ===`;
  h.say`seeded ${h.int(UNITS)} units in ${h.f(unitsSeconds, 1)} s through POST /api/v1/units + POST /api/v1/units/{id}/status (${SEED_CONCURRENCY} in flight; register p50 ${h.f(reg.p50)} / p99 ${h.f(reg.p99)} ms, status p50 ${h.f(st.p50)} / p99 ${h.f(st.p99)} ms)`;
  const unitTypes: string[] = sim.UNIT_MIX.map(([t]) => t);
  const types = count(units, unitTypes, (u) => u.type);
  h.say`  types: ${types}; ${withCapability} with capabilities (FIRST_AID, K9, SEARCH, …); home districts evenly over ${jurisdiction.districts.length}`;
  h.say`  on shift ${onShift} (${h.f((100 * onShift) / UNITS, 0)} %), of which AVAILABLE ${available} (${noPosition} never reported a position: home district centre), the rest BUSY / EN_ROUTE / ON_SCENE; off shift ${UNITS - onShift}`;
  h.say`opened ${h.int(INCIDENTS)} incidents in ${h.f(incidentsSeconds, 1)} s by ReportForwardedForDispatch on ${ev.TOPICS.triage} (batches of 100, acks -1) until all were found by GET /incidents?reportId=`;
  h.say`  categories: ${count(forwards, Object.keys(sim.CATEGORY_MIX), (e) => e.data.category)}; priorities: ${count(forwards, ['P1', 'P2', 'P3'], (e) => e.data.priority)}; 5 % without coordinates (district centre)`;
  const notSeeded = `  ← NOT what was seeded: the board also holds earlier runs' units/incidents (re-read from the dispatch topic); run on fresh infrastructure for exact figures`;
  h.say`board: GET /units lists ${unitsListed}, GET /incidents total ${openTotal}${unitsListed !== UNITS || openTotal !== INCIDENTS ? notSeeded : ' (exactly what was seeded)'}`;
  h.say`dispatch start-up until /health/ready ${h.f(service.startupMs, 0)} ms; RSS (VmRSS) after seeding ${h.f(rssSeeded, 0)} MiB, after the measurements ${h.f(rssAfter, 0)} MiB`;
  h.say`recommendations per incident (first 100 via the API): min ${Math.min(...recCounts)}, p50 ${recP.p50}, max ${recP.max}; detail answer ~${h.int(JSON.stringify(sample).length)} B with ${sample.recommendations?.length} recommendations and ${sample.timeline?.length} timeline entries`;
  h.say`\n(a) in process (this bench's node process): one call = one incident against all ${h.int(UNITS)} candidates; 1 warm-up round + ${ROUNDS} rounds × ${INCIDENTS} incidents; ms`;
  const call = (label: string, lat: number[], p = h.pct(lat)) => [label, ...h.pctCells(p, 3), h.f(p.mean, 3), h.goalCell(p.p99, GOAL_RECOMMEND_P99_MS)];
  const inRows: (string | number)[][] = [['call', 'n', 'p50', 'p90', 'p99', 'max', 'mean', `goal p99 ≤ ${GOAL_RECOMMEND_P99_MS} ms`]];
  inRows.push(call(`recommendUnits(need, UnitCandidate[${candidates.length}], speeds)`, plain.lat));
  inRows.push(call('DispatchBoard.recommend (Map + workload, as the API)', viaBoard.lat));
  h.say`${h.table(inRows)}\n  recommendations returned per call: p50 ${h.pct(plain.returned).p50}, min ${Math.min(...plain.returned)} (limit 5)`;
  h.say`\n(b) through the API: closed loop, ${WARMUP} warm-up + ${REQUESTS} measured requests per row, keep-alive HTTP/1.1; request sent → whole body read; ms`;
  h.say`${h.queryTable(rows, 'dispatch', GOAL_INCIDENT_DETAIL_P99_MS)}\n${h.cpuLine(cpuAll)}\nload average (1/5/15 min): before the API measurements ${loadBefore}, after ${loadAfter}`;
  if (!baseline) return;
  h.say`\n(c) baseline: the dispatch built under ${BASELINE_ROOT}, on the same units and incidents (port ${HTTP + 1}), right after; ms`;
  h.say`baseline start-up until /health/ready ${h.f(baseline.startupMs, 0)} ms; RSS (VmRSS) after start ${h.f(baseline.rssLoaded, 0)} MiB, after the measurements ${h.f(baseline.rss, 0)} MiB`;
  h.say`${h.queryTable(baseline.rows, 'dispatch', GOAL_INCIDENT_DETAIL_P99_MS)}\n${h.cpuLine(baseline.cpuAll)}`;
  h.say`load average (1/5/15 min): before the baseline's measurements ${baseline.loadBefore}, after ${baseline.loadAfter}`;
}

// ── part 2 ──
/** One forward: when sent, its IncidentOpened seen by the bench's kafkajs consumer (and its recordedAt), first listed by GET ?reportId=; the poller's marks. */
type Sent = { reportId: string; sentAt: number; onKafkaAt?: number; openedRecordedAt?: number; apiSeenAt?: number; polledAt?: number; polling?: boolean };
async function part2(service: RunningService, producer: Producer): Promise<void> {
  const [r, tag, byReport] = [new sim.Prng(SEED + 2), randomUUID().slice(0, 8), new Map<string, Sent>()];
  const group = `bench-dispatch-opened-${tag}`; // the bench's own consumer of the dispatch topic (own group, from the latest offsets)
  left.groups.add(group);
  const eachBatch = async ({ batch }: EachBatchPayload) => {
    const at = h.nowMs();
    for (const m of batch.messages) {
      const e = await Promise.resolve(m)
        .then(ev.fromKafkaMessage)
        .catch(() => undefined); // undefined: not an envelope
      const s = e?.type === 'IncidentOpened' ? byReport.get((e.data as { reportId: string }).reportId) : undefined;
      if (s && s.onKafkaAt === undefined) [s.onKafkaAt, s.openedRecordedAt] = [at, Date.parse(e!.recordedAt)];
    }
  };
  const consumer = await h.joinedConsumer(kafka, { groupId: group }, [ev.TOPICS.dispatch], false, { eachBatch });
  left.closers.push(() => consumer.disconnect());
  await h.sleep(1000);
  const send = (phase: Sent[]) => () => {
    const e = forwardEnvelope(r, Date.now(), tag);
    const s: Sent = { reportId: e.data.reportId, sentAt: h.nowMs() };
    [byReport.set(s.reportId, s), phase.push(s)];
    void producer.send({ topic: ev.TOPICS.triage, acks: -1, messages: [ev.toKafkaMessage(e)] }).catch((err) => log(`send failed: ${err}`));
  };
  const drain = async (phase: Sent[], done: (s: Sent) => boolean) => {
    for (const until = Date.now() + DRAIN_S * 1000; Date.now() < until && !phase.every(done);) await h.sleep(50);
  };
  const [warm, phaseK, phaseA, pollRtt, pollGap] = [[] as Sent[], [] as Sent[], [] as Sent[], [] as number[], [] as number[]];
  const total = Math.max(1, Math.round(RATE * SECONDS));
  log('part 2: warm-up, 20 forwards at 10/s');
  await h.openLoop(20, 10, send(warm));
  await drain(warm, (s) => s.onKafkaAt !== undefined);
  /** One load phase: `total` forwards at RATE into `xs`, drained until `done` for each; `after` ends what ran beside it. CPU, load average, send lag. */
  const phase = async (xs: Sent[], done: (s: Sent) => boolean, profile: string, after?: () => Promise<unknown>) => {
    const [m, load] = [meter(service), h.loadavg()];
    const loop = await h.openLoop(total, RATE, send(xs));
    await drain(xs, done);
    await after?.();
    const cpu = m.stop();
    await profiles.cut(service.pid, profile);
    return { loop, cpu, load };
  };
  log(`part 2: Kafka-observed phase, ${total} forwards at ${RATE}/s`);
  const K = await phase(phaseK, (s) => s.onKafkaAt !== undefined, 'forward → IncidentOpened (Kafka phase)');
  // Phase A: the same load, with a poller of GET /incidents?reportId= (each pending report at most every POLL_MS; a failure is "not yet"; given up on after
  // DRAIN_S + SECONDS).
  let A: Awaited<ReturnType<typeof phase>> | undefined;
  if (API_PHASE) {
    log(`part 2: API-observed phase, ${total} forwards at ${RATE}/s, polling each pending report every ${POLL_MS} ms (${POLL_CONCURRENCY} in flight)`);
    let sending = true;
    const due = (s: Sent, now: number) => s.apiSeenAt === undefined && !s.polling && now - (s.polledAt ?? 0) >= POLL_MS;
    const poller = async () => {
      for (let now = h.nowMs(); sending || phaseA.some((s) => s.apiSeenAt === undefined); now = h.nowMs()) {
        const next = phaseA.find((s) => due(s, now));
        if (!next) await h.sleep(1);
        else if (now - next.sentAt > (DRAIN_S + SECONDS) * 1000) next.apiSeenAt = NaN;
        else {
          if (next.polledAt !== undefined) pollGap.push(now - next.polledAt);
          [next.polledAt, next.polling] = [now, true];
          const res = await h.request(HTTP, 'GET', `/api/v1/incidents?reportId=${next.reportId}`, dispatcher).catch(() => undefined);
          next.polling = false;
          if (res) pollRtt.push(res.ms);
          if (res?.status === 200 && JSON.parse(res.body).total === 1) next.apiSeenAt = res.end;
        }
      }
    };
    const pollers = Promise.all(Array.from({ length: POLL_CONCURRENCY }, poller));
    const stop = async () => {
      sending = false;
      for (const s of phaseA) s.apiSeenAt ??= NaN;
      await pollers;
    };
    A = await phase(phaseA, (s) => s.apiSeenAt !== undefined && s.onKafkaAt !== undefined, 'forward → found by GET ?reportId= (API phase)', stop);
  }
  // Kafka alone: same message size, same rate, kafkajs → kafkajs on a throw-away topic.
  log(`part 2: Kafka-only baseline, ${total} messages at ${RATE}/s`);
  const k = await h.kafkaOnlyLatency(kafka, forwardEnvelope(new sim.Prng(7), Date.now(), tag), total, RATE, { left });
  const [baseline, rssAfter] = [{ ...k, lat: h.pct(k.latencies) }, h.rssMiB(service.pid)];
  // ── report ──
  const sizeOf = Buffer.byteLength(JSON.stringify(forwardEnvelope(new sim.Prng(7), Date.now(), tag)));
  type Moment = 'sentAt' | 'onKafkaAt' | 'openedRecordedAt' | 'apiSeenAt';
  const lat = (xs: Sent[], from: Moment, to: Moment) => h.pct(xs.map((s) => (s[to] ?? NaN) - (s[from] ?? NaN)).filter(Number.isFinite));
  /** A row from one moment to another; `counted`: with how many were sent and never reached `to`. */
  const span = (label: string, xs: Sent[], from: Moment, to: Moment, counted = false) =>
    ((p) => [label, ...h.pctCells(p), counted ? total : '', counted ? total - p.n : ''])(lat(xs, from, to));
  h.say`\n=== Part 2 — forward → incident open, ${RATE}/s for ${SECONDS} s (${total} forwards per phase, open loop) ===`;
  h.say`each forward: a ReportForwardedForDispatch envelope of ~${sizeOf} B sent to ${ev.TOPICS.triage} (kafkajs, idempotent producer, 1 request in flight, acks -1); dispatch's group ${d.INCIDENT_OPENER_GROUP} opens the incident (event store append), its outbox relay publishes IncidentOpened to ${ev.TOPICS.dispatch}: two Kafka hops`;
  const kRows: (string | number)[][] = [
    ['', 'n', 'p50', 'p90', 'p99', 'max', 'of sent', 'lost'],
    span('forward sent → IncidentOpened received (kafkajs consumer)', phaseK, 'sentAt', 'onKafkaAt', true),
    span('  sent → IncidentOpened recordedAt (hop 1, opener, append)', phaseK, 'sentAt', 'openedRecordedAt'),
    span('  recordedAt → received (outbox relay, hop 2)', phaseK, 'openedRecordedAt', 'onKafkaAt'),
  ];
  if (API_PHASE) {
    kRows.push(span('forward sent → first found by GET /incidents?reportId= (API phase)', phaseA, 'sentAt', 'apiSeenAt', true));
    kRows.push(span('  same phase: sent → IncidentOpened received (kafkajs)', phaseA, 'sentAt', 'onKafkaAt'));
    kRows.push(['  poll round trip (GET ?reportId=, mostly "not yet")', ...h.pctCells(h.pct(pollRtt)), `${pollRtt.length} polls`, '']);
    kRows.push(['  poll interval per pending report achieved', ...h.pctCells(h.pct(pollGap)), '', '']);
  }
  const kafkaOnly = `baseline: Kafka only, kafkajs send → kafkajs consumer (one hop, ${baseline.bytes} B)`;
  kRows.push([kafkaOnly, ...h.pctCells(baseline.lat), baseline.sent, baseline.sent - baseline.lat.n]);
  const floor = 2 * baseline.lat.p50;
  h.say`${h.table(kRows)}\ntwo Kafka hops alone ≈ 2 × ${h.f(baseline.lat.p50)} = ${h.f(floor)} ms at p50; dispatch adds ≈ ${h.f(lat(phaseK, 'sentAt', 'onKafkaAt').p50 - floor)} ms at p50 over that floor (Kafka-observed)`;
  const sliceRows: (string | number)[][] = [['by when the forward was sent', 'n', 'p50', 'p90', 'p99', 'max']];
  for (const [from, to] of [0, 1, 2, 3].map((q) => [(q * SECONDS) / 4, ((q + 1) * SECONDS) / 4])) {
    const part = phaseK.filter((s) => s.sentAt - K.loop.start >= from * 1000 && s.sentAt - K.loop.start < to * 1000);
    sliceRows.push([`Kafka phase ${h.f(from, 1)}–${h.f(to, 1)} s`, ...h.pctCells(lat(part, 'sentAt', 'onKafkaAt'))]);
  }
  h.say`${h.table(sliceRows)}\nsend schedule lag (open loop): Kafka phase p99 ${h.f(h.pct(K.loop.lag).p99, 2)} ms${A ? `, API phase p99 ${h.f(h.pct(A.loop.lag).p99, 2)} ms` : ''}`;
  h.say`Kafka phase: ${h.cpuLine(K.cpu)}; load average at its start ${K.load}`;
  if (A) h.say`API phase: ${h.cpuLine(A.cpu)}; load average at its start ${A.load}`;
  h.say`dispatch RSS (VmRSS) after part 2: ${h.f(rssAfter, 0)} MiB`;
}

async function main() {
  const [part1Too, part2Too] = [wantPart1 || !wantPart2, wantPart2 || !wantPart1];
  h.header(`bench/dispatch: ${[part1Too && 'part 1', part2Too && 'part 2'].filter(Boolean).join(', then ')} (method and settings: bench/dispatch/README.md)`);
  const admin = kafka.admin();
  await admin.connect();
  await ev.ensureTopics(admin, [{ topic: ev.TOPICS.triage }, { topic: ev.TOPICS.dispatch }]);
  const backlog = await ev.whileBrokerSettles(() => openerBacklog(admin)).finally(() => admin.disconnect());
  const msg = `dispatch's group ${d.INCIDENT_OPENER_GROUP} has ${backlog} triage events to catch up on (another run's history on this Kafka): it would open those incidents during the bench`;
  if (backlog > 100 && !has('force')) throw new Error(`${msg}. Run on fresh infrastructure (infra reset with the bench's env), or pass --force.`);
  if (backlog > 100) console.log(`WARNING (--force): ${msg}`);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  left.closers.push(() => producer.disconnect());
  dispatch = await startDispatch();
  if (part1Too) await part1(dispatch, producer);
  if (part2Too) await part2(dispatch, producer);
  await left.stopService(dispatch);
  await profiles.print(dispatch.pid, 15, 'between rows');
}

h.run(main, left, () => dispatch);
