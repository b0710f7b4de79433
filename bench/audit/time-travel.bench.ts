/**
 * bench/audit: time travel (issue 17; docs/performance.md, "Time travel") — GET /api/v1/audit/queue?at= a moment one month back, with
 * a month of history made by the case decider itself and written as the timeline's slot documents in bulk, checkpoints built by
 * `checkpointUpTo`, against the live GET /api/v1/queue in the same run; closed loop at concurrency 1. Needs Kafka, the database, a build.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadJurisdiction, PRIORITIES } from '@callcenter/contracts';
import { EventEnvelope, EventTimeline, toEnvelopes, TriageEnvelope } from '@callcenter/events';
import { RunningService, startService, testToken } from '@callcenter/testing';
import * as triage from '../../apps/triage/src';
import * as h from '../harness';

const USAGE = 'usage: node dist/bench/audit/time-travel.bench.js [--reports-per-day 2000] [--days 30] [--requests 200] [--triage-http 14280] [--keep-db]';
const { num, has } = h.options(USAGE, ['reports-per-day', 'days', 'requests', 'triage-http'], ['keep-db']);
const [REPORTS_PER_DAY, DAYS, REQUESTS, HTTP] = [num('reports-per-day', 2_000), num('days', 30), num('requests', 200), num('triage-http', 14280)];
const [DAY, HOUR] = [86_400_000, 3_600_000];
const TEMPLATES = [
  { hint: 'KEJAHATAN', description: 'Motor saya dicuri di parkiran pasar, pelaku dua orang kabur ke arah utara', injured: 0 },
  { hint: 'KECELAKAAN_LALU_LINTAS', description: 'Tabrakan motor dengan mobil di perempatan, satu orang luka', injured: 1 },
  { hint: 'GANGGUAN_KETERTIBAN', description: 'Tawuran pelajar di depan sekolah, membawa senjata tajam', injured: 0 },
  { hint: 'KEBAKARAN', description: 'Kebakaran rumah, asap tebal, warga berusaha memadamkan', injured: 0 },
  { hint: 'INFORMASI_PENGADUAN', description: 'Lampu jalan mati sudah seminggu, rawan kejahatan malam hari', injured: 0 },
] as const;
const left = new h.Leftovers(() => has('keep-db'));
let service: RunningService | undefined;
const HOTLINE = { sourceSystem: 'hotline-cti', channel: 'HOTLINE' } as const;
const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)];
const minutes = (a: number, b: number) => (a + Math.random() * (b - a)) * 60_000;

/** Every event of one month, in recording order, and the open cases at its end: a report's life is opened, claimed, classified, then forwarded, rejected or given advice (some left open). */
function simulate(start: number, end: number) {
  const { districts } = loadJurisdiction(path.join(h.ROOT, 'config/jurisdiction.json'));
  const suggest = (t: (typeof TEMPLATES)[number]) =>
    triage.suggestClassification({ categoryHint: t.hint, description: t.description, peopleInjured: t.injured, peopleInvolved: 1 + t.injured });
  const suggestions = new Map(TEMPLATES.map((t) => [t, suggest(t)]));
  const [events, open] = [[] as EventEnvelope[], new Map<string, { case: triage.TriageCase; version: number }>()];
  for (let i = 0, total = Math.round(((end - start) / DAY) * REPORTS_PER_DAY); i < total; i++) {
    const [receivedAt, t, district, reportId] = [start + Math.random() * (end - start), pick(TEMPLATES), pick(districts), randomUUID()];
    let [state, version, time]: [triage.TriageCaseState, number, number] = [triage.triageCaseDecider.initialState(), 0, receivedAt];
    const run = (command: triage.TriageCommand, actor: string) => {
      if (time > end) return false;
      const made = triage.triageCaseDecider.decide(command, state);
      const meta = { actor, correlationId: randomUUID(), now: new Date(time) };
      const envelopes = toEnvelopes(reportId, version, made, meta, { producer: 'triage', recordedAt: meta.now, schemaVersionOf: () => 1, newId: randomUUID });
      for (const e of envelopes) state = triage.triageCaseDecider.evolve(state, e as TriageEnvelope);
      version += envelopes.length;
      return (events.push(...envelopes), true);
    };
    const jitter = () => (Math.random() - 0.5) * 0.02;
    const location = { latitude: district.latitude + jitter(), longitude: district.longitude + jitter(), address: 'Jl. Raya', reportedDistrict: null };
    const { category, priority, reasons } = suggestions.get(t)!;
    const suggestion = { category, priority, reasons, duplicateCandidates: [], lowTrust: { flagged: false, prankRejections: 0, reason: null } };
    const [trackingCode, at] = [`${reportId.slice(0, 5)}-${reportId.slice(9, 13)}`.toUpperCase(), new Date(receivedAt).toISOString()];
    const data = { reportId, trackingCode, ...HOTLINE, receivedAt: at, description: t.description, categoryHint: t.hint };
    const more = { location, district: district.code, peopleInjured: t.injured, peopleInvolved: 1 + t.injured, callerRef: null, suggestion };
    run({ type: 'OpenCase', data: { ...data, ...more } }, 'system');
    const by = { id: `op-${String(1 + Math.floor(Math.random() * 40)).padStart(2, '0')}`, supervisor: false };
    const now = (from: number, to: number) => new Date((time += minutes(from, to)));
    if (run({ type: 'Claim', by, now: now(0.2, 8), leaseSeconds: 600 }, by.id)) {
      if (run({ type: 'Classify', by, now: now(0.5, 3), category, priority: pick(PRIORITIES.slice(0, 3)), district: district.code }, by.id)) {
        const [r, at] = [Math.random(), now(0.5, 4)];
        if (r < 0.6) run({ type: 'Forward', by, now: at }, by.id);
        else if (r < 0.85) run({ type: 'GiveAdvice', by, now: at, advice: 'Warga diminta melapor ke RT' }, by.id);
        else run({ type: 'Reject', by, now: at, reason: 'INSUFFICIENT_INFORMATION', explanation: 'Lokasi tidak jelas' }, by.id);
      }
    }
    if (state.status !== 'NONE' && triage.isOpen(state)) open.set(reportId, { case: state, version });
  }
  events.sort((a, b) => (a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : a.streamVersion - b.streamVersion));
  return { events, open };
}

const f = (x: number) => h.f(x, 1);
const seconds = (t0: number) => (performance.now() - t0) / 1000;

async function main() {
  const [prefix, now] = [`bench_tt_${Date.now()}`, Date.now()];
  left.databases.add(`${prefix}_triage`).add(`${prefix}_keyvault`); // the second is triage's own
  const db = (await left.mongo()).db(`${prefix}_triage`);
  console.log(`time travel bench: ${REPORTS_PER_DAY} reports/day for ${DAYS + 1} days of history (db ${prefix}_triage)`);
  let t0 = performance.now();
  const { events, open } = simulate(now - DAYS * DAY - DAY, now - 60_000);
  console.log(`simulated ${events.length} events of ${Math.round((DAYS + 1) * REPORTS_PER_DAY)} reports (${open.size} open at the end) in ${f(seconds(t0))} s`);

  // The recorder's documents: the events of each slot (bulk instead of one $push an event).
  t0 = performance.now();
  const timeline = new EventTimeline(db, 'triage_audit', triage.openCasesFold, { checkpointEveryMs: HOUR, settleMs: 120_000 });
  const slots = new Map<string, EventEnvelope[]>();
  for (const e of events) {
    const slot = new Date(Math.floor(Date.parse(e.recordedAt) / timeline.slotMs) * timeline.slotMs).toISOString();
    (slots.get(slot) ?? slots.set(slot, []).get(slot)!).push(e);
  }
  const docs = [...slots].map(([_id, list]) => ({ _id, events: list }));
  for (let i = 0; i < docs.length; i += 2_000) await timeline.slots.insertMany(docs.slice(i, i + 2_000), { ordered: false });
  await timeline.record([events[0]]); // the first event again (a redelivery, harmless): sets where the timeline starts
  console.log(`stored ${docs.length} slot documents in ${f(seconds(t0))} s`);
  t0 = performance.now();
  const built = await timeline.checkpointUpTo(new Date());
  const buildSeconds = seconds(t0);
  console.log(`built ${built} hourly checkpoints in ${f(buildSeconds)} s (${f((buildSeconds * 1000) / Math.max(1, built))} ms each)`);
  // The live queue holds the same open cases the fold ends with.
  const queue = [...open.values()].map((e) => ({ ...e.case, _id: e.case.report.reportId, _version: e.version }));
  if (queue.length) await db.collection(triage.QUEUE_SNAPSHOT_COLLECTION).insertMany(queue as any[]);

  service = await startService('triage', HTTP, { MONGODB_DB_PREFIX: prefix, LOG_LEVEL: 'warn' });
  left.services.add(service);
  const token = testToken('spv-bench', ['supervisor']);
  const monthBack = now - DAYS * DAY;
  const randomMoment = () => `/api/v1/audit/queue?limit=50&at=${encodeURIComponent(new Date(monthBack - DAY / 2 + Math.random() * DAY).toISOString())}`;
  const worstMoment = () => new Date(Math.floor((monthBack - Math.random() * DAY) / HOUR) * HOUR + HOUR - 1_000).toISOString();
  const timed = async (requests: number, url: () => string) => {
    const [times, answers] = [[] as number[], [] as h.Answer[]];
    for (let i = 0; i < requests; i++) (answers.push(await h.request(HTTP, 'GET', url(), token)), times.push(answers[i].ms));
    const bad = answers.find((a) => a.status !== 200);
    if (bad) throw new Error(`answered ${bad.status}: ${bad.body}`);
    return { p: h.pct(times), last: JSON.parse(answers.at(-1)!.body) };
  };
  await timed(20, () => '/api/v1/queue?limit=50');
  await timed(20, randomMoment);
  const live = await timed(REQUESTS, () => '/api/v1/queue?limit=50');
  const random = await timed(REQUESTS, randomMoment);
  const worst = await timed(Math.max(20, REQUESTS / 2), () => `/api/v1/audit/queue?limit=50&at=${encodeURIComponent(worstMoment())}`);
  const folded = (r: typeof random) => `${r.last.total} open, ${r.last.rebuiltFrom.eventsFolded} events after the checkpoint`;
  const rows: [string, typeof random, string][] = [
    ['live GET /queue?limit=50 (baseline)', live, `${live.last.total} open`],
    ['GET /audit/queue?limit=50&at= random moment, 30 days back', random, folded(random)],
    ['GET /audit/queue?limit=50&at= hh:59:59, 30 days back (a whole hour folded)', worst, folded(worst)],
  ];
  console.log('\n| query (concurrency 1) | n | p50 ms | p90 ms | p99 ms | max ms | last answer |\n|---|---|---|---|---|---|---|');
  for (const [name, { p }, note] of rows) console.log(`| ${name} | ${p.n} | ${f(p.p50)} | ${f(p.p90)} | **${f(p.p99)}** | ${f(p.max)} | ${note} |`);
}

h.run(main, left, () => service);
