// bench/audit: time travel (docs/performance.md, "Time travel", issue 17) — GET /api/v1/audit/queue?at= a month back against the live GET /api/v1/queue.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadJurisdiction, PRIORITIES } from '@callcenter/contracts';
import { EventEnvelope, EventTimeline, toEnvelopes, TriageEnvelope } from '@callcenter/events';
import { startService, testToken } from '@callcenter/testing';
import * as triage from '../../apps/triage/src';
import * as h from '../harness';
import * as sim from '../../tools/simulator/src';

const USAGE = 'usage: node dist/bench/audit/time-travel.bench.js [--reports-per-day 2000] [--days 30] [--requests 200] [--triage-http 14280] [--keep-db]';
const { num, has } = h.options(USAGE, ['reports-per-day', 'days', 'requests', 'triage-http'], ['keep-db']);
const [REPORTS_PER_DAY, DAYS, REQUESTS, HTTP] = [num('reports-per-day', 2_000), num('days', 30), num('requests', 200), num('triage-http', 14280)];
const [DAY, HOUR] = [86_400_000, 3_600_000];
const left = new h.Leftovers(() => has('keep-db'));
const random = (n: number) => Math.floor(Math.random() * n);
const lowTrust = { flagged: false, prankRejections: 0, reason: null };
/** Seconds `work` took, and what it returned. */
const took = async <T>(work: () => T | Promise<T>, t0 = performance.now()) => [await work(), (performance.now() - t0) / 1000] as const;

/** Every event of the history in recording order, and the open cases at its end: each simulator report opened, claimed, classified, then decided. */
function simulate(start: number, end: number) {
  const { districts } = loadJurisdiction(path.join(h.ROOT, 'config/jurisdiction.json'));
  const traffic = { startMs: start, endMs: end, reportsPerHour: REPORTS_PER_DAY / 24, seed: 1, runId: randomUUID().slice(0, 8), districts };
  const [events, open] = [[] as EventEnvelope[], new Map<string, { case: triage.TriageCase; version: number }>()];
  const reports = sim.generateTraffic(traffic);
  for (const { atMs, category: categoryHint, district, point, channel, sourceSystem, request: q } of reports) {
    const reportId = randomUUID();
    const by = { id: `op-${String(1 + random(40)).padStart(2, '0')}`, supervisor: false };
    let [state, version, time] = [triage.triageCaseDecider.initialState(), 0, atMs];
    const run = (command: triage.TriageCommand, actor = by.id) => {
      if (time > end) return false;
      const meta = { actor, correlationId: randomUUID(), now: new Date(time) };
      const made = triage.triageCaseDecider.decide(command, state);
      const envelopes = toEnvelopes(reportId, version, made, meta, { producer: 'triage', recordedAt: meta.now, schemaVersionOf: () => 1, newId: randomUUID });
      for (const e of envelopes) state = triage.triageCaseDecider.evolve(state, e as TriageEnvelope);
      return (events.push(...envelopes), (version += envelopes.length), true);
    };
    const texts = { categoryHint, description: q.description, peopleInjured: q.people_injured, peopleInvolved: q.people_involved };
    const { category, priority, reasons } = triage.suggestClassification(texts);
    const location = { ...point, address: q.location.address, reportedDistrict: null };
    const [trackingCode, receivedAt] = [`${reportId.slice(0, 5)}-${reportId.slice(9, 13)}`.toUpperCase(), new Date(time).toISOString()];
    const suggestion = { category, priority, reasons, duplicateCandidates: [], lowTrust };
    const report = { reportId, trackingCode, receivedAt, location, district, sourceSystem, channel, callerRef: null };
    run({ type: 'OpenCase', data: { ...report, ...texts, suggestion } }, 'system');
    const now = (from: number, to: number) => new Date((time += (from + Math.random() * (to - from)) * 60_000));
    const classify = { type: 'Classify', category, priority: PRIORITIES[random(3)], district } as const;
    if (run({ type: 'Claim', by, now: now(0.2, 8), leaseSeconds: 600 }) && run({ ...classify, by, now: now(0.5, 3) })) {
      const [r, at] = [Math.random(), now(0.5, 4)]; // forwarded 60 %, advice 25 %, rejected 15 %
      if (r < 0.6) run({ type: 'Forward', by, now: at });
      else if (r < 0.85) run({ type: 'GiveAdvice', by, now: at, advice: 'Warga diminta melapor ke RT' });
      else run({ type: 'Reject', by, now: at, reason: 'INSUFFICIENT_INFORMATION', explanation: 'Lokasi tidak jelas' });
    }
    if (state.status !== 'NONE' && triage.isOpen(state)) open.set(reportId, { case: state, version });
  }
  events.sort((a, b) => (a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : a.streamVersion - b.streamVersion));
  return { events, open, reports: reports.length };
}

async function main() {
  const [prefix, now] = [`bench_tt_${Date.now()}`, Date.now()];
  left.databases.add(`${prefix}_triage`).add(`${prefix}_keyvault`); // the second is triage's own
  const db = (await left.mongo()).db(`${prefix}_triage`);
  console.log(`time travel bench: ${REPORTS_PER_DAY} reports/day for ${DAYS + 1} days of history (db ${prefix}_triage)`);
  const [{ events, open, reports }, simulated] = await took(() => simulate(now - DAYS * DAY - DAY, now - 60_000));
  console.log(`simulated ${events.length} events of ${reports} reports (${open.size} open at the end) in ${h.f(simulated)} s`);
  // The recorder's documents: the events of each slot (bulk instead of one $push an event).
  const timeline = new EventTimeline(db, 'triage_audit', triage.openCasesFold, { checkpointEveryMs: HOUR, settleMs: 120_000 });
  const [docs, stored] = await took(async () => {
    const slots = new Map<string, EventEnvelope[]>();
    const slotOf = (e: EventEnvelope) => new Date(Math.floor(Date.parse(e.recordedAt) / timeline.slotMs) * timeline.slotMs).toISOString();
    for (const e of events) (slots.get(slotOf(e)) ?? slots.set(slotOf(e), []).get(slotOf(e))!).push(e);
    const docs = [...slots].map(([_id, list]) => ({ _id, events: list }));
    for (let i = 0; i < docs.length; i += 2_000) await timeline.slots.insertMany(docs.slice(i, i + 2_000), { ordered: false });
    return (await timeline.record([events[0]]), docs); // the first event again (a redelivery, harmless): sets where the timeline starts
  });
  console.log(`stored ${docs.length} slot documents in ${h.f(stored)} s`);
  const [built, buildSeconds] = await took(() => timeline.checkpointUpTo(new Date()));
  console.log(`built ${built} hourly checkpoints in ${h.f(buildSeconds)} s (${h.f((buildSeconds * 1000) / Math.max(1, built))} ms each)`);
  // The live queue holds the same open cases the fold ends with.
  const queue = [...open.values()].map((e) => ({ ...e.case, _id: e.case.report.reportId, _version: e.version }));
  if (queue.length) await db.collection(triage.QUEUE_SNAPSHOT_COLLECTION).insertMany(queue as any[]);
  left.services.add(await startService('triage', HTTP, { MONGODB_DB_PREFIX: prefix, LOG_LEVEL: 'warn' }));
  const token = testToken('spv-bench', ['supervisor']);
  const at = (ms: number) => `/api/v1/audit/queue?limit=50&at=${encodeURIComponent(new Date(ms).toISOString())}`;
  const monthBack = now - DAYS * DAY;
  const [live, randomMoment] = [() => '/api/v1/queue?limit=50', () => at(monthBack - DAY / 2 + Math.random() * DAY)];
  const worstMoment = () => at(Math.floor((monthBack - Math.random() * DAY) / HOUR) * HOUR + HOUR - 1_000);
  const timed = async (requests: number, url: () => string) => {
    const answers: h.Answer[] = [];
    for (let i = 0; i < requests; i++) answers.push(await h.request(HTTP, 'GET', url(), token));
    const bad = answers.find((a) => a.status !== 200);
    if (bad) throw new Error(`answered ${bad.status}: ${bad.body}`);
    return { p: h.pct(answers.map((a) => a.ms)), last: JSON.parse(answers.at(-1)!.body) };
  };
  (await timed(20, live), await timed(20, randomMoment)); // warm-up
  const [l, r, w] = [await timed(REQUESTS, live), await timed(REQUESTS, randomMoment), await timed(Math.max(20, REQUESTS / 2), worstMoment)];
  const folded = (x: typeof r) => `${x.last.total} open, ${x.last.rebuiltFrom.eventsFolded} events after the checkpoint`;
  console.log('\n| query (concurrency 1) | n | p50 ms | p90 ms | p99 ms | max ms | last answer |\n|---|---|---|---|---|---|---|');
  for (const [name, { p }, note] of [
    ['live GET /queue?limit=50 (baseline)', l, `${l.last.total} open`],
    ['GET /audit/queue?limit=50&at= random moment, 30 days back', r, folded(r)],
    ['GET /audit/queue?limit=50&at= hh:59:59, 30 days back (a whole hour folded)', w, folded(w)],
  ] as const)
    console.log(`| ${name} | ${p.n} | ${h.f(p.p50)} | ${h.f(p.p90)} | **${h.f(p.p99)}** | ${h.f(p.max)} | ${note} |`);
}

h.run(main, left, () => [...left.services][0]);
