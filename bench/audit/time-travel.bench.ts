/**
 * bench/audit: time travel (issue 17) — how fast triage answers GET /api/v1/audit/queue?at= for a
 * moment one month back, with one month of history, against the live GET /api/v1/queue in the same
 * run. Prints figures; it is not a pass/fail test.
 *
 *   1. One month of triage history is made with the case decider itself (a report's life: opened,
 *      claimed, classified, then forwarded, rejected or given advice; some left open), as envelopes
 *      recorded at their simulated times, and written to the triage timeline as its recorder would
 *      (slot documents; the bench inserts them in bulk instead of one event at a time).
 *   2. The checkpoints are built by the timeline's own `checkpointUpTo` (timed: what an instance
 *      catching up on a month does), and the open cases at the end go into the queue snapshot, so
 *      the live queue has the same size as the past one.
 *   3. Triage starts as a process; closed loop at concurrency 1: the live queue (baseline), then the
 *      queue at random moments of the day one month back, then at the worst moment of an hour (hh:59:59).
 *
 *   node dist/bench/audit/time-travel.bench.js [--reports-per-day 2000] [--days 30] [--requests 200]
 *
 * Needs Kafka and the database (bash infra/bin/infra start) and a build (swc). KAFKA_BROKERS /
 * MONGODB_URI point at them.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadJurisdiction, PRIORITIES } from '@callcenter/contracts';
import { EventEnvelope, EventTimeline, toEnvelopes, TriageEnvelope } from '@callcenter/events';
import { RunningService, startService, testMongo, testToken } from '@callcenter/testing';
import {
  isOpen,
  openCasesFold,
  QUEUE_SNAPSHOT_COLLECTION,
  suggestClassification,
  TriageCase,
  triageCaseDecider,
  TriageCaseState,
  TriageCommand,
} from '../../apps/triage/src';
import { options, pct } from '../harness';

const ROOT = path.resolve(__dirname, '../../..');
const { num: option, has } = options(
  'usage: node dist/bench/audit/time-travel.bench.js [--reports-per-day 2000] [--days 30] [--requests 200] [--triage-http 14280] [--keep-db]',
  ['reports-per-day', 'days', 'requests', 'triage-http'],
  ['keep-db'],
);
const REPORTS_PER_DAY = option('reports-per-day', 2_000);
const DAYS = option('days', 30);
const REQUESTS = option('requests', 200);
const HTTP = option('triage-http', 14280);
const DAY = 86_400_000;
const HOUR = 3_600_000;

const TEMPLATES = [
  { hint: 'KEJAHATAN', description: 'Motor saya dicuri di parkiran pasar, pelaku dua orang kabur ke arah utara', injured: 0 },
  { hint: 'KECELAKAAN_LALU_LINTAS', description: 'Tabrakan motor dengan mobil di perempatan, satu orang luka', injured: 1 },
  { hint: 'GANGGUAN_KETERTIBAN', description: 'Tawuran pelajar di depan sekolah, membawa senjata tajam', injured: 0 },
  { hint: 'KEBAKARAN', description: 'Kebakaran rumah, asap tebal, warga berusaha memadamkan', injured: 0 },
  { hint: 'INFORMASI_PENGADUAN', description: 'Lampu jalan mati sudah seminggu, rawan kejahatan malam hari', injured: 0 },
] as const;

const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)];
const minutes = (a: number, b: number) => (a + Math.random() * (b - a)) * 60_000;

/** Every event of one month, in recording order, and the open cases at its end. */
function simulate(start: number, end: number): { events: EventEnvelope[]; open: Map<string, { case: TriageCase; version: number }> } {
  const jurisdiction = loadJurisdiction(path.join(ROOT, 'config/jurisdiction.json'));
  const suggestions = new Map(
    TEMPLATES.map((t) => [
      t,
      suggestClassification({ categoryHint: t.hint, description: t.description, peopleInjured: t.injured, peopleInvolved: 1 + t.injured }),
    ]),
  );
  const events: EventEnvelope[] = [];
  const open = new Map<string, { case: TriageCase; version: number }>();
  const total = Math.round(((end - start) / DAY) * REPORTS_PER_DAY);
  for (let i = 0; i < total; i++) {
    const receivedAt = start + Math.random() * (end - start);
    const t = pick(TEMPLATES);
    const s = suggestions.get(t)!;
    const district = pick(jurisdiction.districts);
    const reportId = randomUUID();
    let state: TriageCaseState = triageCaseDecider.initialState();
    let version = 0;
    let time = receivedAt;
    const run = (command: TriageCommand, actor: string) => {
      if (time > end) return false;
      const made = triageCaseDecider.decide(command, state);
      const envelopes = toEnvelopes(
        reportId,
        version,
        made,
        { actor, correlationId: randomUUID(), now: new Date(time) },
        {
          producer: 'triage',
          recordedAt: new Date(time),
          schemaVersionOf: () => 1,
          newId: randomUUID,
        },
      );
      for (const e of envelopes) state = triageCaseDecider.evolve(state, e as TriageEnvelope);
      version += envelopes.length;
      events.push(...envelopes);
      return true;
    };
    run(
      {
        type: 'OpenCase',
        data: {
          reportId,
          trackingCode: `${reportId.slice(0, 5)}-${reportId.slice(9, 13)}`.toUpperCase(),
          sourceSystem: 'hotline-cti',
          channel: 'HOTLINE',
          receivedAt: new Date(receivedAt).toISOString(),
          description: t.description,
          categoryHint: t.hint,
          location: {
            latitude: district.latitude + (Math.random() - 0.5) * 0.02,
            longitude: district.longitude + (Math.random() - 0.5) * 0.02,
            address: 'Jl. Raya',
            reportedDistrict: null,
          },
          district: district.code,
          peopleInjured: t.injured,
          peopleInvolved: 1 + t.injured,
          callerRef: null,
          suggestion: {
            category: s.category,
            priority: s.priority,
            reasons: s.reasons,
            duplicateCandidates: [],
            lowTrust: { flagged: false, prankRejections: 0, reason: null },
          },
        },
      },
      'system',
    );
    const by = { id: `op-${String(1 + Math.floor(Math.random() * 40)).padStart(2, '0')}`, supervisor: false };
    time += minutes(0.2, 8);
    if (run({ type: 'Claim', by, now: new Date(time), leaseSeconds: 600 }, by.id)) {
      time += minutes(0.5, 3);
      const priority = pick(PRIORITIES.slice(0, 3));
      if (run({ type: 'Classify', by, now: new Date(time), category: s.category, priority, district: district.code }, by.id)) {
        time += minutes(0.5, 4);
        const r = Math.random();
        if (r < 0.6) run({ type: 'Forward', by, now: new Date(time) }, by.id);
        else if (r < 0.85) run({ type: 'GiveAdvice', by, now: new Date(time), advice: 'Warga diminta melapor ke RT' }, by.id);
        else run({ type: 'Reject', by, now: new Date(time), reason: 'INSUFFICIENT_INFORMATION', explanation: 'Lokasi tidak jelas' }, by.id);
      }
    }
    if (state.status !== 'NONE' && isOpen(state)) open.set(reportId, { case: state, version });
  }
  events.sort((a, b) => (a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : a.streamVersion - b.streamVersion));
  return { events, open };
}

const percentiles = pct;
const f = (n: number, digits = 1) => n.toFixed(digits);

async function timed(requests: number, url: () => string, token: string): Promise<{ times: number[]; last: any }> {
  const times: number[] = [];
  let last: any;
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    const res = await fetch(url(), { headers: { authorization: `Bearer ${token}` } });
    last = await res.json();
    times.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`${url()} answered ${res.status}: ${JSON.stringify(last)}`);
  }
  return { times, last };
}

async function main() {
  const prefix = `bench_tt_${Date.now()}`;
  const mongo = await testMongo();
  const db = mongo.db(`${prefix}_triage`);
  const now = Date.now();
  const start = now - DAYS * DAY - DAY;
  let service: RunningService | undefined;
  try {
    console.log(`time travel bench: ${REPORTS_PER_DAY} reports/day for ${DAYS + 1} days of history (db ${prefix}_triage)`);
    let t0 = performance.now();
    const { events, open } = simulate(start, now - 60_000);
    console.log(
      `simulated ${events.length} events of ${Math.round((DAYS + 1) * REPORTS_PER_DAY)} reports (${open.size} open at the end) in ${f((performance.now() - t0) / 1000)} s`,
    );

    // The recorder's documents: the events of each slot (bulk instead of one $push an event).
    t0 = performance.now();
    const timeline = new EventTimeline(db, 'triage_audit', openCasesFold, { checkpointEveryMs: HOUR, settleMs: 120_000 });
    const slots = new Map<string, EventEnvelope[]>();
    for (const e of events) {
      const slot = new Date(Math.floor(Date.parse(e.recordedAt) / timeline.slotMs) * timeline.slotMs).toISOString();
      const list = slots.get(slot);
      if (list) list.push(e);
      else slots.set(slot, [e]);
    }
    const docs = [...slots].map(([_id, list]) => ({ _id, events: list }));
    for (let i = 0; i < docs.length; i += 2_000) await timeline.slots.insertMany(docs.slice(i, i + 2_000), { ordered: false });
    await timeline.record([events[0]]); // the first event again (a redelivery, harmless): sets where the timeline starts
    console.log(`stored ${docs.length} slot documents in ${f((performance.now() - t0) / 1000)} s`);

    t0 = performance.now();
    const built = await timeline.checkpointUpTo(new Date());
    const buildSeconds = (performance.now() - t0) / 1000;
    console.log(`built ${built} hourly checkpoints in ${f(buildSeconds)} s (${f((buildSeconds * 1000) / Math.max(1, built))} ms each)`);

    // The live queue holds the same open cases the fold ends with.
    await db
      .collection(QUEUE_SNAPSHOT_COLLECTION)
      .insertMany([...open.values()].map((e) => ({ ...e.case, _id: e.case.report.reportId, _version: e.version })) as any[]);

    service = await startService('triage', HTTP, { MONGODB_DB_PREFIX: prefix, LOG_LEVEL: 'warn' });
    const token = testToken('spv-bench', ['supervisor']);
    const base = `http://127.0.0.1:${HTTP}/api/v1`;
    const monthBack = now - DAYS * DAY;
    const randomMoment = () => new Date(monthBack - DAY / 2 + Math.random() * DAY).toISOString();
    const worstMoment = () => new Date(Math.floor((monthBack - Math.random() * DAY) / HOUR) * HOUR + HOUR - 1_000).toISOString();

    await timed(20, () => `${base}/queue?limit=50`, token);
    await timed(20, () => `${base}/audit/queue?limit=50&at=${encodeURIComponent(randomMoment())}`, token);
    const rows: [string, ReturnType<typeof percentiles>, string][] = [];
    const live = await timed(REQUESTS, () => `${base}/queue?limit=50`, token);
    rows.push(['live GET /queue?limit=50 (baseline)', percentiles(live.times), `${live.last.total} open`]);
    const random = await timed(REQUESTS, () => `${base}/audit/queue?limit=50&at=${encodeURIComponent(randomMoment())}`, token);
    rows.push([
      'GET /audit/queue?limit=50&at= random moment, 30 days back',
      percentiles(random.times),
      `${random.last.total} open, ${random.last.rebuiltFrom.eventsFolded} events after the checkpoint`,
    ]);
    const worst = await timed(Math.max(20, REQUESTS / 2), () => `${base}/audit/queue?limit=50&at=${encodeURIComponent(worstMoment())}`, token);
    rows.push([
      'GET /audit/queue?limit=50&at= hh:59:59, 30 days back (a whole hour folded)',
      percentiles(worst.times),
      `${worst.last.total} open, ${worst.last.rebuiltFrom.eventsFolded} events after the checkpoint`,
    ]);

    console.log('\n| query (concurrency 1) | n | p50 ms | p90 ms | p99 ms | max ms | last answer |\n|---|---|---|---|---|---|---|');
    for (const [name, p, note] of rows) console.log(`| ${name} | ${p.n} | ${f(p.p50)} | ${f(p.p90)} | **${f(p.p99)}** | ${f(p.max)} | ${note} |`);
  } finally {
    await service?.stop();
    if (!has('keep-db')) await db.dropDatabase();
    await mongo.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
