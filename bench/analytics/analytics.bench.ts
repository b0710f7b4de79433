// bench/analytics: analytics' replay throughput over a long generated history, then its query latency on it; see README.md.
import 'reflect-metadata'; // @callcenter/events and the service sources carry decorators that need the metadata polyfill first
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { Message } from 'kafkajs';
import { loadJurisdiction } from '@callcenter/contracts';
import * as ev from '@callcenter/events';
import { eventually, readToEnd, tailToEnd, testInfra, testToken } from '@callcenter/testing';
import * as h from '../harness';
import { AnalyticsModel } from '../../apps/analytics/src';
import { HistoryGenerator } from '../../tools/simulator/src';

const TOPICS = [ev.TOPICS.intake, ev.TOPICS.triage, ev.TOPICS.dispatch];
const SPECS = TOPICS.map((topic) => ({ topic }));
const strings = 'events per-day batch in-flight start-timeout-s requests warmup max-row-s min-requests max-warmup-s concurrency http seed cpu-prof'.split(' ');
const booleans = 'reuse-history history-only no-rebuild no-baselines no-queries keep-db'.split(' ');
const { flag, num, has, whole, list } = h.options(h.readmeOptions('analytics'), strings, booleans);
const [EVENTS, PER_DAY, BATCH, IN_FLIGHT] = [whole('events', 1e6), whole('per-day', 1000, 1), whole('batch', 500, 1), whole('in-flight', 4, 1)];
const [REQUESTS, WARMUP, MIN_REQUESTS] = [whole('requests', 300, 1), whole('warmup', 30), whole('min-requests', 50, 1)];
const [START_TIMEOUT_S, MAX_ROW_S, MAX_WARMUP_S] = [num('start-timeout-s', 900), num('max-row-s', 45), num('max-warmup-s', 10)];
const [SEED, HTTP, REUSE, CONCURRENCY] = [whole('seed', 1), whole('http', 13310), has('reuse-history'), list('concurrency', '1,4')];
const [GOAL_EPS, GOAL_START_S, GOAL_P99_MS] = [50_000, 15, 100]; // GOAL_START_S: issue 15, from a snapshot, 10 M events
const { log, profiles, kafka, left } = h.setup('analytics', flag('cpu-prof'), () => has('keep-db'));
const [DAY, WIB_MS, prefix] = [86_400_000, 7 * 3600_000, `bench_analytics_${Date.now()}`];
const wibDay = (ms: number) => new Date(ms + WIB_MS).toISOString().slice(0, 10);
const counts = (o: Record<string, number>, fmt = h.int) => Array.from(Object.entries(o), ([k, n]) => `${k} ${fmt(n)}`).join(', ');
const tally = (o: Record<string, number>, k: string) => (o[k] = (o[k] ?? 0) + 1);
const sumOf = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
/** A reader's table row: events, seconds, events/s, `judge` of that rate, notes. */
const rateRow = (label: string, n: number, s: number, judge: (rate: number) => string, notes = '') =>
  [label, h.int(n), h.f(s, 1), h.int(n / s), judge(n / s)].concat(notes);
/** The simulator's history (`PER_DAY` reports a day over whole days ending yesterday, Asia/Jakarta), in batches over the three topics. */
async function produceHistory() {
  const { districts } = loadJurisdiction(path.join(h.ROOT, 'config/jurisdiction.json'));
  const gen = new HistoryGenerator({ seed: SEED, runId: randomUUID().slice(0, 8), districts, reportsPerDay: PER_DAY });
  const s = { events: 0, bytes: 0, byTopic: {} as Record<string, number>, byType: {} as Record<string, number> };
  const firstDay = Math.floor((Date.now() + WIB_MS) / DAY) * DAY - WIB_MS - Math.max(1, Math.ceil(EVENTS / 11.3 / PER_DAY)) * DAY; // ~11.3 events a report
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  left.closers.push(() => producer.disconnect());
  const inFlight = new Set<Promise<unknown>>();
  let [batch, batched, batches, sendError] = [new Map<string, Message[]>(), 0, 0, undefined as unknown];
  const flush = async () => {
    const topicMessages = [...batch].map(([topic, messages]) => ({ topic, messages }));
    [batch, batched] = [new Map(), 0];
    while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    if (sendError) throw sendError;
    // The first batch alone: while the producer loads metadata, concurrent sends could put a unit stream's events out of order.
    if (batches++ === 0) return void (await producer.sendBatch({ acks: -1, topicMessages }));
    const send = producer.sendBatch({ acks: -1, topicMessages }).catch((e) => (sendError = e));
    const p: Promise<unknown> = send.finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  const push = async (e: ev.EventEnvelope) => {
    const [topic, message] = [ev.TOPICS[e.producer as 'intake' | 'triage' | 'dispatch'], ev.toKafkaMessage(e)];
    [s.events, s.bytes] = [s.events + 1, s.bytes + (message.value as string).length];
    (tally(s.byTopic, topic), tally(s.byType, e.type));
    (batch.get(topic) ?? batch.set(topic, []).get(topic)!).push(message);
    if (++batched >= BATCH) await flush();
  };
  const t0 = h.nowMs();
  let [day, lastLog] = [0, 0];
  for (const e of gen.roster(firstDay)) await push(e);
  for (; s.events < EVENTS || day < 1; day++) {
    for (const e of gen.day24h(firstDay + day * DAY)) await push(e);
    if (s.events - lastLog >= 100_000) log(`  ${h.int((lastLog = s.events))} events produced (${h.int(s.events / ((h.nowMs() - t0) / 1000))}/s)`);
  }
  if (batched) await flush();
  await Promise.all(inFlight);
  if (sendError) throw sendError;
  const { decisions, reports, units, timelineIds } = gen;
  const [seconds, span] = [(h.nowMs() - t0) / 1000, { firstDay: wibDay(firstDay), lastDay: wibDay(firstDay + (day - 1) * DAY) }];
  return { ...s, ...span, decisions, reports, units, timelineIds, seconds, days: day };
}
/** Messages on each of the three topics now (`create`: creating them first, as the services do). */
async function topicSizes(create = false): Promise<Record<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  if (create) await ev.ensureTopics(admin, SPECS);
  const existing = new Set(await admin.listTopics());
  const sizes = await Promise.all(TOPICS.map(async (t) => [t, existing.has(t) ? await h.topicSize(admin, t) : 0] as const));
  await admin.disconnect();
  return Object.fromEntries(sizes);
}
/** Polls `probe` every 250 ms until it answers, for at most --start-timeout-s. */
const poll = <T>(what: string, probe: () => Promise<T | null | undefined | false>) =>
  eventually(probe, Boolean, START_TIMEOUT_S * 1000, 250).catch(() => Promise.reject(new Error(`${what} after ${START_TIMEOUT_S} s`))) as Promise<T>;
/** When reusing a history: the intake topic's span, and a reservoir sample of its report ids (every report equally likely). */
async function sampleIntake(want: number) {
  const ids: string[] = [];
  let [seen, first, last] = [0, '', ''];
  await readToEnd(
    kafka,
    [ev.TOPICS.intake],
    (m) => {
      const e = JSON.parse(m.value!.toString());
      if (e.type !== 'ReportReceived') return;
      [first, last] = [!first || e.data.receivedAt < first ? e.data.receivedAt : first, e.data.receivedAt > last ? e.data.receivedAt : last];
      if (ids.length < want) ids.push(e.streamId);
      else if (Math.random() < want / (seen + 1)) ids[Math.floor(Math.random() * want)] = e.streamId;
      seen++;
    },
    120_000,
  );
  return { timelineIds: ids, firstDay: wibDay(Date.parse(first)), lastDay: wibDay(Date.parse(last)) };
}
/**
 * The service's replay path without Nest: a TopicTail over the three topics from offset 0 into an AnalyticsModel, model.apply timed
 * apart, until it is through to where the topics ended when it started (events it refuses are never handed over, but their batch's
 * position is); then its digest.
 */
async function inProcessFold() {
  const registry = new ev.EventRegistry([...ev.intakeEvents, ...ev.triageEvents, ...ev.dispatchEvents]);
  const [model, refused, t0] = [new AnalyticsModel(), {} as Record<string, number>, h.nowMs()];
  let [read, applyMs, last] = [0, 0, NaN];
  const handle = (events: ev.EventEnvelope[]) => {
    const a = performance.now();
    for (const e of events) model.apply(e);
    [applyMs, read, last] = [applyMs + performance.now() - a, read + events.length, h.nowMs()];
  };
  await tailToEnd(kafka, TOPICS, handle, { registry, onRefused: (r) => tally(refused, r.reason) });
  const heapMiB = process.memoryUsage().heapUsed / 2 ** 20;
  const [digest, unsliced] = [await h.longestBlock(() => model.digest()), await h.longestBlock(() => model.digest(Infinity))];
  return { read, refused, seconds: (last - t0) / 1000, applyMs, digest, unsliced, reports: model.facts.size, heapMiB };
}
/** Analytics with a deadline of --start-timeout-s (it reads the history before it is ready). */
async function startAnalytics() {
  left.databases.add(`${prefix}_analytics`);
  return h.launch(left, 'analytics', HTTP, { MONGODB_DB_PREFIX: prefix }, { profiles, readyTimeoutMs: START_TIMEOUT_S * 1000 });
}
async function main() {
  h.header('bench/analytics: replay throughput over a generated history, then query latency on it');
  const pids = { bench: process.pid, ...h.infraPids() };
  const before = await topicSizes(true);
  const preexisting = sumOf(before);
  let history: { timelineIds: string[]; firstDay: string; lastDay: string };
  if (REUSE) {
    if (preexisting < 1000) throw new Error(`--reuse-history: the topics hold only ${preexisting} events`);
    log(`reusing the ${h.int(preexisting)} events on the topics; sampling report ids from ${ev.TOPICS.intake}`);
    history = await sampleIntake(500);
    h.say`\nhistory: reused, ${h.int(preexisting)} events already on the topics (${counts(before)}); reports ${history.firstDay} … ${history.lastDay} (Asia/Jakarta)`;
  } else {
    log(`generating ≥ ${h.int(EVENTS)} events (${PER_DAY} reports/day), batches of ${BATCH}, ${IN_FLIGHT} in flight`);
    const m = h.cpuMeter({ bench: process.pid, kafka: pids.kafka });
    const s = (history = await produceHistory());
    const produced = `${h.int(s.events / s.seconds)} events/s produced, kafkajs sendBatch × ${BATCH}, ${IN_FLIGHT} in flight, acks -1`;
    h.say`\nhistory: generated ${h.int(s.events)} events for ${h.int(s.reports)} reports over ${s.days} days (${s.firstDay} … ${s.lastDay}, Asia/Jakarta; the simulator's traffic, ${PER_DAY}/day) and ${s.units} units, in ${h.f(s.seconds, 1)} s (${produced}); ${h.f(s.events / s.reports, 1)} events/report; ${h.f(s.bytes / 2 ** 20, 0)} MiB of JSON (mean ${h.int(s.bytes / s.events)} B/event)`;
    const [decisions, byType] = [counts(s.decisions, (n) => `${h.f((100 * n) / s.reports, 1)} %`), Object.entries(s.byType).sort((a, b) => b[1] - a[1])];
    h.say`  per topic: ${counts(s.byTopic)}\n  decisions: ${decisions}\n  event types: ${counts(Object.fromEntries(byType))}\n  ${h.cpuLine(m.stop())}`;
    if (preexisting) h.say`  NOTE: the topics held ${h.int(preexisting)} events before (${counts(before)}); every replay below reads them too`;
  }
  const sizes = await topicSizes();
  const total = sumOf(sizes);
  console.log(`topics now: ${counts(sizes)} = ${h.int(total)} events`);
  if (has('history-only')) return;
  // ── 1. replay: start-up, rebuild, restart from the snapshot; printed before part 2, so a run cut short later keeps it ──
  console.log(`\n=== 1. Replay: ${h.int(total)} events from offset 0 into every read model (goal ≥ ${h.int(GOAL_EPS)} events/s) ===`);
  log(`starting analytics on ${HTTP} (db prefix ${prefix}); it reads ${h.int(total)} events before it listens`);
  const [meterStart, loadStart] = [h.cpuMeter(pids), h.loadavg()];
  let service = await startAnalytics();
  const [first, cpuStart, cpuStartAnalytics, readyAt] = [service, meterStart.stop(), h.cpuTicks(service.pid) / h.HZ, h.nowMs()];
  const rssReady = h.rssMiB(service.pid);
  const db = (await left.mongo()).db(`${prefix}_analytics`);
  const [gens, snapshots] = [db.collection<any>('analytics_generations'), db.collection<any>('analytics_snapshots')];
  // Ready comes before the generation's record (its digest is hashed between turns of the event loop): wait for it.
  const gen1 = await poll('no record of generation 1', () => gens.findOne({}, { sort: { _id: 1 } }));
  await profiles.cut(service.pid, 'start-up (generation 1 from offset 0)');
  const goal = (eps: number) => (eps >= GOAL_EPS ? 'met' : `MISSED by ${h.int(GOAL_EPS - eps)}/s (${h.f((100 * eps) / GOAL_EPS, 0)} % of goal)`);
  const rows = [['replay', 'events', 'seconds', 'events/s', `goal ≥ ${h.int(GOAL_EPS)}/s`, 'notes']];
  const gen1Note = `${h.int(gen1.events)} events applied, ${h.int(gen1.reports)} reports`;
  const startNote = `Nest boot + generation 1 + digest + record; analytics CPU ${h.f(cpuStartAnalytics, 1)} s; generation record: ${gen1Note}`;
  rows.push(rateRow('analytics start-up: spawn → /health/ready', total, service.startupMs / 1000, goal, startNote));
  // Once ready, analytics snapshots the generation it built (the encoding holds its event loop): the rebuild is timed after that.
  const snapshotOf = (generation: number) => poll(`no snapshot of generation ${generation}`, () => snapshots.findOne({ generation, complete: true }));
  const snapshotNote = `the snapshot of generation ${gen1._id} (${(await snapshotOf(gen1._id)).chunks} chunks) was whole ${h.f((h.nowMs() - readyAt) / 1000, 1)} s after ready`;
  log(snapshotNote);
  let rebuild: { caughtUpS: number; reported: any; peakRss: number; cpu: h.CpuReading; load: string; gen: any } | undefined;
  if (!has('no-rebuild')) {
    log('POST /api/v1/admin/rebuild, polling GET /api/v1/admin/rebuild every 250 ms');
    const api = (method: string) => h.request(HTTP, method, '/api/v1/admin/rebuild', testToken('bench-admin', ['admin']), undefined, 120_000);
    const [m, load, t0, post] = [h.cpuMeter({ analytics: service.pid, ...pids }), h.loadavg(), h.nowMs(), await api('POST')];
    if (post.status !== 202) throw new Error(`rebuild refused: ${post.status} ${post.body}`);
    await h.sleep(250); // the first look 250 ms after the POST
    let [caughtUpS, peakRss] = [NaN, 0];
    const p = await poll('rebuild not done', async () => {
      peakRss = Math.max(peakRss, h.rssMiB(service.pid) || 0);
      const r = JSON.parse((await api('GET')).body).rebuild;
      if (r && Number.isNaN(caughtUpS) && r.done >= r.total) caughtUpS = (h.nowMs() - t0) / 1000;
      return r?.state !== 'RUNNING' && r;
    });
    const [switchedS, cpu, gen] = [(h.nowMs() - t0) / 1000, m.stop(), await gens.findOne({ _id: p.generation })];
    if (p.state !== 'SWITCHED') throw new Error(`rebuild ${p.state}: ${p.error}`);
    rebuild = { caughtUpS, reported: p, peakRss, cpu, load, gen };
    await profiles.cut(service.pid, 'rebuild (generation 2 from offset 0, then switch)');
    rows.push(rateRow('POST /admin/rebuild → read to the end (done = total)', p.total, caughtUpS, goal, 'polled every 250 ms'));
    const genNote = gen ? `${h.int(gen.events)} events applied, digest ${gen.digest.slice(0, 12)} (generation 1: ${gen1.digest.slice(0, 12)})` : '?';
    const note = `incl. stopping the old generation, digest and record; the service reports ${h.int(p.eventsPerSecond)} events/s; generation ${p.generation}: ${genNote}`;
    rows.push(rateRow('POST /admin/rebuild → state SWITCHED', p.total, switchedS, goal, note));
  }
  // Restart from the snapshot the current generation wrote once ready.
  const current = rebuild?.reported.generation ?? gen1._id;
  const snap = await snapshotOf(current);
  const sizeOf = [{ $match: { snapshot: snap._id } }, { $group: { _id: null, bytes: { $sum: { $binarySize: '$data' } } } }];
  const [chunks, unknown] = [db.collection('analytics_snapshot_chunks'), () => [{ bytes: NaN }]];
  const [{ bytes } = { bytes: 0 }] = await chunks.aggregate(sizeOf).toArray().catch(unknown);
  log(`snapshot of generation ${current} found (${h.int(snap.eventsApplied)} events, ${snap.chunks} chunks); restarting analytics`);
  await left.stopService(service, 30_000);
  service = await startAnalytics();
  const restartS = service.startupMs / 1000;
  const gen = await poll('no record of the restarted generation', () => gens.findOne({ _id: { $gt: current } }, { sort: { _id: -1 } }));
  const fromSnapshot = `resumed from the snapshot (${snap.chunks} chunks, ${h.f(bytes / 2 ** 20, 0)} MiB compressed), read ${h.int(gen?.read ?? NaN)} events after its offsets`;
  const resumed = gen?.reason === 'snapshot' ? fromSnapshot : `did NOT resume from a snapshot (${gen?.reason})`;
  const restartGoal = restartS <= GOAL_START_S ? `met (≤ ${GOAL_START_S} s)` : `MISSED (goal ≤ ${GOAL_START_S} s)`;
  const answers = `every /health/ready poll answered within ${h.int(service.slowestAnswerMs ?? NaN)} ms`;
  const restartNote = `listening (503 warming up) after ${h.f(service.listenMs / 1000, 1)} s, ${answers}; ${resumed}`;
  rows.push(['analytics restart with its snapshot: spawn → /health/ready', h.int(total), h.f(restartS, 1), '', restartGoal, restartNote]);
  const applied = rebuild?.gen?.events ?? gen1.events;
  const skipped = `${h.int(total - applied)} skipped because their stream had already reached that version (duplicates, or a stream's events out of order on its partition)`;
  const all = `every one of the ${h.int(total)} events on the topics was applied (generation record)`;
  const check =
    applied === undefined ? 'generation record not found' : applied === total ? all : `${h.int(applied)} of ${h.int(total)} events applied; ${skipped}`;
  h.say`analytics: LOG_LEVEL=warn, NODE_ENV=test, fresh MONGODB_DB_PREFIX ${prefix}; start-up load average ${loadStart}; ${h.cpuLine(cpuStart)} (analytics itself ${h.f(cpuStartAnalytics, 1)} s CPU)`;
  console.log(`${h.table(rows, ['l', 'r', 'r', 'r', 'l', 'l'])}\ncheck: ${check}`);
  console.log(`snapshots: ${snapshotNote}`);
  if (rebuild) console.log(`rebuild: ${h.cpuLine(rebuild.cpu)}; load average at its start ${rebuild.load}`);
  const rebuildRss = rebuild ? `, peak during the rebuild (two generations) ${h.f(rebuild.peakRss, 0)} MiB` : '';
  h.say`analytics RSS (VmRSS): peak during start-up ${h.f(first.peakRss, 0)} MiB, ready ${h.f(rssReady, 0)} MiB${rebuildRss}; restarted from the snapshot: peak ${h.f(service.peakRss, 0)} MiB, ready ${h.f(h.rssMiB(service.pid), 0)} MiB`;
  // ── 2. queries ──
  if (!has('no-queries')) {
    const { timelineIds, firstDay, lastDay } = history;
    const midDay = wibDay(Date.parse(`${firstDay}T00:00:00+07:00`) + Math.floor((Date.parse(lastDay) - Date.parse(firstDay)) / DAY / 2) * DAY);
    const at0 = (day: string) => encodeURIComponent(`${day}T00:00:00+07:00`);
    const oneDay = `from=${at0(midDay)}&to=${at0(wibDay(Date.parse(`${midDay}T00:00:00+07:00`) + DAY))}`;
    const analyst = testToken('bench-analyst', ['analyst']);
    const q = (label: string, paths: string[], goal = true): h.Query => ({ label, paths, token: goal ? analyst : undefined, goal });
    const filters = [['', ''], ...['?district=TEBET&category=KEJAHATAN'].map((f) => [f, f]), [`?from/to one day (${midDay} WIB)`, `?${oneDay}`]];
    const stat = (s: string) => filters.map(([label, query]) => q(`stats/${s}${label}`, [`/api/v1/stats/${s}${query}`]));
    const queries = ['volume', 'durations', 'load', 'staffing', 'hotspots', 'workload'].flatMap(stat);
    const timelines = timelineIds.map((id) => `/api/v1/reports/${id}/timeline`);
    queries.push(q(`reports/{id}/timeline (${timelineIds.length} ${REUSE ? '' : 'forwarded '}reports in turn)`, timelines));
    queries.push(q('stats/workload?format=csv', ['/api/v1/stats/workload?format=csv']), q('baseline: GET /health/live', ['/health/live'], false));
    const [m, loadBefore] = [h.cpuMeter({ analytics: service.pid, ...pids }), h.loadavg()];
    const warmupLoop = (concurrency: number) => ({ maxS: MAX_WARMUP_S, minRequests: Math.min(WARMUP, concurrency), timeoutMs: 120_000 });
    const o = { warmup: WARMUP, requests: REQUESTS, log, warmupLoop, loop: { maxS: MAX_ROW_S, minRequests: MIN_REQUESTS, timeoutMs: 120_000 } };
    const queryRows = await h.measureQueries(HTTP, queries, CONCURRENCY, { name: 'analytics', pid: service.pid }, o);
    const [cpu, loadAfter, rss] = [m.stop(), h.loadavg(), h.rssMiB(service.pid)];
    await profiles.cut(service.pid, 'queries');
    console.log(`\n=== 2. Queries on that history (${h.int(total)} events; goal p99 ≤ ${GOAL_P99_MS} ms) ===`);
    h.say`closed loop, ${WARMUP} warm-up (at most ${MAX_WARMUP_S} s) + ${REQUESTS} measured requests per row (fewer, but at least ${MIN_REQUESTS}, when a row passes ${MAX_ROW_S} s: see n), keep-alive HTTP/1.1, analyst token; request sent → whole body read; ms; one day = ${oneDay}`;
    console.log(h.queryTable(queryRows, 'analytics', GOAL_P99_MS));
    const rowsAt = (c: number) => queryRows.filter((r) => r.concurrency === c);
    for (const c of CONCURRENCY) console.log(h.goalLine(`at concurrency ${c}`, rowsAt(c), GOAL_P99_MS));
    h.say`queries: ${h.cpuLine(cpu)}; load average before ${loadBefore}, after ${loadAfter}\nanalytics RSS (VmRSS) after the queries: ${h.f(rss, 0)} MiB`;
  }
  await left.stopService(service, 30_000);
  // ── baselines on the same topics, analytics stopped ──
  if (!has('no-baselines')) {
    const [loadB, perf] = [h.loadavg(), [] as Awaited<ReturnType<typeof h.consumerPerformance>>[]];
    const o = () => ({ group: `perf-${randomUUID()}`, heap: '512m', toolTimeoutMs: 600_000, left });
    log(`ConsumerPerformance on each topic (${counts(sizes)} messages)`);
    for (const topic of TOPICS) perf.push(await h.consumerPerformance(testInfra().brokers, topic, sizes[topic], o()));
    const sum = (pick: (p: (typeof perf)[number]) => number) => perf.reduce((s, p) => s + pick(p), 0);
    log(`bare kafkajs loop (read + JSON.parse) over the 3 topics, ${h.int(total)} messages, then TopicTail + AnalyticsModel in this process`);
    let checksum = 0; // uses the parsed value, so the parse is not optimised away
    const k = await readToEnd(kafka, TOPICS, (m) => (checksum += JSON.parse(m.value!.toString('utf8')).streamVersion), 900_000);
    const fold = await inProcessFold();
    const perfNote = perf.map((p) => `${p.topic.split('.')[1]} ${h.int(p.messages)} msgs ${h.f(p.mb, 0)} MB fetch.nMsg.sec ${h.int(p.fetchNMsgSec)}`);
    const nMsgNote = `nMsg.sec ${perf.map((p) => h.int(p.nMsgSec)).join(' / ')}`;
    const kNote = `incl. ${h.f(k.joinMs / 1000, 1)} s group join; first → last message ${h.f(k.firstToLastMs / 1000, 1)} s (${h.int(k.read / (k.firstToLastMs / 1000))}/s)`;
    const refusedNote = sumOf(fold.refused) ? `; refused by the tail, never applied: ${counts(fold.refused)}` : '';
    const foldNote = `model.apply ${h.f(fold.applyMs / 1000, 1)} s of it (${h.int(fold.read / (fold.applyMs / 1000))} events/s alone); digest ${h.f(fold.digest.ms / 1000, 1)} s, holding the event loop ≤ ${h.int(fold.digest.longest)} ms at a time (${h.int(fold.unsliced.longest)} ms unsliced); ${h.int(fold.reports)} reports, heap ${h.f(fold.heapMiB, 0)} MiB${refusedNote}`;
    const [ref, msgs] = [rebuild ? rebuild.reported.total / rebuild.caughtUpS : total / (first.startupMs / 1000), sum((p) => p.messages)];
    const share = (eps: number) => `${h.f((100 * ref) / eps, 1)} %`;
    console.log(`\nbaselines over the same ${h.int(total)} events, analytics stopped (load average at their start ${loadB}):`);
    const head = ['reader', 'events', 'seconds', 'events/s', `analytics ${rebuild ? 'rebuild read-to-end' : 'start-up'} as a share`, 'notes'];
    const body = [
      rateRow('Kafka ConsumerPerformance (Java), the 3 topics one after another: fetch time', msgs, sum((p) => p.fetchMs) / 1000, share, perfNote.join('; ')),
      rateRow('  same, incl. group join (rebalance) time', msgs, sum((p) => p.fetchMs + p.rebalanceMs) / 1000, share, nMsgNote),
      rateRow('  same, incl. JVM start (wall per run)', msgs, sum((p) => p.wallMs) / 1000, share),
      rateRow('kafkajs consumer, 3 topics, read + JSON.parse only', k.read, k.ms / 1000, share, kNote),
      rateRow('TopicTail + AnalyticsModel.apply in the bench process', fold.read, fold.seconds, share, foldNote),
    ];
    console.log(h.table([head, ...body], ['l', 'r', 'r', 'r', 'r', 'l']));
  }
  await profiles.print(service.pid, 18);
  console.log(`\nload average at the end ${h.loadavg()}`);
}

h.run(main, left, () => [...left.services][0]);
