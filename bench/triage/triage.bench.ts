// bench/triage: how fast a submitted report shows up in the operators' queue (part 1), and how fast the queue answers with many open
// cases (part 2). Prints figures; method, options and how to read them: README.md.
import 'reflect-metadata'; // @callcenter/events and the triage sources carry decorators that need the metadata polyfill first
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Category, loadJurisdiction, PRIORITIES } from '@callcenter/contracts';
import * as ev from '@callcenter/events';
import { intakeClient, intakeMetadata, testToken } from '@callcenter/testing';
import * as h from '../harness';
import { callerRefOf, effectivePriority, QUEUE_SNAPSHOT_COLLECTION, suggestClassification, TriageCase, triageCaseDecider } from '../../apps/triage/src';
import { CALLING_SYSTEMS, CHANNEL_MIX_OTHER, CHANNEL_MIX_URGENT, GENERIC_STREETS, Prng, STREETS, URGENT_CATEGORIES } from '../../tools/simulator/src';

const strings = 'rate seconds clients poll-ms poll-back drain-s warmup-reports intake-http intake-grpc triage-http open-cases requests warmup concurrency';
const [more, booleans] = ['max-row-s triage-http2 cpu-prof baseline-root reuse-db', 'no-info-start keep-db trace'];
const { flag, num, has, whole, list } = h.options(h.readmeOptions('triage'), `${strings} ${more}`.split(' '), booleans.split(' '));
const [RATE, SECONDS, CLIENTS, POLL_MS] = [num('rate', 200), num('seconds', 30), whole('clients', 4, 1), num('poll-ms', 10)];
const [POLL_BACK, DRAIN_S, WARMUP_REPORTS, TRACE] = [whole('poll-back', 100), num('drain-s', 30), whole('warmup-reports', 50), has('trace')];
const [INTAKE_HTTP, INTAKE_GRPC, TRIAGE_HTTP] = [num('intake-http', 13100), num('intake-grpc', 15100), num('triage-http', 13101)];
const [OPEN_CASES, REQUESTS, WARMUP, CONCURRENCY] = [whole('open-cases', 1e5), whole('requests', 2000, 1), whole('warmup', 200), list('concurrency', '1,8')];
const [TRIAGE_HTTP2, INFO_START, BASELINE_ROOT, REUSE_DB] = [num('triage-http2', 13110), !has('no-info-start'), flag('baseline-root'), flag('reuse-db')];
const MAX_ROW_S = flag('max-row-s') === undefined ? Infinity : num('max-row-s', 0);
const [wantPart1, wantPart2] = [flag('rate') !== undefined || flag('seconds') !== undefined, flag('open-cases') !== undefined || REUSE_DB !== undefined];
const [RUN_PART1, RUN_PART2, GOAL_LIST_MS] = [wantPart1 || !wantPart2, wantPart2 || !wantPart1, 50];
/** Submit → visible, p99: issue 4's goal at any rate, and issue 15's at the rates it names. */
const GOAL_VISIBLE_AT: Record<number, number> = { 5: 50, 50: 150, 200: 1000 };
const GOALS_VISIBLE: [string, number][] = [
  ['issue 4', 250],
  ...(GOAL_VISIBLE_AT[RATE] ? [[`issue 15, at ${RATE}/s`, GOAL_VISIBLE_AT[RATE]] as [string, number]] : []),
];
/** Part 2: no seeded case turns overdue, and no seeded claim lapses, while triage is measured. */
const [PART2_TARGETS, LEASE_S] = ['P1=86400/180/900,P2=86400/600/1800,P3=86400/1800/3600,P4=86400/-/-', 3600];

const { log, profiles, kafka, left } = h.setup('triage', flag('cpu-prof'), () => has('keep-db'));
/** This bench's tables have no rule under the header; `pctTable`: a row of percentiles per [label, figures]. */
const table = (rows: (string | number)[][]) => h.table(rows, [], false);
const pctTable = (head: string, rows: [string, h.Pct][]) => table([[head, 'n', 'p50', 'p90', 'p99', 'max'], ...rows.map(([l, p]) => [l, ...h.pctCells(p)])]);

/** Starts a built service (under `root`/dist if given); loading 100,000 cases takes 15–20 s on a quiet machine, minutes on a busy one. */
const launch = (name: string, port: number, env: Record<string, string>, root?: string) =>
  h.launch(left, name, port, env, { profiles, readyTimeoutMs: 600_000, root });

/** Reports as they come in: [category hint, description, people injured, weight]. Triage's own rules suggest P1 for the first 7, P2 for the
 * next 5, P3 for the next 8, P4 for the last 3 (part 1 sends those three and checks they are P4). */
const TEMPLATES: [Category, string, number, number][] = [
  ['KEJAHATAN', 'Perampokan di toko emas, pelaku membawa senjata tajam', 1, 1.5],
  ['KECELAKAAN_LALU_LINTAS', 'Kecelakaan motor dan mobil di simpang, satu orang terluka', 1, 2],
  ['KEBAKARAN', 'Kebakaran rumah di gang sempit, asap tebal', 0, 1],
  ['KEBAKARAN', 'Ada asap dari gudang kosong', 0, 0.5],
  ['DARURAT_MEDIS', 'Ada orang pingsan di trotoar tidak sadarkan diri', 1, 1.5],
  ['DARURAT_MEDIS', 'Bapak saya sesak napas, butuh ambulans', 1, 1],
  ['ORANG_HILANG', 'Anak saya hilang sejak sore di pasar', 0, 0.5],
  ['KECELAKAAN_LALU_LINTAS', 'Tabrakan ringan dua mobil di jalan raya, lalu lintas macet', 0, 7],
  ['GANGGUAN_KETERTIBAN', 'Tawuran pelajar di depan sekolah', 0, 3],
  ['BENCANA', 'Pohon tumbang menutup jalan', 0, 4],
  ['BENCANA', 'Banjir setinggi lutut masuk ke rumah warga', 0, 4],
  ['ORANG_HILANG', 'Nenek saya pergi dari rumah dan belum pulang sejak kemarin', 0, 4],
  ['KEJAHATAN', 'Ada pencurian motor di parkiran minimarket, pelaku kabur ke arah pasar', 0, 8],
  ['KEJAHATAN', 'Dompet saya hilang dicopet di angkot tadi siang', 0, 7],
  ['KEJAHATAN', 'Penipuan jual beli online, uang sudah ditransfer barang tidak dikirim', 0, 6],
  ['GANGGUAN_KETERTIBAN', 'Tetangga berisik memutar musik keras sampai larut malam', 0, 6],
  ['GANGGUAN_KETERTIBAN', 'Orang mabuk membuat keributan di warung', 0, 4],
  ['LAINNYA', 'Lampu jalan mati di gang, gelap sekali', 0, 4],
  ['LAINNYA', 'Ada kucing terjebak di atas pohon', 0, 2],
  ['LAINNYA', 'Parkir liar menghalangi pintu rumah', 0, 3],
  ['INFORMASI_PENGADUAN', 'Mau tanya informasi cara membuat SKCK', 0, 12],
  ['INFORMASI_PENGADUAN', 'Mau tanya informasi jam pelayanan pembuatan laporan di Polsek', 0, 10],
  ['INFORMASI_PENGADUAN', 'Pengaduan pelayanan lambat di loket Polsek', 0, 8],
];
const suggest = ([categoryHint, description, injured]: (typeof TEMPLATES)[number]) =>
  suggestClassification({ categoryHint, description, peopleInjured: injured, peopleInvolved: 1 + injured });

// ───────────── part 1: submit → visible (README.md, "Part 1") ─────────────

type Sent = { sentAt: number; answeredAt?: number; reportId?: string; receivedAt?: number; error?: string };
type LanePage = { items: { reportId: string; receivedAt: string }[]; total: number };
/** --trace: each step from one time of a report to a later one. */
const STEPS = [
  ['1 submit sent → intake receivedAt (gRPC in, validation)', 'sentAt', 'receivedAt'],
  ['2 intake receivedAt → ReportReceived recorded (append)', 'receivedAt', 'intakeRecordedAt'],
  ['3 ReportReceived recorded → at a plain kafkajs consumer (relay + Kafka)', 'intakeRecordedAt', 'intakeOnKafka'],
  ['4 ReportReceived recorded → triage about to append TriageCaseOpened', 'intakeRecordedAt', 'triageOccurredAt'],
  ['5 triage append (occurredAt → recordedAt); queue updated right after', 'triageOccurredAt', 'triageRecordedAt'],
  ['6 TriageCaseOpened recorded → seen by the poller', 'triageRecordedAt', 'seenAt'],
] as const;

async function part1() {
  const texts = TEMPLATES.filter(([hint]) => hint === 'INFORMASI_PENGADUAN');
  for (const t of texts)
    if (suggest(t).priority !== 'P4') throw new Error(`"${t[1]}" is suggested ${suggest(t).priority}, not P4: the poller would not find it`);
  const prefix = `bench_triage_p1_${Date.now()}`;
  left.databases.add(`${prefix}_intake`).add(`${prefix}_triage`).add(`${prefix}_keyvault`); // the key vault both share
  const env = { MONGODB_DB_PREFIX: prefix, INTAKE_GRPC_PORT: String(INTAKE_GRPC), NODE_ENV: 'test', LOG_LEVEL: 'warn' };
  log(`part 1: starting intake (http ${INTAKE_HTTP}, grpc ${INTAKE_GRPC}) and triage (http ${TRIAGE_HTTP}), db prefix ${prefix}`);
  // allSettled: if one fails to start, the other is already registered for the clean-up when we throw.
  const started = await Promise.allSettled([launch('intake', INTAKE_HTTP, env), launch('triage', TRIAGE_HTTP, env)]);
  for (const r of started) if (r.status === 'rejected') throw r.reason;
  const [intake, triage] = started.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof launch>>>).value);
  log(`ready: intake ${h.f(intake.startupMs, 0)} ms, triage ${h.f(triage.startupMs, 0)} ms`);
  // Several clients, each on its own channel (a local subchannel pool: its own TCP connection).
  const clients: any[] = Array.from({ length: CLIENTS }, () => intakeClient(INTAKE_GRPC, { 'grpc.use_local_subchannel_pool': 1 }));
  left.closers.push(() => clients.forEach((c) => c.close()));
  const [metadata, token, runTag] = [intakeMetadata(), testToken('bench-operator', ['operator']), randomUUID().slice(0, 8)];

  // --trace: a plain kafkajs consumer of both topics (own group, from the latest offsets) reads the envelopes' times.
  const [traces, group] = [new Map<string, Record<string, number>>(), { groupId: `bench-triage-trace-${runTag}`, maxWaitTimeInMs: 100 }];
  const trace = (id: string, t: Record<string, number>) => traces.set(id, { ...traces.get(id), ...t });
  const eachMessage = async ({ message }: { message: Parameters<typeof ev.fromKafkaMessage>[0] }) => {
    const [at, e] = [h.nowMs(), ev.fromKafkaMessage(message)];
    if (e.type === 'ReportReceived') trace(e.streamId, { intakeRecordedAt: Date.parse(e.recordedAt), intakeOnKafka: at });
    if (e.type === 'TriageCaseOpened') trace(e.streamId, { triageOccurredAt: Date.parse(e.occurredAt), triageRecordedAt: Date.parse(e.recordedAt) });
  };
  const consumer = TRACE ? await h.joinedConsumer(kafka, group, [ev.TOPICS.intake, ev.TOPICS.triage], false, { eachMessage }) : undefined;
  if (consumer) (left.groups.add(group.groupId), left.closers.push(() => consumer.disconnect()));

  const [submitted, schedLag] = [[] as Sent[], [] as number[]];
  const send = (i: number, s: Sent = { sentAt: h.nowMs() }) => {
    submitted.push(s);
    const reporter = { name: 'Warga Bench', phone: `+62812${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`, anonymous: false };
    const location = { latitude: -6.33 + Math.random() * 0.12, longitude: 106.75 + Math.random() * 0.11, address: `Jl. Bench ${i % 500}` };
    const report = { source_system: 'mobile-app', external_id: `bench-triage-${runTag}-${i}`, channel: 'MOBILE_APP', reporter, location };
    const what = { category_hint: 'INFORMASI_PENGADUAN', description: texts[i % texts.length][1], people_injured: 0, people_involved: 1 };
    clients[i % clients.length].SubmitReport({ ...report, ...what }, metadata, { deadline: Date.now() + 30_000 }, (err: grpc.ServiceError | null, res: any) => {
      s.answeredAt = h.nowMs();
      if (err) s.error = grpc.status[err.code] ?? String(err.code);
      else [s.reportId, s.receivedAt] = [res.report_id, Number(res.received_at.seconds) * 1000 + Math.round(res.received_at.nanos / 1e6)];
    });
  };
  const load = (count: number, rate: number, first: number) => h.openLoop(count, rate, (i) => send(first + i)).then((r) => (schedLag.push(...r.lag), r));

  // The poller: a window of the P4 lane just behind the last report seen.
  const lane = (offset: number, limit = 200) => h.request(TRIAGE_HTTP, 'GET', `/api/v1/queue?priority=P4&limit=${limit}&offset=${offset}`, token);
  const laneTotal = async () => (JSON.parse((await lane(0, 1)).body) as LanePage).total;
  const [seen, runStart, pollRtt, pollInterval] = [new Map<string, number>(), h.nowMs(), [] as number[], [] as number[]];
  // P4 cases already in the lane: triage re-reads the last hour of its topic at start, maybe still once ready. Wait until the count holds.
  let base = await laneTotal();
  for (let stable = 0, waited = 0; stable < 10 && waited < 300; waited++) {
    const now = await h.sleep(100).then(laneTotal);
    [stable, base] = [now === base ? stable + 1 : 0, now];
  }
  const baseAtStart = base;
  let [ours, pollErrors, extraPages, polling] = [0, 0, 0, true];
  const isOurs = (item: { receivedAt: string }) => Date.parse(item.receivedAt) >= runStart - 1000;
  const missingInLane = (total: number) => total - base - ours > 0;
  /** Records first sightings; and, as the lane is sorted by receivedAt, where this run's reports begin in it. Returns the lane's total. */
  const note = ({ items, total }: LanePage, at: number, offset: number) => {
    const [firstOurs, fresh] = [items.findIndex(isOurs), items.filter((item) => !seen.has(item.reportId))];
    if (firstOurs !== 0 && items.length > 0) base = Math.max(base, offset + (firstOurs < 0 ? items.length : firstOurs));
    fresh.forEach((item) => seen.set(item.reportId, at));
    ours += fresh.filter(isOurs).length;
    return total;
  };
  /** Reports of ours the window missed (handled out of order): page forward to the lane's end, then backwards from the window. */
  async function search(windowStart: number, windowEnd: number, total: number) {
    const page = async (offset: number, limit: number) => {
      extraPages++;
      const r = await lane(offset, limit);
      return r.status === 200 ? note(JSON.parse(r.body), r.end, offset) : total;
    };
    for (let offset = windowEnd; offset < total && missingInLane(total); offset += 200) total = await page(offset, 200);
    for (let end = windowStart; end > base && missingInLane(total); end -= 200) total = await page(Math.max(base, end - 200), end - Math.max(base, end - 200));
  }
  /** Waits out the rest of the poll interval begun at `start`. */
  const pace = (start: number, wait = POLL_MS - (h.nowMs() - start)) => (wait > 0 ? h.sleep(wait) : undefined);
  const runPoller = async () => {
    for (let last = 0, start = h.nowMs(); polling; [last, start] = [start, h.nowMs()]) {
      if (last) pollInterval.push(start - last);
      const offset = Math.max(0, base + ours - POLL_BACK);
      try {
        const r = await lane(offset);
        pollRtt.push(r.ms);
        const page: LanePage | undefined = r.status === 200 ? JSON.parse(r.body) : (pollErrors++, undefined);
        if (page) await search(offset, offset + page.items.length, note(page, r.end, offset));
      } catch {
        pollErrors++;
      }
      await pace(start);
    }
  };
  let poller = runPoller();
  /** Polls on until every report sent is answered and, if accepted, seen; or `ms` have passed. */
  const drained = async (ms: number, until = h.nowMs() + ms) => {
    while (h.nowMs() < until && submitted.some((s) => !s.answeredAt || (s.reportId && !seen.has(s.reportId)))) await h.sleep(50);
  };

  log(`warm-up: ${WARMUP_REPORTS} reports`); // connections, JIT, consumer groups: waited for and left out of the figures
  await load(WARMUP_REPORTS, Math.min(RATE, 50), 0).then(() => drained(60_000));
  const warm = submitted.splice(0);
  const warmSeen = warm.filter((s) => s.reportId && seen.has(s.reportId)).length;
  log(`warm-up done: ${warmSeen}/${warm.length} seen`);
  // Baseline: the same loop against GET /health/live, the queue poller paused.
  polling = false;
  await poller;
  const liveRtt: number[] = [];
  for (let i = 0; i < 500; i++) {
    const start = h.nowMs();
    liveRtt.push((await h.request(TRIAGE_HTTP, 'GET', '/health/live')).ms);
    await pace(start);
  }
  polling = true;
  poller = runPoller();
  await h.sleep(200);
  for (const figures of [pollRtt, pollInterval, schedLag]) figures.length = 0;

  // The measured load, then the drain.
  const count = Math.round(RATE * SECONDS);
  const [meter, loadBefore] = [h.cpuMeter({ bench: process.pid, intake: intake.pid, triage: triage.pid, ...h.infraPids() }), h.loadavg()];
  log(`load: ${count} reports at ${RATE}/s over ${CLIENTS} gRPC channels; polling every ${POLL_MS} ms`);
  meter.start();
  const window = await load(count, RATE, warm.length);
  const [cpu, loadDuring, polls, drainStart] = [meter.stop(), h.loadavg(), pollRtt.length, h.nowMs()];
  const [pollRttLoad, pollIntervalLoad] = [h.pct(pollRtt), h.pct(pollInterval)];
  await drained(DRAIN_S * 1000);
  const drainMs = h.nowMs() - drainStart;
  polling = false;
  await poller;
  if (consumer) await h.sleep(500).then(() => consumer.disconnect()); // after the trace consumer's last fetch

  // A final full scan of the lane tells "not in the queue" from "in the queue but the poller missed it".
  const accepted = submitted.filter((s) => s.reportId);
  const [missing, visible, listed] = [accepted.filter((s) => !seen.has(s.reportId!)), accepted.filter((s) => seen.has(s.reportId!)), new Set<string>()];
  for (let offset = 0, total = missing.length ? await laneTotal() : 0; offset < total; offset += 200)
    for (const item of (JSON.parse((await lane(offset)).body) as LanePage).items) listed.add(item.reportId);
  const errors: Record<string, number> = {};
  for (const s of submitted) if (s.error) errors[s.error] = (errors[s.error] ?? 0) + 1;
  const toSeen = (from: (s: Sent) => number, of = visible) => h.pct(of.map((s) => seen.get(s.reportId!)! - from(s)));
  const [sentToSeen, lag, sendSpan] = [toSeen((s) => s.sentAt), h.pct(schedLag), (submitted[submitted.length - 1].sentAt - submitted[0].sentAt) / 1000];

  h.say`\n=== Part 1 — submit → visible in GET /api/v1/queue (open loop, ${RATE}/s for ${SECONDS} s, ${CLIENTS} gRPC channels) ===`;
  h.say`intake ready in ${h.f(intake.startupMs, 0)} ms, triage in ${h.f(triage.startupMs, 0)} ms (NODE_ENV=test LOG_LEVEL=warn, db prefix ${prefix}); warm-up ${warm.length} reports, ${warmSeen} seen, not counted`;
  const [achieved, unanswered] = [(submitted.length - 1) / sendSpan, submitted.filter((s) => !s.answeredAt).length];
  const lagMs = `p50 ${h.f(lag.p50, 2)} / p99 ${h.f(lag.p99, 2)} / max ${h.f(lag.max, 1)} ms`;
  h.say`sent ${submitted.length} in ${h.f(sendSpan, 2)} s = ${h.f(achieved, 1)}/s achieved (schedule lag ${lagMs}); accepted ${accepted.length}, errors ${JSON.stringify(errors)}, unanswered ${unanswered}`;
  h.say`the P4 lane held ${baseAtStart} older cases before the run (${base} at the end); only this run's reports are counted\n`;
  const latencies: [string, h.Pct][] = [
    ['submit sent → first seen in GET /queue', sentToSeen],
    ['intake receivedAt → first seen in GET /queue', toSeen((s) => s.receivedAt!)],
    ['gRPC SubmitReport (sent → answer), side figure', h.pct(accepted.map((s) => s.answeredAt! - s.sentAt))],
    ['queue poll round trip, during the load', pollRttLoad],
    ['queue poll interval achieved (start → start)', pollIntervalLoad],
    ['baseline: GET /health/live round trip, idle, same loop', h.pct(liveRtt)],
  ];
  // Over time: a latency that climbs from slice to slice is a backlog (throughput below the rate).
  const [bucketS, buckets] = [Math.max(1, Math.round(SECONDS / 6)), [] as [string, h.Pct][]];
  for (let from = 0; from < SECONDS; from += bucketS) {
    const sentIn = visible.filter((s) => s.sentAt - window.start >= from * 1000 && s.sentAt - window.start < (from + bucketS) * 1000);
    buckets.push([`${from}–${Math.min(SECONDS, from + bucketS)}`, toSeen((s) => s.sentAt, sentIn)]);
  }
  h.say`${pctTable('latency (ms)', latencies)}\n\nsubmit sent → first seen, by when the report was sent:\n${pctTable('sent during (s)', buckets)}`;
  if (TRACE) {
    const timesOf = (s: Sent) =>
      ({ ...traces.get(s.reportId!), sentAt: s.sentAt, receivedAt: s.receivedAt!, seenAt: seen.get(s.reportId!)! }) as Record<string, number>;
    const times = visible.map(timesOf).filter((t) => t.intakeRecordedAt && t.intakeOnKafka && t.triageRecordedAt);
    const steps = STEPS.map(([label, from, to]): [string, h.Pct] => [label, h.pct(times.map((t) => t[to] - t[from]))]);
    h.say`\nwhere the time goes (${times.length} reports traced from the envelopes on Kafka; ms; one clock, one machine):\n${pctTable('step', steps)}`;
  }
  h.say`\npolls during the load: ${polls} (${h.f(polls / ((window.end - window.start) / 1000), 0)}/s), failed polls ${pollErrors}, extra pages around the window (out-of-order arrivals) ${extraPages}`;
  const late = ` (of which listed by a full scan of the lane right after the drain, i.e. late rather than lost: ${missing.filter((s) => listed.has(s.reportId!)).length})`;
  h.say`never seen after a drain of ${h.f(drainMs / 1000, 1)} s (budget ${DRAIN_S} s): ${missing.length}${missing.length ? late : ''}`;
  for (const [goal, ms] of GOALS_VISIBLE) h.say`GOAL (${goal}) p99 ≤ ${ms} ms (submit sent → visible): ${h.goalCell(sentToSeen.p99, ms)}`;
  h.say`${h.cpuLine(cpu)}\nload average (1/5/15 min): before the load ${loadBefore}, at its end ${loadDuring}`;
  await Promise.all([left.stopService(intake), left.stopService(triage)]);
}

// ───────────── part 2: listing with many open cases (README.md, "Part 2") ─────────────

const CROCKFORD = [...'0123456789ABCDEFGHJKMNPQRSTVWXYZ'];
/** N open cases as the projector stores them (TriageCaseOpened and what follows folded by the decider), in arrival order. */
function* seedCases(n: number, now: number) {
  const [{ districts }, rand, span] = [loadJurisdiction(path.join(h.ROOT, 'config/jurisdiction.json')), new Prng(1).fork('open cases'), 20 * 60_000];
  const [weights, suggestions] = [Object.fromEntries(TEMPLATES.map((t, i) => [i, t[3]])), TEMPLATES.map(suggest)];
  const [leaseExpiresAt, lastByCategory] = [new Date(now + LEASE_S * 1000).toISOString(), new Map<Category, { reportId: string; receivedAt: number }>()];
  const jitter = (x: number) => Math.round((x + (rand.next() - 0.5) * 0.02) * 1e6) / 1e6;
  for (let i = 0; i < n; i++) {
    const k = Number(rand.weighted(weights));
    const [[hint, description, injured], s] = [TEMPLATES[k], suggestions[k]];
    const channel = rand.weighted(URGENT_CATEGORIES.includes(hint) ? CHANNEL_MIX_URGENT : CHANNEL_MIX_OTHER);
    const [district, receivedAt, reportId] = [rand.pick(districts), now - span + ((i + rand.next()) * (span - 1000)) / n, randomUUID()];
    const phone = rand.next() < 0.04 ? null : `+628${String(Math.floor(rand.next() * 1e10)).padStart(10, '0')}`;
    const [callerRef, named, previous] = [callerRefOf(phone, 'local-development-caller-ref-key'), rand.next() < 0.5, lastByCategory.get(s.category)];
    // ~5 % flagged: possible duplicates (3.5 %) or a low-trust caller (1.6 %).
    const distanceMeters = previous && rand.next() < 0.035 ? Math.round(40 + rand.next() * 450) : 0;
    const minutesApart = Math.round((receivedAt - (previous?.receivedAt ?? 0)) / 60_000);
    const duplicateCandidates = distanceMeters ? [{ reportId: previous!.reportId, reason: 'NEARBY_SAME_CATEGORY' as const, distanceMeters, minutesApart }] : [];
    const prankRejections = rand.next() < 0.016 ? 2 + Math.floor(rand.next() * 3) : 0;
    const prank = prankRejections ? `caller's reports were rejected as prank ${prankRejections} times` : null;
    const reasons = [...s.reasons, ...(named ? [] : [`district ${district.name} from the coordinates`]), ...(prank ? [prank] : [])];
    const code = Array.from({ length: 10 }, () => rand.pick(CROCKFORD)).join('');
    const [categoryHint, latitude, longitude] = [rand.next() < 0.7 ? hint : null, jitter(district.latitude), jitter(district.longitude)];
    const address = `${rand.pick(STREETS[district.code] ?? GENERIC_STREETS)} No. ${1 + Math.floor(rand.next() * 200)}`;
    const [trackingCode, sourceSystem] = [`${code.slice(0, 5)}-${code.slice(5)}`, CALLING_SYSTEMS[channel].sourceSystem];
    const opened = { reportId, trackingCode, sourceSystem, channel, receivedAt: new Date(receivedAt).toISOString(), description, categoryHint };
    const location = { latitude, longitude, address, reportedDistrict: named ? district.name : null };
    const lowTrust = { flagged: prankRejections > 0, prankRejections, reason: prank };
    const suggestion = { category: s.category, priority: s.priority, reasons, duplicateCandidates, lowTrust };
    const data = { ...opened, location, district: district.code, peopleInjured: injured, peopleInvolved: 1 + injured, callerRef, suggestion };
    lastByCategory.set(s.category, { reportId, receivedAt });
    let [state, version] = [triageCaseDecider.evolve(triageCaseDecider.initialState(), ev.TriageCaseOpened(data)), 1];
    const fold = (e: Parameters<typeof triageCaseDecider.evolve>[1]) => ((state = triageCaseDecider.evolve(state, e)), version++);
    const r = rand.next();
    if (r < 0.11) {
      // 11 %: claimed by one of 40 operators; a third of those also classified; 1 % escalated.
      fold(ev.ReportClaimed({ reportId, operatorId: `op-${String(1 + Math.floor(rand.next() * 40)).padStart(2, '0')}`, leaseExpiresAt }));
      const moved = () => PRIORITIES[Math.max(0, Math.min(3, PRIORITIES.indexOf(s.priority) + rand.pick([-1, 0, 0, 1])))];
      if (r < 0.01) fold(ev.ReportEscalated({ reportId, reason: 'Butuh keputusan supervisor' }));
      else if (r < 0.043) fold(ev.ReportClassified({ reportId, category: s.category, priority: moved(), district: district.code }));
    }
    yield { ...(state as TriageCase), _id: reportId, _version: version };
  }
}
/** The seeded mix, printed one line a dimension. */
const DIMENSIONS: [string, (c: TriageCase) => string][] = [
  ['priority (effective)', (c) => effectivePriority(c)],
  ['category', (c) => c.classification?.category ?? c.report.suggestion.category],
  ['channel', (c) => c.report.channel],
  ['district', (c) => c.report.district ?? '-'],
  ['status', (c) => c.status],
];

/** Every filter operators use, alone and combined (issue 15), and deep pages; then the statistics and the bare-HTTP floor. */
const FILTERS = '?priority=P2 ?status=ESCALATED ?category=KEBAKARAN ?district=TEBET ?channel=WHATSAPP ?flagged=true ?overdue=false ?claimedBy=op-07';
const COMBINED = '?category=KEJAHATAN&district=TEBET ?status=QUEUED&channel=HOTLINE&limit=200 ?priority=P3&flagged=false&overdue=false';
const LISTS = ['', ...`${FILTERS} ${COMBINED} ?offset=50000&limit=50 ?district=TEBET&offset=5000`.split(' ')];
const queries = (operator: string, supervisor: string): h.Query[] => [
  ...LISTS.map((q) => ({ label: `queue ${q || 'no filter (limit 50)'}`, paths: [`/api/v1/queue${q}`], token: operator, goal: true })),
  { label: 'supervisor/stats', paths: ['/api/v1/supervisor/stats'], token: supervisor, goal: true },
  { label: 'baseline: /health/live', paths: ['/health/live'], goal: false },
];
/** The `total` column: how many cases the last answer matched (`open N` for the statistics). */
const matched = (r: h.QueryRow, b = r.lastBody.startsWith('{') ? JSON.parse(r.lastBody) : {}) =>
  typeof b.total === 'number' ? b.total : typeof b.open === 'number' ? `open ${b.open}` : '–';

/** One triage build (this checkout's, or the one under `root`/dist) on the seeded cases: start-up, RSS, every query at every concurrency. */
async function measureTriage(build: string, prefix: string, root?: string) {
  const env = { MONGODB_DB_PREFIX: prefix, NODE_ENV: 'test', PRIORITY_TARGETS: PART2_TARGETS };
  let [infoLine, infoStartupMs] = ['(not run: --no-info-start)', NaN];
  if (INFO_START) {
    log(`${build}: first start at LOG_LEVEL=info, to read the "queue loaded" line`);
    const first = await launch('triage', TRIAGE_HTTP2, { ...env, LOG_LEVEL: 'info' }, root);
    const line = /^.*queue loaded.*$/m.exec(first.output())?.[0];
    [infoLine, infoStartupMs] = [line ? (JSON.parse(line).msg as string) : '(not found in the output)', first.startupMs];
    await left.stopService(first);
  }
  log(`${build}: start at LOG_LEVEL=warn for the measurement`);
  const service = await launch('triage', TRIAGE_HTTP2, { ...env, LOG_LEVEL: 'warn' }, root);
  const [rssLoaded, operator, supervisor] = [h.rssMiB(service.pid), testToken('bench-operator', ['operator']), testToken('bench-supervisor', ['supervisor'])];
  const stats = JSON.parse((await h.request(TRIAGE_HTTP2, 'GET', '/api/v1/supervisor/stats', supervisor)).body);
  const [meter, loadBefore] = [h.cpuMeter({ bench: process.pid, triage: service.pid, ...h.infraPids() }), h.loadavg()];
  const loop = { maxS: MAX_ROW_S, minRequests: 0 };
  const o = { warmup: WARMUP, requests: REQUESTS, log: (msg: string) => log(`${build}: ${msg}`), warmupLoop: () => loop, loop };
  const results = await h.measureQueries(TRIAGE_HTTP2, queries(operator, supervisor), CONCURRENCY, { name: 'triage', pid: service.pid }, o);
  const [cpu, loadAfter, rssAfter] = [meter.stop(), h.loadavg(), h.rssMiB(service.pid)];
  await left.stopService(service);
  return { build, startupMs: service.startupMs, infoStartupMs, infoLine, rssLoaded, rssAfter, stats, results, cpu, loadBefore, loadAfter };
}

async function part2() {
  const [prefix, t0, batch] = [REUSE_DB ?? `bench_triage_p2_${Date.now()}`, h.nowMs(), [] as object[]];
  const [where, counts] = [`${prefix}_triage.${QUEUE_SNAPSHOT_COLLECTION}`, DIMENSIONS.map(() => ({}) as Record<string, number>)];
  const collection = (await left.mongo()).db(`${prefix}_triage`).collection(QUEUE_SNAPSHOT_COLLECTION);
  let [inserted, flagged, classified, bytes] = [0, 0, 0, 0];
  const flush = async () => (inserted += (await collection.insertMany(batch.splice(0), { ordered: false })).insertedCount);
  if (REUSE_DB) log(`part 2: measuring on the ${(inserted = await collection.countDocuments())} cases already in ${where} (--reuse-db)`);
  else {
    left.databases.add(`${prefix}_triage`).add(`${prefix}_keyvault`);
    log(`part 2: seeding ${OPEN_CASES} open cases into ${where}`);
    for (const doc of seedCases(OPEN_CASES, Date.now())) {
      DIMENSIONS.forEach(([, key], d) => (counts[d][key(doc)] = (counts[d][key(doc)] ?? 0) + 1));
      if (doc.report.suggestion.lowTrust.flagged || doc.report.suggestion.duplicateCandidates.length) flagged++;
      if (doc.classification) classified++;
      if (inserted + batch.length < 200) bytes += JSON.stringify(doc).length;
      if (batch.push(doc) === 1000 && (await flush()) % 20_000 === 0) log(`  ${inserted} inserted`);
    }
    if (batch.length) await flush();
  }
  const seedS = (h.nowMs() - t0) / 1000;
  const measured = [await measureTriage('this build', prefix)];
  if (BASELINE_ROOT) measured.push(await measureTriage(`baseline ${BASELINE_ROOT}`, prefix, BASELINE_ROOT));

  h.say`\n=== Part 2 — queue listing latency with ${inserted.toLocaleString('en')} open cases ===`;
  const share = (n: number) => `${h.f((100 * n) / OPEN_CASES, 1)}%`;
  const shares = (m: Record<string, number>) => (Object.entries(m).sort() as [string, number][]).map(([k, n]) => `${k} ${share(n)}`).join(', ');
  if (REUSE_DB) h.say`reused ${inserted} documents of ${where}, seeded by an earlier run (--reuse-db)`;
  else {
    h.say`seeded ${inserted} documents into ${where} in ${h.f(seedS, 1)} s (${h.f(inserted / seedS, 0)} docs/s, insertMany × 1,000, ~${h.f(bytes / 200, 0)} B of JSON each)`;
    h.say`${DIMENSIONS.map(([label], d) => `  ${label}: ${shares(counts[d])}`).join('\n')}; classified ${share(classified)}; flagged (low trust or duplicates) ${share(flagged)}`;
  }
  for (const m of measured) {
    const { open, depthByPriority, byStatus, overdue } = m.stats;
    const info = INFO_START ? `; ${h.f(m.infoStartupMs, 0)} ms on a first start at LOG_LEVEL=info, whose log said: "${m.infoLine}"` : '';
    h.say`\n--- ${m.build} ---\ntriage start-up until /health/ready (snapshot load included): ${h.f(m.startupMs, 0)} ms at LOG_LEVEL=warn${info}`;
    h.say`triage RSS (VmRSS): ${h.f(m.rssLoaded, 0)} MiB after loading, ${h.f(m.rssAfter, 0)} MiB after the measurements`;
    const more = `; ${open - inserted} more: re-read from the triage topic's last hour — run on fresh infrastructure for exact figures`;
    h.say`supervisor/stats after start: open ${open} (seeded ${inserted}${open !== inserted ? more : ''}), depth ${JSON.stringify(depthByPriority)}, byStatus ${JSON.stringify(byStatus)}, overdue ${overdue}`;
    h.say`closed loop, ${WARMUP} warm-up + ${REQUESTS} measured requests per row${Number.isFinite(MAX_ROW_S) ? ` (or ${MAX_ROW_S} s, whichever first: see n)` : ''}; times in ms\n`;
    console.log(h.queryTable(m.results, 'triage', GOAL_LIST_MS, { total: matched, other: true, bytes: (r) => Buffer.byteLength(r.lastBody) }));
    h.say`\n${h.goalLine('list and stats', m.results, GOAL_LIST_MS)}\n${h.cpuLine(m.cpu)}`;
    h.say`load average (1/5/15 min): before the measurements ${m.loadBefore}, after ${m.loadAfter}`;
  }
  if (measured.length < 2) return;
  const [current, base] = measured;
  const cells: [string, (r: h.QueryRow) => string][] = [
    ['p99', (r) => h.f(r.lat.p99)],
    ['cpu ms/req', (r) => h.f(r.serverCpuMs, 2)],
  ];
  const head = ['query', 'conc', ...cells.flatMap(([name]) => [`this build ${name}`, `baseline ${name}`])];
  const twin = (r: h.QueryRow) => base.results.find((x) => x.label === r.label && x.concurrency === r.concurrency);
  const rows = current.results.map((r) => [r.label, r.concurrency, ...cells.flatMap(([, cell]) => [cell(r), twin(r) ? cell(twin(r)!) : '–'])]);
  const both = (label: string, figure: (m: typeof current) => number) => [label, '', ...[current, base].map((m) => h.f(figure(m), 0)), '', ''];
  const extra = [both('RSS after loading (MiB)', (m) => m.rssLoaded), both('RSS after the measurements (MiB)', (m) => m.rssAfter)];
  const sideBySide = table([head, ...rows, ...extra, both('start-up until ready (ms)', (m) => m.startupMs)]);
  h.say`\n--- side by side: p99 ms (triage cpu ms/req), this build vs ${base.build} ---\n\n${sideBySide}`;
}

async function main() {
  h.header(`bench/triage: ${[RUN_PART2 && 'part 2', RUN_PART1 && 'part 1'].filter(Boolean).join(', then ')}`);
  console.log('(how the figures are made, and what each means: bench/triage/README.md)');
  if (RUN_PART2) await part2();
  if (RUN_PART1) await part1();
}

h.run(main, left);
