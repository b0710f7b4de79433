/**
 * Benchmark of the event backbone (issue 2): MongoEventStore.append → OutboxRelay → Kafka → a kafkajs consumer, beside the
 * same broker without a database. Phases, figures, options and the JSON record: README.md. Table to stdout, JSON to --out.
 */
import 'reflect-metadata'; // @callcenter/events pulls in @callcenter/contracts, whose DTO decorators need it first
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { MongoClient } from 'mongodb';
import * as ev from '@callcenter/events';
import { forwardedData, openedCaseData, receivedReportData } from '@callcenter/testing';
import * as h from '../harness';

const strings = 'events concurrency per-stream multi-events rate seconds partitions batch recovery-ms append-budget-s drain-budget-s baseline-records';
const o = h.options(h.readmeOptions('backbone'), [...strings.split(' '), 'out', 'max-s', 'brokers', 'mongodb-uri'], ['no-baseline']);
const optional = (name: string) => (o.flag(name) === undefined ? undefined : o.whole(name, 1, 1)); // undefined: the relay's default
const cfg = {
  // The defaults of `bash infra/bin/infra start` (docs/performance.md's command).
  mongoUri: o.flag('mongodb-uri') ?? process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017',
  brokers: (o.flag('brokers') ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  ...{ events: o.whole('events', 20_000), concurrency: o.whole('concurrency', 32, 1), eventsPerStream: o.whole('per-stream', 5, 1) },
  ...{ multiEvents: o.whole('multi-events', 10_000), latencyRate: o.num('rate', 200), latencySeconds: o.num('seconds', 10) },
  ...{ partitions: o.whole('partitions', 6, 1), relayBatchSize: optional('batch'), relayRecoveryMs: optional('recovery-ms') },
  ...{ appendBudgetMs: o.num('append-budget-s', 120) * 1000, drainBudgetMs: o.num('drain-budget-s', 60) * 1000, baseline: !o.has('no-baseline') },
  ...{ baselineRecords: o.whole('baseline-records', 100_000), kafkaLibs: h.KAFKA_LIBS, infraDataDir: h.INFRA_DATA_DIR },
  ...{ out: o.flag('out') ?? '/tmp/backbone-last-run.json', maxSeconds: o.num('max-s', 900) },
};

const now = h.nowMs;
const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '—');
const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
/** Waits until `ok()` or `ms` passed; resolves with `ok()`. */
async function until(ok: () => boolean, ms: number): Promise<boolean> {
  for (const end = now() + ms; !ok() && now() < end;) await h.sleep(2);
  return ok();
}
/** A table from column specs: a header and one row per item. */
const tableOf = <T>(cols: [string, (x: T) => string | number][], items: T[]) => h.table([cols.map((c) => c[0]), ...items.map((x) => cols.map((c) => c[1](x)))]);

/** A report as intake records it (the typical size of an event on the backbone), built by the catalogue's typed constructor. */
const reportReceived = (reportId: string, i: number) => {
  const [phone, at] = [`+62812${String(1_000_000 + (i % 9_000_000)).padStart(7, '0')}`, (i % 1000) / 10_000];
  const address = 'Jl. Jenderal Sudirman No. 12, Kebayoran Baru, Jakarta Selatan';
  const [location, channel] = [{ latitude: -6.2 + at, longitude: 106.8 + at, address, district: 'KEBAYORAN_BARU' }, i % 3 === 0 ? 'WEB' : 'HOTLINE'] as const;
  const description = 'Tabrakan dua motor di perempatan, satu orang luka ringan, lalu lintas tersendat.';
  const reporter = { name: 'Budi Santoso', phone, anonymous: false };
  return ev.ReportReceived(
    receivedReportData({ reportId, channel, reporter, categoryHint: 'KECELAKAAN_LALU_LINTAS', location, description, peopleInjured: 1 }),
  );
};
/** The nth event of a triage case's stream: opened, claimed, classified, a note, forwarded for dispatch. */
const caseStep = (reportId: string, n: number): ev.DomainEvent => {
  const [category, priority, district] = ['KECELAKAAN_LALU_LINTAS', 'P2', 'KEBAYORAN_BARU'] as const;
  const steps = [
    () => ev.TriageCaseOpened(openedCaseData({ reportId, district }, { category, priority })),
    () => ev.ReportClaimed({ reportId, operatorId: 'op-07', leaseExpiresAt: new Date(Date.now() + 300_000).toISOString() }),
    () => ev.ReportClassified({ reportId, category, priority, district }),
    () => ev.ReportNoteAdded({ reportId, text: 'Unit patroli 3 menuju lokasi, estimasi tiba 7 menit.' }),
    () => ev.ReportForwardedForDispatch(forwardedData({ reportId, category, priority, district })),
  ];
  return steps[n % steps.length]();
};
/** A phase stops appending after this many failed appends (a database that refuses writes). */
const MAX_APPEND_ERRORS = 50;

/** CPU seconds of this process, the database and Kafka (their pid files) and everything else on the machine, per phase. */
const pids = { node: process.pid, db: h.pidFile(cfg.infraDataDir, 'db'), kafka: h.pidFile(cfg.infraDataDir, 'kafka') };
const meter = h.cpuMeter(pids);
function cpuStop() {
  const { wall, used: u, other, machineShare } = meter.stop();
  const [nodeS, databaseS, kafkaS, otherS] = [u.node, u.db, u.kafka, other].map((x) => h.round(x));
  return { wallS: h.round(wall), nodeS, databaseS, kafkaS, otherS, machineBusyPct: h.round(100 * machineShare, 1) };
}

// ───────────────────────────── the run's names and clients ─────────────────────────────

const runId = `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${randomUUID().slice(0, 6)}`;
const [dbName, groupId, topic] = [`bench_backbone_${runId}`, `bench-backbone-${runId}`, `bench.backbone.${runId}`];
const baselineTopic = `${topic}.baseline`;
// socketTimeoutMS: an operation stuck in a deadlocked database fails (and is counted) instead of hanging the run.
const mongo = new MongoClient(cfg.mongoUri, { appName: 'backbone-bench', serverSelectionTimeoutMS: 5_000, socketTimeoutMS: 60_000 });
const db = mongo.db(dbName);
/** Warnings and errors to stderr; the relay's with their context (kafkajs's is long). */
const say = (from: string) => (m: string, c?: unknown) => console.error(`[${from}] ${m}${c && from === 'relay' ? ` ${JSON.stringify(c)}` : ''}`);
const logger = (from: string) => ({ log() {}, warn: say(from), error: say(from) });
const kafka = ev.createKafka({ brokers: cfg.brokers, clientId: 'backbone-bench', logger: logger('kafka') });
const [admin, producer] = [kafka.admin(), ev.createEventProducer(kafka)];
/** Stopped, deleted and dropped at the end, also on a signal or at the overall deadline. */
const left = new h.Leftovers(() => false, kafka);
let relay: ev.OutboxRelay | undefined;

// ───────────────────────────── consumer and relay probes ─────────────────────────────

/** Per stream: the last version the consumer saw and when; in the latency phase also just before append, append returned, relay send and Kafka ack (NaN: not yet). */
type Stream = { version: number; received: number; started: number; appended: number; sent: number; acked: number };
/** One phase's figures: what the consumer saw (phases are told apart by the stream id prefix), its failed appends, and its relay's rounds. */
class Probe {
  static readonly all = new Map<string, Probe>();
  static readonly stray = { undecodable: 0, foreign: 0 };
  /** New events, duplicates, new events that were not version last+1 of their stream, when the last came, bytes. */
  readonly got = { unique: 0, duplicates: 0, outOfOrder: 0, lastAt: NaN, valueBytes: 0, messageBytes: 0 };
  readonly errors = { count: 0, first: undefined as string | undefined };
  /** Rounds with events (start, sendBatch start, sendBatch end, end); allAt: when `target` events (a phase's appends) were published. */
  readonly relay = { times: [] as number[][], recoverScan: [] as number[], recovered: 0, published: 0, rounds: 0, target: Infinity, allAt: NaN };
  readonly streams = new Map<string, Stream>();
  trackSends = false; // each stream's relay send and Kafka ack (the latency phase)
  constructor(prefix: string) {
    Probe.all.set(prefix, this);
  }
  stream = (id: string) =>
    this.streams.get(id) ?? this.streams.set(id, { version: 0, received: NaN, started: NaN, appended: NaN, sent: NaN, acked: NaN }).get(id)!;

  /** One append; a failure is counted (the first kept) and resolves false. */
  append(store: ev.MongoEventStore, id: string, version: number, event: ev.DomainEvent): Promise<boolean> {
    const failed = (e: unknown) => ((this.errors.first ??= String(e).slice(0, 300)), this.errors.count++, false);
    return store.append(id, version, [event], { actor: 'bench', correlationId: randomUUID(), now: new Date() }).then(() => true, failed);
  }

  receive(e: ev.EventEnvelope, m: KafkaMessage, at: number): void {
    const [g, s] = [this.got, this.stream(e.streamId)];
    if (e.streamVersion <= s.version) return void g.duplicates++;
    if (e.streamVersion !== s.version + 1) g.outOfOrder++;
    const headers = Object.entries(m.headers ?? {}).reduce((n, [k, v]) => n + k.length + (v ? String(v).length : 0), 0);
    [s.version, s.received, g.unique, g.lastAt, g.valueBytes] = [e.streamVersion, at, g.unique + 1, at, g.valueBytes + (m.value?.length ?? 0)];
    g.messageBytes += (m.value?.length ?? 0) + (m.key?.length ?? 0) + headers;
  }

  /** The phase's relay on `store`, its rounds and recovery scans timed by the relay itself (`onRound`, `onRecovered`). */
  relayOn(store: ev.MongoEventStore): ev.OutboxRelay {
    const r = this.relay;
    const onRound = ({ commits, events, startedAt, sentAt, ackedAt, markedAt }: ev.RelayRound) => {
      [r.published, r.rounds] = [r.published + events, r.rounds + 1];
      if (r.published >= r.target && Number.isNaN(r.allAt)) r.allAt = now();
      r.times.push([startedAt, sentAt, ackedAt, markedAt]);
      for (const s of this.trackSends ? commits.map((c) => this.streams.get(c.streamId)) : [])
        if (s && Number.isNaN(s.sent)) [s.sent, s.acked] = [sentAt, ackedAt];
    };
    const onRecovered = (found: number, scanMs: number) => (r.recoverScan.push(scanMs), (r.recovered += found));
    const options = { batchSize: cfg.relayBatchSize, recoveryIntervalMs: cfg.relayRecoveryMs, logger: logger('relay'), onRound, onRecovered };
    return new ev.OutboxRelay(store, producer, options);
  }

  summary() {
    const { times, rounds, published, recoverScan, recovered: found } = this.relay;
    const span = (a: number, b: number) => times.map((t) => t[b] - t[a]).filter(Number.isFinite);
    const total = sum(span(0, 3));
    const part = (a: number, b: number) => ({ ...h.pctRounded(span(a, b)), sharePct: total ? h.round((100 * sum(span(a, b))) / total, 1) : NaN });
    return {
      ...{ rounds, published, avgEventsPerRound: rounds ? h.round(published / rounds, 1) : 0, roundMs: h.pctRounded(span(0, 3)), prepareMs: part(0, 1) },
      ...{ sendBatchMs: part(1, 2), markPublishedMs: part(2, 3), recoveryScans: { ...h.pctRounded(recoverScan), found } },
    };
  }
}

/** Every phase's consumer: a throw-away group committing nothing, so no offset commit sits on the fetch path. */
const startConsumer = () =>
  h.joinedConsumer(kafka, { groupId }, [topic], true, {
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const at = now();
      for (const m of batch.messages) {
        let e: ev.EventEnvelope;
        try {
          e = ev.fromKafkaMessage(m);
        } catch {
          Probe.stray.undecodable++;
          continue;
        }
        const probe = Probe.all.get(e.streamId.slice(0, e.streamId.indexOf('-')));
        if (probe) probe.receive(e, m, at);
        else Probe.stray.foreign++;
      }
    },
  });

// ───────────────────────────── phases ─────────────────────────────

/** Runs `body` on a fresh stream collection `commits_<prefix>` with its own instrumented relay (commits through a mongoose Model if asked). */
async function phase<T>(prefix: string, viaMongoose: boolean, body: (store: ev.MongoEventStore, probe: Probe) => Promise<T>) {
  const collection = `commits_${prefix}`;
  const commitModel = viaMongoose ? ev.modelOn(db, `BenchCommit_${collection}`, ev.commitSchema(collection)) : undefined;
  const store = new ev.MongoEventStore(db, { producer: 'backbone-bench', topic, collection, commitModel });
  await store.ensureIndexes();
  const probe = new Probe(prefix);
  (relay = probe.relayOn(store)).start();
  return body(store, probe).finally(closeRelay);
}

/** Stops the phase's relay; a round stuck in the database is abandoned after 30 s (reported). */
async function closeRelay(): Promise<void> {
  const r = relay;
  relay = undefined;
  if (r && !(await Promise.race([r.stop().then(() => true), h.sleep(30_000)])))
    console.error('[bench] relay did not stop within 30 s (a round is stuck in the database); abandoning it');
}

/** `targetEvents` appends, `perStream` successive ones per stream, `--concurrency` streams in flight. */
const throughput = (name: string, prefix: string, targetEvents: number, perStream: number, viaMongoose = false) =>
  phase(prefix, viaMongoose, async (store, probe) => {
    const [{ got: g, relay: r, errors }, streams, latency, timeline] = [probe, Math.ceil(targetEvents / perStream), [] as number[], [] as number[][]];
    let [appended, next, appendBudgetHit] = [0, 0, false];
    meter.start();
    const t0 = now();
    const sampler = setInterval(() => timeline.push([h.round((now() - t0) / 1000, 1), appended, r.published, g.unique]), 1000);
    const worker = async () => {
      for (let s = next++; s < streams; s = next++) {
        if (now() - t0 > cfg.appendBudgetMs || errors.count >= MAX_APPEND_ERRORS) return void (appendBudgetHit = true);
        const id = `${prefix}-${randomUUID()}`;
        for (let v = 0, started = now(); v < perStream; v++, started = now()) {
          if (!(await probe.append(store, id, v, perStream === 1 ? reportReceived(id, s) : caseStep(id, v)))) break; // skips the rest of the stream
          latency.push(now() - started);
          appended++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(cfg.concurrency, streams) }, worker)).finally(() => clearInterval(sampler));
    const [tAppended, receivedAtAppendEnd] = [now(), g.unique];
    [r.target, r.allAt] = [appended, r.published >= appended ? now() : NaN];
    const complete = await until(() => g.unique >= appended, cfg.drainBudgetMs);
    const tEnd = complete ? g.lastAt : now();
    const tRelayed = complete && (await until(() => !Number.isNaN(r.allAt), 5_000)) ? r.allAt : NaN;
    const [cpu, appendS, received] = [cpuStop(), (tAppended - t0) / 1000, g.unique];
    const during = timeline.filter(([t]) => t <= appendS);
    const [first, lastFrom] = [during.find(([t]) => t >= 5), during.findLast(([t]) => t <= appendS - 5)];
    const [avgBytes, { concurrency }] = [(bytes: number) => (received ? Math.round(bytes / received) : 0), cfg];
    return {
      ...{ name, collection: `commits_${prefix}`, targetEvents: streams * perStream, events: appended, streams: Math.ceil(appended / perStream) },
      ...{ eventsPerStream: perStream, concurrency, appendBudgetHit, appendErrors: errors.count, firstAppendError: errors.first, complete, received },
      ...{ appendSeconds: h.round(appendS, 3), appendedPerSec: Math.round(appended / appendS), relayAckedSeconds: h.round((tRelayed - t0) / 1000, 3) },
      ...{ consumedSeconds: h.round((tEnd - t0) / 1000, 3), relayedPerSec: Math.round((received * 1000) / (tEnd - t0)) },
      relayedPerSecAfterAppends: tEnd > tAppended ? h.round(((received - receivedAtAppendEnd) * 1000) / (tEnd - tAppended), 1) : NaN,
      drainAfterAppendsMs: Math.round(tEnd - tAppended),
      appendedPerSecFirst5s: first ? Math.round(first[1] / first[0]) : NaN,
      appendedPerSecLast5s: lastFrom ? Math.round((appended - lastFrom[1]) / (appendS - lastFrom[0])) : NaN,
      ...{ appendLatencyMs: h.pctRounded(latency), relay: probe.summary(), duplicates: g.duplicates, outOfOrder: g.outOfOrder },
      ...{ avgValueBytes: avgBytes(g.valueBytes), avgMessageBytes: avgBytes(g.messageBytes), cpu, timeline },
    };
  });
type Throughput = Awaited<ReturnType<typeof throughput>>;

/** The latency phase's figures: each event's span (ms; NaN where not measured), its label in the table and its JSON key. */
const relayed = (s: Stream) => Number.isFinite(s.received + s.appended + s.sent + s.acked);
const SPANS = [
  ['just before append → consumer received', 'appendToConsumerMs', (s: Stream) => s.received - s.started],
  ['  append call (head lookup + insert)', 'appendCallMs', (s: Stream) => s.appended - s.started],
  ['  append returned → consumer (relay + Kafka)', 'appendReturnedToConsumerMs', (s: Stream) => s.received - s.appended],
  ['    append returned → relay sends it', 'appendReturnedToRelaySendMs', (s: Stream) => (relayed(s) ? s.sent - s.appended : NaN)],
  ['    relay send → consumer received', 'relaySendToConsumerMs', (s: Stream) => (relayed(s) ? s.received - s.sent : NaN)],
  ['    relay send → Kafka ack (acks=all)', 'relaySendToKafkaAckMs', (s: Stream) => (relayed(s) ? s.acked - s.sent : NaN)],
] as const;

/** Open loop at --rate for --seconds: just before append → consumer, and where that time goes. */
const latency = () =>
  phase('l', false, async (store, probe) => {
    const [{ latencyRate: targetRate, latencySeconds: seconds }, inFlight, { got, errors }] = [cfg, new Set<Promise<void>>(), probe];
    let [maxInFlight, lateStarts, events] = [0, 0, 0];
    probe.trackSends = true;
    meter.start();
    const t0 = now();
    for (let i = 0; i < Math.max(1, Math.round(targetRate * seconds)) && errors.count < MAX_APPEND_ERRORS; i++) {
      const wait = t0 + (i * 1000) / targetRate - now();
      if (wait >= 1) await h.sleep(wait);
      else if (wait < -50) lateStarts++;
      while (inFlight.size >= 256) await Promise.race(inFlight); // the store far behind: wait rather than pile up
      const [id, started] = [`l-${randomUUID()}`, now()];
      const s = Object.assign(probe.stream(id), { started });
      const p: Promise<void> = probe.append(store, id, 0, reportReceived(id, i)).then((ok) => {
        if (ok) s.appended = now();
        inFlight.delete(p);
      });
      inFlight.add(p);
      [maxInFlight, events] = [Math.max(maxInFlight, inFlight.size), events + 1];
    }
    const achievedRate = Math.round((events * 1000) / (now() - t0));
    await Promise.all(inFlight);
    const complete = await until(() => got.unique >= events - errors.count, cfg.drainBudgetMs);
    const [cpu, streams, bySecond] = [cpuStop(), [...probe.streams.values()], [] as number[][]];
    const spans = Object.fromEntries(SPANS.map(([, key, span]) => [key, h.pctRounded(streams.map(span).filter(Number.isFinite))]));
    for (const s of streams) if (Number.isFinite(s.received)) (bySecond[Math.floor((s.started - t0) / 1000)] ??= []).push(s.received - s.started);
    return {
      ...{ targetRate, seconds, events, achievedRate, complete, received: got.unique, appendErrors: errors.count, firstAppendError: errors.first, lateStarts },
      ...{ maxInFlight, ...(spans as Record<(typeof SPANS)[number][1], h.Pct>), relay: probe.summary(), duplicates: got.duplicates, cpu },
      p50BySecondMs: Array.from(bySecond, (xs) => h.pctRounded(xs ?? []).p50),
    };
  });

/** The single operations the backbone sends to the database, on phase 1's collection with no relay running; then the commit call, driver vs mongoose. */
async function operationCosts(collection: string) {
  const commits = db.collection<ev.CommitDocument>(collection);
  const documents = await commits.countDocuments({});
  const [doc] = await commits.find({}, { skip: Math.floor(documents / 2), limit: 1 }).toArray();
  const operationsMs: Record<string, h.Pct> = {};
  if (!doc) return { documents, operationsMs };
  const [{ _id, streamId }, published] = [doc, { $set: { published: true } }];
  const probes = (n: number) => Array.from({ length: n }, () => ({ ...doc, _id: `probe-${randomUUID()}` }));
  // 50 per batch: FerretDB 1.x deadlocks on one update command with ≥ 100 matched statements.
  const batch = await commits.find({}, { projection: { _id: 1 }, limit: 50 }).toArray();
  const marks = batch.map((d) => ({ updateOne: { filter: { _id: d._id }, update: published } }));
  const ops: [string, () => Promise<unknown>][] = [
    ['findOne {_id} hit (append at version > 0: read stream head)', () => commits.findOne({ _id })],
    ['findOne {_id} miss (append: check nothing follows the head)', () => commits.findOne({ _id: `${_id}-none` })],
    ['insertOne commit', () => commits.insertOne(probes(1)[0])],
    ['insertMany 50 commits, unordered (group commit)', () => commits.insertMany(probes(50), { ordered: false })],
    ['updateOne {_id} $set published', () => commits.updateOne({ _id }, published)],
    ['bulkWrite 50 × updateOne {_id} (relay marks a round published)', () => commits.bulkWrite(marks, { ordered: false })],
    ['find {published:false} (relay recovery scan, nothing unpublished)', () => commits.find({ published: false }).toArray()],
    ['find {streamId} (has an index)', () => commits.find({ streamId }).toArray()],
  ];
  /** Milliseconds and the process CPU (µs) one call took. */
  const timed = async (op: () => Promise<unknown>, t = now(), cpu = process.cpuUsage()) => (await op(), [now() - t, process.cpuUsage(cpu)] as const);
  for (const [label, op] of ops) {
    const xs: number[] = [];
    for (let i = 0; i < 5; i++) xs.push((await timed(op))[0]);
    operationsMs[label] = h.pctRounded(xs);
  }
  // The group commit's call itself, driver and mongoose Model taking turns (20 each), with the process CPU each used.
  const model = ev.modelOn(db, `BenchCommit_${collection}`, ev.commitSchema(collection));
  const inserts = {
    driver: () => commits.insertMany(probes(50), { ordered: false }),
    'mongoose Model': () => model.insertMany(probes(50), { ordered: false }),
  };
  const paths = Object.entries(inserts).map(([name, insert]) => ({ name, insert, ms: [] as number[], cpuMs: 0 }));
  for (let i = 0; i < 40; i++) {
    const p = paths[i % 2];
    const [ms, { user, system }] = await timed(p.insert);
    p.ms.push(ms);
    p.cpuMs += (user + system) / 1000 / 20;
  }
  for (const p of paths) operationsMs[`insertMany 50 commits, ${p.name} (20 in turn; node CPU ${p.cpuMs.toFixed(2)} ms each)`] = h.pctRounded(p.ms);
  return { documents, operationsMs, commitCallCpuMs: { driver: paths[0].cpuMs, mongoose: paths[1].cpuMs } };
}

// ───────────────────────────── baselines: the same broker, no database ─────────────────────────────

/** Our producer client (kafkajs, idempotent, 1 in flight, acks=all) sending prepared envelopes in relay-sized batches. */
async function kafkajsBaseline(records: number, batchSize: number, sample: ev.EventEnvelope) {
  const p = ev.createEventProducer(kafka);
  const envelope = () => ({ ...sample, eventId: randomUUID(), streamId: `k-${randomUUID()}`, streamVersion: 1 });
  const messages = Array.from({ length: records }, () => ev.toKafkaMessage(envelope()));
  const send = (i: number) => p.sendBatch({ topicMessages: [{ topic: baselineTopic, messages: messages.slice(i, i + batchSize) }], acks: -1 });
  try {
    await p.connect().then(() => send(0)); // connected and warm
    const t0 = now();
    for (let i = 0; i < records; i += batchSize) await send(i);
    const seconds = (now() - t0) / 1000;
    return { records, batchSize, seconds: h.round(seconds, 3), recordsPerSec: Math.round(records / seconds) };
  } finally {
    await p.disconnect();
  }
}

/** The services' consumer (libs/events) of the baseline topic; stopped after `body`, its dead-letter topic deleted at the end. */
async function withEventConsumer<T>(client: Kafka, group: string, handle: (e: ev.EventEnvelope) => unknown, body: (c: ev.EventConsumer) => Promise<T>) {
  const options = { kafka: client, groupId: group, topics: [baselineTopic], lagIntervalMs: 0, deadLetterRetentionMs: 60_000 };
  const c = new ev.EventConsumer({ ...options, handle: async (e) => void handle(e) });
  left.topics.add(c.deadLetterTopic);
  return body(c).finally(() => c.stop().catch(() => undefined));
}

/** How fast the services' consumer (EventConsumer, no-op handler) reads the baseline topic that holds `records` events. */
async function eventConsumerThroughput(records: number) {
  const [t0, at] = [now(), [] as number[]];
  const received = () => at.push(now());
  await withEventConsumer(kafka, `${groupId}-read`, received, (c) => c.start().then(() => until(() => at.length >= records, 60_000)));
  const [seen, seconds] = [at.length, ((at.at(-1) ?? NaN) - (at[0] ?? NaN)) / 1000];
  return { records: seen, startToFirstMs: h.round((at[0] ?? NaN) - t0), seconds: h.round(seconds, 3), recordsPerSec: Math.round(seen / seconds) };
}

const CONSUMER_VARIANTS = ['kafkajs defaults', 'TCP_NODELAY', 'TCP_NODELAY + EventConsumer'] as const;
/** Kafka alone at the latency phase's rate, one envelope per send with the relay's producer settings, to one of three consumers (README.md). */
async function kafkaLatencyBaseline(variant: (typeof CONSUMER_VARIANTS)[number], group: string, seconds: number, sample: ev.EventEnvelope) {
  const client = ev.createKafka({ brokers: cfg.brokers, clientId: 'backbone-bench-latency', noDelay: variant !== 'kafkajs defaults' });
  const [rate, sent] = [cfg.latencyRate, Math.max(1, Math.round(cfg.latencyRate * seconds))];
  const result = (latencies: number[]) => ({ variant, rate, seconds, sent, received: latencies.length, sendToConsumerMs: h.pctRounded(latencies) });
  if (variant !== 'TCP_NODELAY + EventConsumer')
    return result((await h.kafkaOnlyLatency(client, sample, sent, rate, { topic: baselineTopic, groupId: group })).latencies);
  const [p, sentAt, latencies] = [ev.createEventProducer(client), new Map<string, number>(), [] as number[]];
  const received = (e: ev.EventEnvelope) => sentAt.has(e.streamId) && latencies.push(now() - sentAt.get(e.streamId)!);
  return withEventConsumer(client, group, received, async (consumer) => {
    await p.connect();
    // It reads the topic from the start: skip what is there already (the throughput baseline).
    const ends = await admin.fetchTopicOffsets(baselineTopic);
    await admin.setOffsets({ groupId: group, topic: baselineTopic, partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })) });
    await consumer.start().then(() => h.sleep(1_000)); // let the group settle on the latest offsets
    const sends: Promise<unknown>[] = [];
    await h.openLoop(sent, rate, (i, key = `kl-${randomUUID()}`) => {
      sentAt.set(key, now());
      sends.push(p.send({ topic: baselineTopic, acks: -1, messages: [ev.toKafkaMessage({ ...sample, streamId: key, eventId: randomUUID() })] }));
    });
    await Promise.all(sends).then(() => until(() => latencies.length >= sent, 5_000));
    return result(latencies);
  }).finally(() => p.disconnect().catch(() => undefined));
}

/** Kafka's EndToEndLatency (Java, acks=all): one record produced and consumed, then the next (ours are open loop at --rate). */
async function javaEndToEndLatency(e2eTopic: string, recordSize: number, records = 1_000) {
  const out = await h.kafkaTool(cfg.kafkaLibs, 'EndToEndLatency', [cfg.brokers.join(','), e2eTopic, String(records), 'all', String(recordSize)]);
  const [avg, p] = [/Avg latency: ([\d.]+) ms/.exec(out), /Percentiles: 50th = ([\d.]+), 99th = ([\d.]+), 99.9th = ([\d.]+)/.exec(out)];
  if (!avg || !p) throw new Error(`EndToEndLatency: cannot read ${out.slice(-400)}`);
  return { records, avgMs: Number(avg[1]), p50Ms: Number(p[1]), p99Ms: Number(p[2]), p999Ms: Number(p[3]) };
}

/** Kafka's ProducerPerformance (the broker's own jars) with the record size of our envelopes. */
async function producerPerformance(recordSize: number, label: string, props: string[]) {
  const args = ['--topic', baselineTopic, '--num-records', String(cfg.baselineRecords), '--record-size', String(recordSize), '--throughput', '-1'];
  const out = await h.kafkaTool(cfg.kafkaLibs, 'ProducerPerformance', [...args, '--producer-props', `bootstrap.servers=${cfg.brokers.join(',')}`, ...props]);
  const line = out.split('\n').findLast((l) => / records sent, .* 99th/.test(l));
  const m = line?.match(/(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency.*?(\d+) ms 99th/);
  if (!line || !m) throw new Error(`ProducerPerformance: cannot read ${out.slice(-800)}`);
  const [records, recordsPerSec, mbPerSec, avgLatencyMs, p99LatencyMs] = m.slice(1).map(Number);
  return { label, props, records, recordSize, recordsPerSec: Math.round(recordsPerSec), mbPerSec, avgLatencyMs, p99LatencyMs, raw: line.trim() };
}

/** Every baseline in turn, on envelopes like phase 1's (`sample`); one that fails is reported in `errors`. */
async function baselines(sample: ev.EventEnvelope, recordSize: number, ensureTopic: (name: string) => Promise<unknown>) {
  const errors: string[] = [];
  const attempt = <T>(what: string, fn: () => Promise<T>) => {
    console.error(`[bench] baseline: ${what}`);
    return fn().catch((e) => void errors.push(`${what}: ${e instanceof Error ? e.message : e}`));
  };
  const records = Math.min(cfg.baselineRecords, 50_000);
  const kafkajs = await attempt(`kafkajs direct, ${records} records`, () => kafkajsBaseline(records, cfg.relayBatchSize ?? 500, sample));
  // Both consumers read what kafkajs just wrote (envelopes; ProducerPerformance's records come later).
  const onTopic = await h.topicSize(admin, baselineTopic);
  const eventConsumer = await attempt(`EventConsumer, ${onTopic} records`, () => eventConsumerThroughput(onTopic));
  const javaConsumer = await attempt(`Java ConsumerPerformance, ${onTopic} records`, async () => {
    const p = await h.consumerPerformance(cfg.brokers, baselineTopic, onTopic, { timeoutS: 30 });
    return { records: p.messages, recordsPerSec: Math.round(p.nMsgSec), fetchRecordsPerSec: Math.round(p.fetchNMsgSec), raw: p.line };
  });
  const seconds = Math.min(cfg.latencySeconds, 5);
  const kafkaLatency = [];
  const producers = [];
  for (const [i, variant] of CONSUMER_VARIANTS.entries()) {
    const what = `Kafka-only latency (${variant}), ${cfg.latencyRate} ev/s for ${seconds} s`;
    kafkaLatency.push(await attempt(what, () => kafkaLatencyBaseline(variant, `${groupId}-baseline-${i}`, seconds, sample)));
  }
  for (const props of [['acks=all'], ['acks=all', 'max.in.flight.requests.per.connection=1']]) {
    const label = `ProducerPerformance acks=all${props.length > 1 ? ', 1 in flight' : ''}`;
    producers.push(await attempt(`${label}, ${cfg.baselineRecords} × ${recordSize} B`, () => producerPerformance(recordSize, label, props)));
  }
  const e2e = `${topic}.e2e`;
  const javaLatency = await attempt('Java EndToEndLatency, 1,000 records one at a time', () =>
    ensureTopic(e2e).then(() => javaEndToEndLatency(e2e, recordSize)),
  );
  const found = <T>(xs: (T | undefined)[]) => xs.filter((x): x is T => x !== undefined);
  return { kafkajs, kafkaLatency: found(kafkaLatency), javaLatency, eventConsumer, javaConsumer, producerPerformance: found(producers), errors };
}

/** What answers on MONGODB_URI: buildInfo, and for the local infra the process behind the pid file. */
async function serverDescription(): Promise<string> {
  const cmdline = await readFile(`/proc/${pids.db}/cmdline`, 'utf8').catch(() => ''); // not the local infra
  let engine = cmdline.includes('LocalMongoServer') ? 'mongo-java-server (H2 MVStore)' : cmdline.includes('ferretdb') ? 'FerretDB (SQLite)' : '';
  const info = await db.command({ buildInfo: 1 }).catch(() => undefined);
  if (info?.ferretdb) engine = `FerretDB ${info.ferretdb.version ?? ''} (SQLite)`;
  return info ? `${engine || 'MongoDB-compatible server'}, reports version ${info.version}` : engine || 'unknown server';
}

// ───────────────────────────── report ─────────────────────────────

const share = (p: { p50: number; sharePct: number }) => `${fmt(p.p50, 1)} (${fmt(p.sharePct)} %)`;
const THROUGHPUT: [string, (t: Throughput) => string | number][] = [
  ['phase', (t) => t.name],
  ['events', (t) => `${fmt(t.events)}${t.appendBudgetHit ? ` of ${fmt(t.targetEvents)}` : ''}`],
  ['append s', (t) => fmt(t.appendSeconds, 1)],
  ['appended ev/s', (t) => fmt(t.appendedPerSec)],
  ['(first/last 5 s)', (t) => `${fmt(t.appendedPerSecFirst5s)} / ${fmt(t.appendedPerSecLast5s)}`],
  ['relayed', (t) => `${fmt(t.received)}${t.complete ? '' : ' INCOMPLETE'}`],
  ['relayed s', (t) => fmt(t.consumedSeconds, 1)],
  ['relayed ev/s', (t) => fmt(t.relayedPerSec)],
  ['relay ev/s after appends', (t) => fmt(t.relayedPerSecAfterAppends, 1)],
  ['append p50 ms', (t) => fmt(t.appendLatencyMs.p50, 1)],
  ['append p99 ms', (t) => fmt(t.appendLatencyMs.p99, 1)],
  ['err', (t) => t.appendErrors],
  ['dup', (t) => t.duplicates],
  ['ooo', (t) => t.outOfOrder],
];
const RELAY: [string, (t: Pick<Throughput, 'name' | 'relay' | 'cpu'>) => string][] = [
  ['phase', (t) => t.name],
  ['rounds', (t) => fmt(t.relay.rounds)],
  ['ev/round', (t) => fmt(t.relay.avgEventsPerRound, 1)],
  ['round ms p50', (t) => fmt(t.relay.roundMs.p50, 1)],
  ['prepare ms p50 (share)', (t) => share(t.relay.prepareMs)],
  ['sendBatch ms p50 (share)', (t) => share(t.relay.sendBatchMs)],
  ['mark published ms p50 (share)', (t) => share(t.relay.markPublishedMs)],
  ['cpu s node/db/Kafka/other', ({ cpu: c }) => [c.nodeS, c.databaseS, c.kafkaS, c.otherS].map((x) => fmt(x, 1)).join(' / ')],
  ['wall s', (t) => fmt(t.cpu.wallS, 1)],
];

/** The baselines' table and lines; ratios against phase 1 ("1 event / new stream"). */
function baselineReport(b: Awaited<ReturnType<typeof baselines>>, single: Throughput): string[] {
  const ratio = (x: number, base: number) => (base > 0 && Number.isFinite(x) ? `${((100 * x) / base).toPrecision(2)} %` : '—');
  const [ec, jc, jl, p1, k] = [b.eventConsumer, b.javaConsumer, b.javaLatency, (x: number) => fmt(x, 1), b.kafkajs];
  const clients = [
    ...(k ? [{ ...k, label: `kafkajs, relay producer settings, batches of ${k.batchSize}`, recordSize: single.avgValueBytes }] : []),
    ...b.producerPerformance,
  ];
  const row = (c: (typeof clients)[number]) => [c.label, fmt(c.records), fmt(c.recordSize), fmt(c.recordsPerSec), ratio(single.relayedPerSec, c.recordsPerSec)];
  const java = jc ? `; Java ConsumerPerformance ${fmt(jc.recordsPerSec)} records/s (fetch only ${fmt(jc.fetchRecordsPerSec)}) over ${fmt(jc.records)}` : '';
  const javaAndConsuming = [
    jl &&
      `  Kafka only, Java EndToEndLatency (acks=all, ${fmt(jl.records)} records one at a time): p50 ${p1(jl.p50Ms)}, p99 ${p1(jl.p99Ms)}, p99.9 ${p1(jl.p999Ms)}, avg ${p1(jl.avgMs)} ms`,
    ec &&
      `  Consuming: EventConsumer (libs/events, no-op handler) ${fmt(ec.recordsPerSec)} records/s over ${fmt(ec.records)}${java}${jc ? `: ${ratio(ec.recordsPerSec, jc.fetchRecordsPerSec)}` : ''}`,
  ];
  return [
    'Baselines on the same broker (no database)',
    h.table([
      ['client', 'records', 'record B', 'records/s', 'ours relayed / baseline', 'ours appended / baseline'],
      ...clients.map((c) => [...row(c), ratio(single.appendedPerSec, c.recordsPerSec)]),
    ]),
    ...b.kafkaLatency.map(
      ({ variant, rate, received, sent, sendToConsumerMs: p }) =>
        `  Kafka only, kafkajs send → consumer (${variant}) at ${fmt(rate)} ev/s (${fmt(received)}/${fmt(sent)}): p50 ${p1(p.p50)}, p90 ${p1(p.p90)}, p99 ${p1(p.p99)}, max ${p1(p.max)} ms`,
    ),
    ...javaAndConsuming.filter((line) => line !== undefined),
    ...b.producerPerformance.map((j) => `  ${j.label}: ${j.raw}`),
    ...b.errors.map((e) => `  baseline error: ${e}`),
    '  (ratios against the "1 event / new stream" phase; ProducerPerformance records carry no key/headers)',
  ];
}

// ───────────────────────────── main ─────────────────────────────

async function main(): Promise<void> {
  const [startedAt, loadBefore] = [new Date(), os.loadavg()];
  console.error(`[bench] db ${dbName} at ${cfg.mongoUri}, topic ${topic} (${cfg.partitions} partitions) at ${cfg.brokers.join(',')}`);
  for (const k of ['db', 'kafka'] as const) if (!pids[k]) console.error(`[bench] no ${k}.pid under ${cfg.infraDataDir}/run: its CPU is not measured`);
  for (const g of [groupId, `${groupId}-read`, ...CONSUMER_VARIANTS.map((_, i) => `${groupId}-baseline-${i}`)]) left.groups.add(g);
  const disconnect = [() => producer.disconnect(), () => db.dropDatabase(), () => mongo.close(true), () => admin.disconnect()];
  left.closers.push(closeRelay, ...disconnect);
  /** Results so far, written after every phase so an interrupted run still leaves its figures. */
  const partial: Record<string, unknown> = { startedAt: startedAt.toISOString(), partial: true, dbName, topic };
  const write = (record: object) => {
    try {
      writeFileSync(cfg.out, JSON.stringify(record, null, 2));
    } catch (e) {
      console.error(`[bench] cannot write ${cfg.out}: ${e}`);
    }
  };
  const save = <T>(key: string, value: T): T => (write(Object.assign(partial, { [key]: value })), value);
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.error(`[bench] ${why}: partial results in ${cfg.out}; cleaning up (again to force exit)`);
    save('interrupted', new Date().toISOString());
    void left.cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', () => stop('interrupted')).on('SIGTERM', () => stop('interrupted'));
  const deadline = setTimeout(() => stop(`overall deadline of ${cfg.maxSeconds} s reached`), cfg.maxSeconds * 1000).unref();

  await Promise.all([mongo.connect(), admin.connect()]);
  const server = await serverDescription();
  const ensureTopic = (name: string) => ev.ensureTopics(admin, [{ topic: name, partitions: cfg.partitions }]).then(() => left.topics.add(name));
  await ensureTopic(topic).then(() => ensureTopic(baselineTopic));
  const consumer = await producer.connect().then(startConsumer);
  left.closers.unshift(() => consumer.disconnect());
  console.error('[bench] warm-up');
  const warm = await throughput('warm-up', 'w', 20, 1);
  if (!warm.complete || warm.appendErrors) throw new Error(`warm-up: ${warm.firstAppendError ?? 'the events never reached the consumer'}`);
  const each = `${cfg.events} events, 1 per new stream`;
  console.error(`[bench] throughput: ${each}, ${cfg.concurrency} in flight`);
  const single = save('throughputSingle', await throughput('1 event / new stream', 's', cfg.events, 1));
  // Commits through a mongoose Model instead of the driver, in turns (driver, mongoose, mongoose, driver): README.md.
  const commitPaths: Throughput[] = [];
  const turns = [
    ['mongoose Model', 'g', true],
    ['mongoose Model, again', 'g2', true],
    ['driver, again', 's2', false],
  ] as const;
  for (const [label, prefix, viaMongoose] of turns) {
    console.error(`[bench] throughput: ${each}, commits through the ${label}`);
    commitPaths.push(await throughput(`1 event / new stream, ${label}`, prefix, cfg.events, 1, viaMongoose));
    save('throughputCommitPaths', commitPaths);
  }
  const throughputs = [single, ...commitPaths];
  if (cfg.multiEvents > 0 && cfg.eventsPerStream > 1) {
    console.error(`[bench] throughput: ${cfg.multiEvents} events, ${cfg.eventsPerStream} successive appends per stream`);
    throughputs.push(save('throughputMulti', await throughput(`${cfg.eventsPerStream} appends / stream`, 'm', cfg.multiEvents, cfg.eventsPerStream)));
  }
  console.error(`[bench] latency: ${cfg.latencyRate} events/s for ${cfg.latencySeconds} s`);
  const lat = save('latency', await latency());
  console.error('[bench] single operation costs');
  const costs = save('operationCosts', await operationCosts(single.collection));
  // A type outside the catalogue, so the EventConsumer baselines hand it on rather than check its data as a report's.
  const stored = (await db.collection<{ events: ev.EventEnvelope[] }>(single.collection).findOne({}))?.events[0];
  const sample = stored && { ...stored, type: 'BenchRecorded' };
  const b = cfg.baseline && sample ? await baselines(sample, single.avgValueBytes || JSON.stringify(sample).length, ensureTopic) : undefined;

  const [cpus, loads, ops] = [os.cpus(), (l: number[]) => l.map((x) => x.toFixed(2)).join(' '), Object.entries(costs.operationsMs)];
  const latencyRows = SPANS.map(([label, k]) => [label, ...[lat[k].p50, lat[k].p90, lat[k].p99, lat[k].max].map((x) => fmt(x, 1))]);
  const failed = lat.appendErrors ? `, ${lat.appendErrors} appends FAILED` : '';
  const out = [
    `Backbone benchmark ${startedAt.toISOString()}: node ${process.version}, ${cpus.length} CPU (${cpus[0]?.model.trim()}), load avg before ${loads(loadBefore)}`,
    `${server}; Kafka ${cfg.brokers.join(',')}, topic ${cfg.partitions} partitions; relay batchSize ${cfg.relayBatchSize ?? 'default'}, ` +
      `recoveryIntervalMs ${cfg.relayRecoveryMs ?? 'default'}; envelope ${single.avgValueBytes} B JSON (${single.avgMessageBytes} B with key + headers)`,
    `budgets: append ${cfg.appendBudgetMs / 1000} s, drain ${cfg.drainBudgetMs / 1000} s per phase`,
    '',
    'Throughput (bounded concurrency; relayed = first append → consumer has them; each phase on a fresh collection)',
    tableOf(THROUGHPUT, throughputs),
    ...throughputs.filter((t) => t.firstAppendError).map((t) => `  ${t.name}: first append error: ${t.firstAppendError}`),
    '',
    'Relay rounds (where the relay spends its time) and CPU seconds per phase',
    tableOf(RELAY, [...throughputs, { ...lat, name: 'latency' }]),
    '',
    `Latency, open loop at ${fmt(lat.targetRate)} ev/s for ${fmt(lat.seconds)} s (issued at ${fmt(lat.achievedRate)} ev/s, ${fmt(lat.received)}/${fmt(lat.events)} received ` +
      `within the drain budget${lat.complete ? '' : ' INCOMPLETE'}, max ${lat.maxInFlight} appends in flight${failed})`,
    h.table([['ms', 'p50', 'p90', 'p99', 'max'], ...latencyRows]),
    `  median latency by second of the run (ms): ${lat.p50BySecondMs.map((x) => fmt(x)).join(', ')}`,
    '',
    ...(ops.length ? [`Single database operations on phase 1's collection of ${fmt(costs.documents)} commits (relay stopped)`] : []),
    ...(ops.length ? [h.table([['operation', 'p50 ms', 'max ms'], ...ops.map(([k, p]) => [k, fmt(p.p50, 2), fmt(p.max, 2)])]), ''] : []),
    ...(b ? baselineReport(b, single) : []),
  ];
  const loadAfter = os.loadavg();
  out.push(`load avg after ${loads(loadAfter)}`);
  console.log(out.join('\n'));

  const machine = { cpus: cpus.length, cpuModel: cpus[0]?.model.trim(), memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version };
  const [finishedAt, config] = [new Date().toISOString(), { ...cfg, mongoUri: cfg.mongoUri.replace(/\/\/[^@/]*@/, '//***@') }];
  const [times, baselinesRecord] = [{ startedAt: startedAt.toISOString(), finishedAt }, b ?? { kafkaLatency: [], producerPerformance: [], errors: [] }];
  const figures = { throughput: throughputs, latency: lat, operationCosts: costs, baselines: baselinesRecord, consumer: Probe.stray, table: out.join('\n') };
  write({ ...times, machine: { ...machine, loadAvgBefore: loadBefore, loadAvgAfter: loadAfter }, server, config, dbName, topic, ...figures });
  clearTimeout(deadline);
  console.error(`[bench] summary written to ${cfg.out}`);
  // Exit 1 unless every appended event reached the consumer and no append failed.
  if (![...throughputs, lat].every((t) => t.complete && t.appendErrors === 0)) process.exitCode = 1;
}

h.run(main, left);
