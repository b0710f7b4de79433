/**
 * Benchmark of the event backbone (issue 2): MongoEventStore.append → OutboxRelay → Kafka → consumer, beside the
 * same broker without a database. Phases, figures, options: README.md. Table to stdout, JSON to --out.
 */
import 'reflect-metadata'; // @callcenter/events pulls in @callcenter/contracts, whose DTO decorators need it first
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Admin, Consumer, Kafka, KafkaMessage, Producer, ProducerBatch } from 'kafkajs';
import { Db, MongoClient } from 'mongodb';
import * as ev from '@callcenter/events';
import * as h from '../harness';

const strings =
  'events concurrency per-stream multi-events rate seconds partitions batch recovery-ms append-budget-s drain-budget-s baseline-records out max-s';
const o = h.options(h.readmeOptions('backbone'), [...strings.split(' '), 'brokers', 'mongodb-uri'], ['no-baseline']);
/** Undefined: the relay's own defaults. */
const optional = (name: string) => (o.flag(name) === undefined ? undefined : o.whole(name, 1, 1));
const cfg = {
  // The defaults of `bash infra/bin/infra start` (docs/performance.md's command).
  mongoUri: o.flag('mongodb-uri') ?? process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017',
  brokers: (o.flag('brokers') ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  ...{ events: o.whole('events', 20_000), concurrency: o.whole('concurrency', 32, 1), eventsPerStream: o.whole('per-stream', 5, 1) },
  ...{
    multiEvents: o.whole('multi-events', 10_000),
    latencyRate: o.num('rate', 200),
    latencySeconds: o.num('seconds', 10),
    partitions: o.whole('partitions', 6, 1),
  },
  ...{ relayBatchSize: optional('batch'), relayRecoveryMs: optional('recovery-ms') },
  ...{ appendBudgetMs: o.num('append-budget-s', 120) * 1000, drainBudgetMs: o.num('drain-budget-s', 60) * 1000 },
  ...{ baseline: !o.has('no-baseline'), baselineRecords: o.whole('baseline-records', 100_000), kafkaLibs: h.KAFKA_LIBS, infraDataDir: h.INFRA_DATA_DIR },
  ...{ out: o.flag('out') ?? '/tmp/backbone-last-run.json', maxSeconds: o.num('max-s', 900) },
};

// ───────────────────────────── helpers ─────────────────────────────

const now = () => performance.now();
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '—');
/** The harness's percentiles, rounded to 0.01 for the JSON record. */
const percentiles = (xs: number[]) => Object.fromEntries(Object.entries(h.pct(xs)).map(([k, v]) => [k, round(v)])) as unknown as h.Pct;
const pctCols = (p: h.Pct) => [fmt(p.p50, 1), fmt(p.p90, 1), fmt(p.p99, 1), fmt(p.max, 1)];
/** Resolves with the promise's value, or with `fallback` after `ms` (the promise keeps running). */
async function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<F>((r) => (timer = setTimeout(() => r(fallback), ms)))]).finally(() => clearTimeout(timer));
}
/** Waits until `ok()` or `ms` passed; resolves with `ok()`. */
async function until(ok: () => boolean, ms: number): Promise<boolean> {
  for (const end = now() + ms; !ok() && now() < end;) await h.sleep(2);
  return ok();
}
/** A table from column specs: a header and one row per item. */
const tableOf = <T>(cols: [string, (x: T) => string | number][], items: T[]) => h.table([cols.map((c) => c[0]), ...items.map((x) => cols.map((c) => c[1](x)))]);

/** A report as intake would record it: the typical size of an event on the backbone. */
const reportReceived = (reportId: string, i: number) => ({
  type: 'ReportReceived',
  data: {
    reportId,
    channel: i % 3 === 0 ? 'web' : 'phone',
    caller: { name: 'Budi Santoso', phone: `+62812${String(1_000_000 + (i % 9_000_000)).padStart(7, '0')}` },
    category: 'traffic-accident',
    location: { lat: -6.2 + (i % 1000) / 10_000, lon: 106.8 + (i % 1000) / 10_000, address: 'Jl. Jenderal Sudirman No. 12, Kebayoran Baru, Jakarta Selatan' },
    description: 'Tabrakan dua motor di perempatan, satu orang luka ringan, lalu lintas tersendat.',
  },
});
const STEPS = ['ReportTriaged', 'IncidentOpened', 'UnitAssigned', 'UnitArrived', 'IncidentClosed'];
const followUp = (reportId: string, step: number) => ({
  type: STEPS[(step - 2) % 5],
  data: { reportId, step, note: 'Unit patroli 3 menuju lokasi, estimasi tiba 7 menit.' },
});
const meta = () => ({ actor: 'bench', correlationId: randomUUID(), now: new Date() });
/** A phase stops appending after this many failed appends (a database that refuses writes). */
const MAX_APPEND_ERRORS = 50;

/** CPU seconds of this process, the database and Kafka (their pid files) and everything else on the machine, per phase. */
const pids = { node: process.pid, db: h.pidFile(cfg.infraDataDir, 'db'), kafka: h.pidFile(cfg.infraDataDir, 'kafka') };
const meter = h.cpuMeter(pids);
function cpuStop() {
  const { wall, used, other, machineShare } = meter.stop();
  return {
    wallS: round(wall),
    nodeS: round(used.node),
    databaseS: round(used.db),
    kafkaS: round(used.kafka),
    otherS: round(other),
    machineBusyPct: round(100 * machineShare, 1),
  };
}

// ───────────────────────────── consumer and relay probes ─────────────────────────────

type Fn = (...args: unknown[]) => Promise<unknown>;
/**
 * One phase's figures: what the consumer saw (phases are told apart by the stream id prefix) and the relay's rounds,
 * timed without touching libs/events by wrapping the bench's own relay (`publishQueued`, `recover`) and the producer
 * handle it is given (`sendBatch`): a round = prepare → sendBatch (Kafka) → mark published (database). If the relay's
 * API changes, the affected columns show "—" instead of breaking the bench.
 */
class Probe {
  static readonly all = new Map<string, Probe>();
  static undecodable = 0;
  static foreign = 0;
  unique = 0;
  duplicates = 0;
  /** A new event that was not version last+1 of its stream. */
  outOfOrder = 0;
  lastAt = NaN;
  valueBytes = 0;
  messageBytes = 0;
  readonly versions = new Map<string, number>();
  /** Latency phase, per stream: just before append, append returned, and received − started. */
  readonly startedAt = new Map<string, number>();
  readonly appendedAt = new Map<string, number>();
  readonly endToEnd = new Map<string, number>();

  constructor(prefix: string) {
    Probe.all.set(prefix, this);
  }

  receive(e: ev.EventEnvelope, m: KafkaMessage, at: number): void {
    const last = this.versions.get(e.streamId) ?? 0;
    if (e.streamVersion <= last) return void this.duplicates++;
    if (e.streamVersion !== last + 1) this.outOfOrder++;
    this.versions.set(e.streamId, e.streamVersion);
    this.unique++;
    this.lastAt = at;
    const headers = Object.entries(m.headers ?? {}).reduce((n, [k, v]) => n + k.length + (v ? String(v).length : 0), 0);
    this.valueBytes += m.value?.length ?? 0;
    this.messageBytes += (m.value?.length ?? 0) + (m.key?.length ?? 0) + headers;
    const started = this.startedAt.get(e.streamId);
    if (started !== undefined) this.endToEnd.set(e.streamId, at - started);
  }

  /** Every phase's consumer: a throw-away group committing nothing, so no offset commit sits on the fetch path. */
  static start(kafka: Kafka, groupId: string, topic: string): Promise<Consumer> {
    return h.joinedConsumer(kafka, { groupId }, [topic], true, {
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const at = now();
        for (const m of batch.messages) {
          let e: ev.EventEnvelope;
          try {
            e = ev.fromKafkaMessage(m);
          } catch {
            Probe.undecodable++;
            continue;
          }
          const probe = Probe.all.get(e.streamId.slice(0, e.streamId.indexOf('-')));
          if (probe) probe.receive(e, m, at);
          else Probe.foreign++;
        }
      },
    });
  }
  /** Per round with events: start, sendBatch start, sendBatch end, end. */
  readonly times: number[][] = [];
  readonly recoverScan: number[] = [];
  recovered = 0;
  published = 0;
  rounds = 0;
  /** When `published` reached `target` (a throughput phase's appends). */
  target = Infinity;
  allAt = NaN;
  private send = [NaN, NaN];
  /** Keys (stream ids) with this prefix get their send start / Kafka ack time recorded. */
  trackPrefix?: string;
  readonly sentAt = new Map<string, number>();
  readonly ackedAt = new Map<string, number>();

  wrap(producer: Producer): Producer {
    return new Proxy(producer, { get: (p, prop, r) => (prop === 'sendBatch' ? (b: ProducerBatch) => this.sendBatch(p, b) : Reflect.get(p, prop, r)) });
  }

  private async sendBatch(producer: Producer, batch: ProducerBatch) {
    const start = (this.send[0] = now());
    const keys = !this.trackPrefix
      ? []
      : (batch.topicMessages ?? []).flatMap((t) => t.messages.map((m) => m.key?.toString() ?? '')).filter((k) => k.startsWith(this.trackPrefix!));
    try {
      return await producer.sendBatch(batch);
    } finally {
      const end = (this.send[1] = now());
      for (const k of keys) if (!this.sentAt.has(k)) [this.sentAt.set(k, start), this.ackedAt.set(k, end)];
    }
  }

  instrument(relay: ev.OutboxRelay): void {
    const r = relay as unknown as Record<string, Fn>;
    const wrap = (name: string, around: (orig: Fn, args: unknown[]) => Promise<unknown>) => {
      const orig = r[name];
      if (typeof orig === 'function') r[name] = (...args) => around(orig.bind(relay), args);
    };
    wrap('publishQueued', async (publishQueued, args) => {
      const start = now();
      this.send = [NaN, NaN];
      const count = await publishQueued(...args);
      if ((count as number) > 0) this.times.push([start, ...this.send, now()]);
      return count;
    });
    wrap('recover', async (recover, args) => {
      const t = now();
      const found = await recover(...args);
      this.recoverScan.push(now() - t);
      if (typeof found === 'number') this.recovered += found;
      return found;
    });
  }

  onPublished(count: number): void {
    [this.published, this.rounds] = [this.published + count, this.rounds + 1];
    if (this.published >= this.target && Number.isNaN(this.allAt)) this.allAt = now();
  }

  expect(target: number): void {
    [this.target, this.allAt] = [target, this.published >= target ? now() : NaN];
  }

  summary() {
    const span = (a: number, b: number) => this.times.map((t) => t[b] - t[a]).filter(Number.isFinite);
    const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
    const total = sum(span(0, 3));
    const part = (a: number, b: number) => ({ ...percentiles(span(a, b)), sharePct: total ? round((100 * sum(span(a, b))) / total, 1) : NaN });
    const [rounds, published] = [this.rounds, this.published];
    return {
      ...{ rounds, published, avgEventsPerRound: rounds ? round(published / rounds, 1) : 0, roundMs: percentiles(span(0, 3)), prepareMs: part(0, 1) },
      ...{ sendBatchMs: part(1, 2), markPublishedMs: part(2, 3), recoveryScans: { ...percentiles(this.recoverScan), found: this.recovered } },
    };
  }
}

// ───────────────────────────── phases ─────────────────────────────

let db: Db;
let topic: string;
let producer: Producer;
let relay: ev.OutboxRelay | undefined;

/** Runs `body` on a fresh stream collection with its own instrumented relay (commits through a mongoose Model if asked). */
async function phase<T>(prefix: string, collection: string, viaMongoose: boolean, body: (store: ev.MongoEventStore, probe: Probe) => Promise<T>) {
  const commitModel = viaMongoose ? ev.modelOn(db, `BenchCommit_${collection}`, ev.commitSchema(collection)) : undefined;
  const store = new ev.MongoEventStore(db, { producer: 'backbone-bench', topic, collection, commitModel });
  await store.ensureIndexes();
  const probe = new Probe(prefix);
  relay = new ev.OutboxRelay(store, probe.wrap(producer), {
    ...(cfg.relayBatchSize ? { batchSize: cfg.relayBatchSize } : {}),
    ...(cfg.relayRecoveryMs ? { recoveryIntervalMs: cfg.relayRecoveryMs } : {}),
    onPublished: (n) => probe.onPublished(n),
    logger: { log() {}, warn: (m, c) => console.error(`[relay] ${m} ${JSON.stringify(c)}`), error: (m) => console.error(`[relay] ${m}`) },
  });
  probe.instrument(relay);
  relay.start();
  try {
    return await body(store, probe);
  } finally {
    await closeRelay();
  }
}

/** Stops the phase's relay; a round stuck in the database is abandoned after 30 s (reported). */
async function closeRelay(): Promise<void> {
  const r = relay;
  relay = undefined;
  if (r && (await within(r.stop(), 30_000, 'late')) === 'late')
    console.error('[bench] relay did not stop within 30 s (a round is stuck in the database); abandoning it');
}

const warmUp = () =>
  phase('w', 'commits_warmup', false, async (store, probe) => {
    for (let i = 0, id = `w-${randomUUID()}`; i < 20; i++, id = `w-${randomUUID()}`) await store.append(id, 0, [reportReceived(id, i)], meta());
    if (!(await until(() => probe.unique >= 20, 60_000))) throw new Error('warm-up events never reached the consumer');
  });

/** `targetEvents` appends, `perStream` successive ones per stream, `--concurrency` streams in flight. */
const throughput = (name: string, prefix: string, targetEvents: number, perStream: number, viaMongoose = false) =>
  phase(prefix, `commits_${prefix}`, viaMongoose, async (store, probe) => {
    const streams = Math.ceil(targetEvents / perStream);
    const latency: number[] = [];
    const timeline: [number, number, number, number][] = [];
    let [appended, appendErrors, next, budgetHit, firstAppendError] = [0, 0, 0, false, undefined as string | undefined];
    meter.start();
    const t0 = now();
    const sampler = setInterval(() => timeline.push([round((now() - t0) / 1000, 1), appended, probe.published, probe.unique]), 1000);
    const worker = async () => {
      for (let s = next++; s < streams; s = next++) {
        if (now() - t0 > cfg.appendBudgetMs || appendErrors >= MAX_APPEND_ERRORS) return void (budgetHit = true);
        const id = `${prefix}-${randomUUID()}`;
        for (let v = 0; v < perStream; v++) {
          const started = now();
          try {
            await store.append(id, v, [v === 0 ? reportReceived(id, s) : followUp(id, v + 1)], meta());
          } catch (e) {
            appendErrors++;
            firstAppendError ??= String(e).slice(0, 300);
            break;
          }
          latency.push(now() - started);
          appended++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(cfg.concurrency, streams) }, worker)).finally(() => clearInterval(sampler));
    const tAppended = now();
    const receivedAtAppendEnd = probe.unique;
    probe.expect(appended);
    const complete = await until(() => probe.unique >= appended, cfg.drainBudgetMs);
    const tEnd = complete ? probe.lastAt : now();
    const tRelayed = complete && (await until(() => !Number.isNaN(probe.allAt), 5_000)) ? probe.allAt : NaN;
    const cpu = cpuStop();
    const appendS = (tAppended - t0) / 1000;
    const during = timeline.filter(([t]) => t <= appendS);
    const first = during.find(([t]) => t >= 5);
    const lastFrom = during.findLast(([t]) => t <= appendS - 5);
    const rate = (n: number, ms: number) => Math.round((n * 1000) / ms);
    // JSON: README.md. NaN where a phase did not complete; appendBudgetHit also after too many failed appends.
    return {
      ...{ name, collection: `commits_${prefix}`, targetEvents: streams * perStream, events: appended, streams: Math.ceil(appended / perStream) },
      ...{
        eventsPerStream: perStream,
        concurrency: cfg.concurrency,
        appendBudgetHit: budgetHit,
        appendErrors,
        firstAppendError,
        complete,
        received: probe.unique,
      },
      ...{ appendSeconds: round(appendS, 3), appendedPerSec: Math.round(appended / appendS), relayAckedSeconds: round((tRelayed - t0) / 1000, 3) },
      ...{ consumedSeconds: round((tEnd - t0) / 1000, 3), relayedPerSec: rate(probe.unique, tEnd - t0) },
      relayedPerSecAfterAppends: tEnd > tAppended ? round(((probe.unique - receivedAtAppendEnd) * 1000) / (tEnd - tAppended), 1) : NaN,
      drainAfterAppendsMs: Math.round(tEnd - tAppended),
      appendedPerSecFirst5s: first ? Math.round(first[1] / first[0]) : NaN,
      appendedPerSecLast5s: lastFrom ? Math.round((appended - lastFrom[1]) / (appendS - lastFrom[0])) : NaN,
      ...{ appendLatencyMs: percentiles(latency), relay: probe.summary(), duplicates: probe.duplicates, outOfOrder: probe.outOfOrder },
      ...{
        avgValueBytes: probe.unique ? Math.round(probe.valueBytes / probe.unique) : 0,
        avgMessageBytes: probe.unique ? Math.round(probe.messageBytes / probe.unique) : 0,
      },
      ...{ cpu, timeline },
    };
  });

/** Open loop at --rate for --seconds: just before append → consumer, and where that time goes. */
const latency = () =>
  phase('l', 'commits_l', false, async (store, probe) => {
    const { latencyRate: rate, latencySeconds: seconds } = cfg;
    probe.trackPrefix = 'l-';
    const appendLatency: number[] = [];
    const inFlight = new Set<Promise<void>>();
    let [maxInFlight, lateStarts, appendErrors, issued, firstAppendError] = [0, 0, 0, 0, undefined as string | undefined];
    meter.start();
    const t0 = now();
    for (let i = 0; i < Math.max(1, Math.round(rate * seconds)) && appendErrors < MAX_APPEND_ERRORS; i++) {
      const wait = t0 + (i * 1000) / rate - now();
      if (wait >= 1) await h.sleep(wait);
      else if (wait < -50) lateStarts++;
      while (inFlight.size >= 256) await Promise.race(inFlight); // the store far behind: wait rather than pile up
      const id = `l-${randomUUID()}`;
      const started = now();
      probe.startedAt.set(id, started);
      const p: Promise<void> = store
        .append(id, 0, [reportReceived(id, i)], meta())
        .then(
          () => {
            const t = now();
            probe.appendedAt.set(id, t);
            appendLatency.push(t - started);
          },
          (e) => {
            appendErrors++;
            firstAppendError ??= String(e).slice(0, 300);
            probe.startedAt.delete(id);
          },
        )
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
      maxInFlight = Math.max(maxInFlight, inFlight.size);
      issued++;
    }
    const issueSeconds = (now() - t0) / 1000;
    await Promise.all(inFlight);
    const complete = await until(() => probe.unique >= issued - appendErrors, cfg.drainBudgetMs);
    const cpu = cpuStop();
    // Per second of the run, the end-to-end latencies of the events started in it; and the parts after the append.
    const bySecond: number[][] = [];
    const [afterAppend, relayWait, produce, sendToConsumer]: number[][] = [[], [], [], []];
    for (const [id, started] of probe.startedAt) {
      const [e2e, appended, sent, acked] = [probe.endToEnd.get(id), probe.appendedAt.get(id), probe.sentAt.get(id), probe.ackedAt.get(id)];
      if (e2e === undefined) continue;
      (bySecond[Math.floor((started - t0) / 1000)] ??= []).push(e2e);
      if (appended !== undefined) afterAppend.push(started + e2e - appended);
      if (appended !== undefined && sent !== undefined && acked !== undefined)
        [relayWait.push(sent - appended), produce.push(acked - sent), sendToConsumer.push(started + e2e - sent)];
    }
    return {
      ...{
        targetRate: rate,
        seconds,
        events: issued,
        achievedRate: Math.round(issued / issueSeconds),
        complete,
        received: probe.unique,
        appendErrors,
        firstAppendError,
      },
      ...{ lateStarts, maxInFlight, appendToConsumerMs: percentiles([...probe.endToEnd.values()]), appendCallMs: percentiles(appendLatency) },
      ...{
        appendReturnedToConsumerMs: percentiles(afterAppend),
        appendReturnedToRelaySendMs: percentiles(relayWait),
        relaySendToKafkaAckMs: percentiles(produce),
      },
      ...{ relaySendToConsumerMs: percentiles(sendToConsumer), p50BySecondMs: Array.from(bySecond, (xs) => percentiles(xs ?? []).p50) },
      ...{ relay: probe.summary(), duplicates: probe.duplicates, cpu },
    };
  });

/** The single operations the backbone sends to the database, on phase 1's collection with no relay running. */
async function operationCosts(collection: string) {
  const commits = db.collection<ev.CommitDocument>(collection);
  const documents = await commits.countDocuments({});
  const [doc] = await commits.find({}, { skip: Math.floor(documents / 2), limit: 1 }).toArray();
  if (!doc) return { documents, operationsMs: {} as Record<string, h.Pct> };
  const { _id, streamId } = doc;
  const probes = (n: number) => Array.from({ length: n }, () => ({ ...doc, _id: `probe-${randomUUID()}` }));
  // 50 per batch: FerretDB 1.x deadlocks on one update command with ≥ 100 matched statements.
  const batchIds = (await commits.find({}, { projection: { _id: 1 }, limit: 50 }).toArray()).map((d) => d._id);
  const published = { $set: { published: true } };
  const marks = batchIds.map((id) => ({ updateOne: { filter: { _id: id }, update: published } }));
  const ops: [string, () => Promise<unknown>][] = [
    ['findOne {_id} hit (append at version > 0: read stream head)', () => commits.findOne({ _id })],
    ['findOne {_id} miss (append: check nothing follows the head)', () => commits.findOne({ _id: `${_id}-none` })],
    ['insertOne commit', () => commits.insertOne(probes(1)[0])],
    ['insertMany 50 commits, unordered (group commit)', () => commits.insertMany(probes(50), { ordered: false })],
    ['updateOne {_id} $set published', () => commits.updateOne({ _id }, published)],
    ['bulkWrite 50 × updateOne {_id} (relay marks a round published)', () => commits.bulkWrite(marks, { ordered: false })],
    ['find {published:false} (relay recovery scan, nothing unpublished)', () => commits.find({ published: false }).toArray()],
    ...(streamId ? [['find {streamId} (has an index)', () => commits.find({ streamId }).toArray()] as [string, () => Promise<unknown>]] : []),
  ];
  const operationsMs: Record<string, h.Pct> = {};
  for (const [label, op] of ops) {
    const xs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = now();
      await op();
      xs.push(now() - t);
    }
    operationsMs[label] = percentiles(xs);
  }
  // The commit path's call itself, driver and mongoose Model taking turns (20 each), with the process CPU each used.
  const model = ev.modelOn(db, `BenchCommit_${collection}`, ev.commitSchema(collection));
  const paths = { driver: { ms: [] as number[], cpuMs: 0 }, mongoose: { ms: [] as number[], cpuMs: 0 } };
  for (let i = 0; i < 40; i++) {
    const [path, t, cpu] = [i % 2 === 0 ? paths.driver : paths.mongoose, now(), process.cpuUsage()];
    await (path === paths.driver ? commits.insertMany(probes(50), { ordered: false }) : model.insertMany(probes(50), { ordered: false }));
    const used = process.cpuUsage(cpu);
    path.ms.push(now() - t);
    path.cpuMs += (used.user + used.system) / 1000 / 20;
  }
  for (const [name, p] of Object.entries(paths))
    operationsMs[`insertMany 50 commits, ${name === 'driver' ? 'driver' : 'mongoose Model'} (20 in turn; node CPU ${p.cpuMs.toFixed(2)} ms each)`] =
      percentiles(p.ms);
  return { documents, operationsMs, commitCallCpuMs: { driver: paths.driver.cpuMs, mongoose: paths.mongoose.cpuMs } };
}

// ───────────────────────────── baselines: the same broker, no database ─────────────────────────────

/** Our producer client (kafkajs, idempotent, 1 in flight, acks=all) sending prepared envelopes in relay-sized batches. */
async function kafkajsBaseline(kafka: Kafka, topic: string, records: number, batchSize: number, sample: ev.EventEnvelope) {
  const p = ev.createEventProducer(kafka);
  await p.connect();
  try {
    const messages = Array.from({ length: records }, () =>
      ev.toKafkaMessage({ ...sample, eventId: randomUUID(), streamId: `k-${randomUUID()}`, streamVersion: 1 }),
    );
    const send = (i: number) => p.sendBatch({ topicMessages: [{ topic, messages: messages.slice(i, i + batchSize) }], acks: -1 });
    await send(0);
    const t0 = now();
    for (let i = 0; i < records; i += batchSize) await send(i);
    const seconds = (now() - t0) / 1000;
    return { records, batchSize, seconds: round(seconds, 3), recordsPerSec: Math.round(records / seconds) };
  } finally {
    await p.disconnect();
  }
}

/** The services' consumer (libs/events) on `topic`, for `body`; stopped after, and its dead-letter topic deleted. */
type Handle = (e: ev.EventEnvelope) => void;
async function withEventConsumer<T>(kafka: Kafka, groupId: string, topic: string, handle: Handle, body: (c: ev.EventConsumer, a: Admin) => Promise<T>) {
  const c = new ev.EventConsumer({ kafka, groupId, topics: [topic], lagIntervalMs: 0, deadLetterRetentionMs: 60_000, handle: async (e) => handle(e) });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await body(c, admin);
  } finally {
    await c.stop().catch(() => undefined);
    await admin.deleteTopics({ topics: [c.deadLetterTopic] }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

const CONSUMER_VARIANTS = ['kafkajs defaults', 'TCP_NODELAY', 'TCP_NODELAY + EventConsumer'] as const;
type Variant = (typeof CONSUMER_VARIANTS)[number];
/**
 * Kafka alone at the latency phase's rate, one envelope per send with the relay's producer settings, received by kafkajs's
 * defaults (Nagle on, a commit after every batch), createKafka's TCP_NODELAY client (a commit after every batch), or the
 * services' EventConsumer (offsets committed every second): the floor for "relay send → consumer received".
 */
async function kafkaLatencyBaseline(variant: Variant, topic: string, groupId: string, rate: number, seconds: number, sample: ev.EventEnvelope) {
  const kafka = ev.createKafka({ brokers: cfg.brokers, clientId: 'backbone-bench-latency', noDelay: variant !== 'kafkajs defaults' });
  const total = Math.max(1, Math.round(rate * seconds));
  const result = (latencies: number[]) => ({ variant, rate, seconds, sent: total, received: latencies.length, sendToConsumerMs: percentiles(latencies) });
  if (variant !== 'TCP_NODELAY + EventConsumer') return result((await h.kafkaOnlyLatency(kafka, sample, total, rate, { topic, groupId })).latencies);
  const p = ev.createEventProducer(kafka);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const received = (e: ev.EventEnvelope) => sentAt.has(e.streamId) && latencies.push(now() - sentAt.get(e.streamId)!);
  return withEventConsumer(kafka, groupId, topic, received, async (consumer, admin) => {
    try {
      await p.connect();
      // It reads the topic from the start: skip what is there already (the throughput baseline).
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({ groupId, topic, partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })) });
      await consumer.start();
      await h.sleep(1_000); // let the group settle on the latest offsets
      const sends: Promise<unknown>[] = [];
      await h.openLoop(total, rate, () => {
        const key = `kl-${randomUUID()}`;
        sentAt.set(key, now());
        sends.push(p.send({ topic, acks: -1, messages: [ev.toKafkaMessage({ ...sample, streamId: key, eventId: randomUUID() })] }));
      });
      await Promise.all(sends);
      await until(() => latencies.length >= total, 5_000);
      return result(latencies);
    } finally {
      await p.disconnect().catch(() => undefined);
    }
  });
}

/** How fast the services' consumer (EventConsumer, no-op handler) reads a topic that holds `records` events. */
async function eventConsumerThroughput(kafka: Kafka, topic: string, groupId: string, records: number) {
  let [seen, firstAt, lastAt] = [0, NaN, NaN];
  const t0 = now();
  const onEvent = () => {
    lastAt = now();
    if (seen++ === 0) firstAt = lastAt;
  };
  await withEventConsumer(kafka, groupId, topic, onEvent, async (c) => {
    await c.start();
    await until(() => seen >= records, 60_000);
  });
  const seconds = (lastAt - firstAt) / 1000;
  return { records: seen, startToFirstMs: round(firstAt - t0), seconds: round(seconds, 3), recordsPerSec: Math.round(seen / seconds) };
}

/** Kafka's ConsumerPerformance: the Java consumer reading `records` from the start of the topic. */
async function javaConsumerBaseline(topic: string, records: number) {
  const p = await h.consumerPerformance(cfg.brokers, topic, records, { timeoutS: 30 });
  return { records: p.messages, recordsPerSec: Math.round(p.nMsgSec), fetchRecordsPerSec: Math.round(p.fetchNMsgSec), raw: p.line };
}

/** Kafka's EndToEndLatency (Java, acks=all): one record produced and consumed, then the next (ours are open loop at --rate). */
async function javaEndToEndLatency(topic: string, records: number, recordSize: number) {
  const out = await h.kafkaTool(cfg.kafkaLibs, 'EndToEndLatency', [cfg.brokers.join(','), topic, String(records), 'all', String(recordSize)]);
  const [avg, p] = [/Avg latency: ([\d.]+) ms/.exec(out), /Percentiles: 50th = ([\d.]+), 99th = ([\d.]+), 99.9th = ([\d.]+)/.exec(out)];
  if (!avg || !p) throw new Error(`EndToEndLatency: cannot read ${out.slice(-400)}`);
  return { records, avgMs: Number(avg[1]), p50Ms: Number(p[1]), p99Ms: Number(p[2]), p999Ms: Number(p[3]) };
}

/** Kafka's ProducerPerformance (the broker's own jars) with the record size of our envelopes. */
async function javaBaseline(topic: string, recordSize: number, label: string, props: string[]) {
  const args = ['--topic', topic, '--num-records', String(cfg.baselineRecords), '--record-size', String(recordSize), '--throughput', '-1'];
  const out = await h.kafkaTool(cfg.kafkaLibs, 'ProducerPerformance', [...args, '--producer-props', `bootstrap.servers=${cfg.brokers.join(',')}`, ...props]);
  const line = out.split('\n').findLast((l) => / records sent, .* 99th/.test(l));
  const m = line?.match(/(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency.*?(\d+) ms 99th/);
  if (!line || !m) throw new Error(`ProducerPerformance: cannot read ${out.slice(-800)}`);
  const [records, recordsPerSec, mbPerSec, avgLatencyMs, p99LatencyMs] = m.slice(1).map(Number);
  return { label, props, records, recordSize, recordsPerSec: Math.round(recordsPerSec), mbPerSec, avgLatencyMs, p99LatencyMs, raw: line.trim() };
}

/** What answers on MONGODB_URI: buildInfo, and for the local infra the process behind the pid file. */
async function serverDescription(): Promise<string> {
  let engine = '';
  try {
    const cmdline = readFileSync(`/proc/${readFileSync(`${cfg.infraDataDir}/run/db.pid`, 'utf8').trim()}/cmdline`, 'utf8');
    engine = cmdline.includes('LocalMongoServer') ? 'mongo-java-server (H2 MVStore)' : cmdline.includes('ferretdb') ? 'FerretDB (SQLite)' : '';
  } catch {
    /* not the local infra */
  }
  const info = await db.command({ buildInfo: 1 }).catch(() => undefined);
  if (info?.ferretdb) engine = `FerretDB ${info.ferretdb.version ?? ''} (SQLite)`;
  return info ? `${engine || 'MongoDB-compatible server'}, reports version ${info.version}` : engine || 'unknown server';
}

// ───────────────────────────── main ─────────────────────────────

type Throughput = Awaited<ReturnType<typeof throughput>>;

async function main(): Promise<number> {
  const stamp = new Date().toISOString();
  const runId = `${stamp.replace(/\D/g, '').slice(0, 14)}_${randomUUID().slice(0, 6)}`;
  const [dbName, groupId, startedAt, loadBefore] = [`bench_backbone_${runId}`, `bench-backbone-${runId}`, new Date(), os.loadavg()];
  topic = `bench.backbone.${runId}`;
  const baselineTopic = `${topic}.baseline`;
  const topics: string[] = [];
  console.error(`[bench] db ${dbName} at ${cfg.mongoUri}, topic ${topic} (${cfg.partitions} partitions) at ${cfg.brokers.join(',')}`);
  for (const k of ['db', 'kafka'] as const) if (!pids[k]) console.error(`[bench] no ${k}.pid under ${cfg.infraDataDir}/run: its CPU is not measured`);

  // socketTimeoutMS: an operation stuck in a deadlocked database fails (and is counted) instead of hanging the run.
  const mongo = new MongoClient(cfg.mongoUri, { appName: 'backbone-bench', serverSelectionTimeoutMS: 5_000, socketTimeoutMS: 60_000 });
  const logger = { log() {}, warn: (m: string) => console.error(`[kafka] ${m}`), error: (m: string) => console.error(`[kafka] ${m}`) };
  const kafka = ev.createKafka({ brokers: cfg.brokers, clientId: 'backbone-bench', logger });
  const admin = kafka.admin();
  const groups = [groupId, `${groupId}-read`, ...CONSUMER_VARIANTS.map((_, i) => `${groupId}-baseline-${i}`)];
  // What to undo, last first; every step bounded: a database stuck in a deadlock must not keep the bench alive.
  const undo: [string, () => Promise<unknown>, number?][] = [
    ['admin disconnect', () => admin.disconnect(), 5_000],
    ['mongo close', () => mongo.close(true), 5_000],
    ['delete consumer groups', () => admin.deleteGroups(groups).catch(() => undefined)],
    ['delete topics', () => (topics.length ? admin.deleteTopics({ topics, timeout: 10_000 }) : Promise.resolve())],
  ];
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const [name, step, ms = 15_000] of undo.reverse()) {
        const r = await within(
          step()
            .then(() => 'ok')
            .catch((e) => `failed: ${e}`),
          ms,
          `timed out after ${ms / 1000} s`,
        );
        if (r !== 'ok') console.error(`[bench] cleanup ${name}: ${r}`);
      }
    })());
  /** Results so far, written after every phase so an interrupted run still leaves its figures. */
  const partial: Record<string, unknown> = { startedAt: startedAt.toISOString(), partial: true, dbName, topic };
  const save = <T>(key: string, value: T): T => {
    partial[key] = value;
    try {
      writeFileSync(cfg.out, JSON.stringify(partial, null, 2));
    } catch (e) {
      console.error(`[bench] cannot write ${cfg.out}: ${e}`);
    }
    return value;
  };
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`[bench] interrupted: partial results in ${cfg.out}; cleaning up (again to force exit)`);
    save('interrupted', new Date().toISOString());
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  const deadline = setTimeout(() => (console.error(`[bench] overall deadline of ${cfg.maxSeconds} s reached`), onSignal()), cfg.maxSeconds * 1000).unref();

  try {
    await mongo.connect();
    await admin.connect();
    db = mongo.db(dbName);
    const server = await serverDescription();
    undo.push([`drop database ${dbName}`, () => db.dropDatabase()]);
    const ensureTopics = (names: string[]) =>
      ev
        .ensureTopics(
          admin,
          names.map((t) => ({ topic: t, partitions: cfg.partitions })),
        )
        .then(() => topics.push(...names));
    await ensureTopics([topic, baselineTopic]);
    if (/FerretDB/.test(server))
      console.error('[bench] note: FerretDB 1.x/SQLite has one writer per database; appends can fail with SQLITE_BUSY (see docs/performance.md).');
    producer = ev.createEventProducer(kafka);
    await producer.connect();
    undo.push(['producer disconnect', () => producer.disconnect()]);
    const consumer = await Probe.start(kafka, groupId, topic);
    undo.push(['consumer stop', () => consumer.disconnect()], ['relay stop', closeRelay, 35_000]);

    console.error('[bench] warm-up');
    await warmUp();
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
    let multi: Throughput | undefined;
    if (cfg.multiEvents > 0 && cfg.eventsPerStream > 1) {
      console.error(`[bench] throughput: ${cfg.multiEvents} events, ${cfg.eventsPerStream} successive appends per stream`);
      multi = save('throughputMulti', await throughput(`${cfg.eventsPerStream} appends / stream`, 'm', cfg.multiEvents, cfg.eventsPerStream));
    }
    console.error(`[bench] latency: ${cfg.latencyRate} events/s for ${cfg.latencySeconds} s`);
    const lat = save('latency', await latency());
    console.error('[bench] single operation costs');
    const costs = save('operationCosts', await operationCosts(single.collection));

    type Of<F extends (...args: any[]) => Promise<unknown>> = Awaited<ReturnType<F>>;
    const baselines = {
      ...{ kafkajs: undefined as Of<typeof kafkajsBaseline> | undefined, kafkaLatency: [] as Of<typeof kafkaLatencyBaseline>[] },
      ...{ javaLatency: undefined as Of<typeof javaEndToEndLatency> | undefined, eventConsumer: undefined as Of<typeof eventConsumerThroughput> | undefined },
      ...{
        javaConsumer: undefined as Of<typeof javaConsumerBaseline> | undefined,
        producerPerformance: [] as Of<typeof javaBaseline>[],
        errors: [] as string[],
      },
    };
    const b = baselines;
    const attempt = <T>(what: string, fn: () => Promise<T>) =>
      fn().catch((e) => {
        b.errors.push(`${what}: ${e instanceof Error ? e.message : e}`);
        return undefined;
      });
    const stored = (await db.collection<{ events: ev.EventEnvelope[] }>(single.collection).findOne({}))?.events[0];
    // A type outside the catalogue, so the EventConsumer baselines hand it on rather than check its data as a report's.
    const sample = stored && { ...stored, type: 'BenchRecorded' };
    if (cfg.baseline && sample) {
      const recordSize = single.avgValueBytes || JSON.stringify(sample).length;
      const records = Math.min(cfg.baselineRecords, 50_000);
      console.error(`[bench] baseline: kafkajs direct, ${records} records`);
      b.kafkajs = await attempt('kafkajs', () => kafkajsBaseline(kafka, baselineTopic, records, cfg.relayBatchSize ?? 500, sample));
      // Both consumers read what kafkajs just wrote (envelopes; ProducerPerformance's records come later).
      const onTopic = await h.topicSize(admin, baselineTopic);
      console.error(`[bench] baseline: EventConsumer and Java ConsumerPerformance, ${onTopic} records`);
      b.eventConsumer = await attempt('EventConsumer throughput', () => eventConsumerThroughput(kafka, baselineTopic, `${groupId}-read`, onTopic));
      b.javaConsumer = await attempt('ConsumerPerformance', () => javaConsumerBaseline(baselineTopic, onTopic));
      const seconds = Math.min(cfg.latencySeconds, 5);
      for (const [i, variant] of CONSUMER_VARIANTS.entries()) {
        console.error(`[bench] baseline: Kafka-only latency (${variant}), ${cfg.latencyRate} ev/s for ${seconds} s`);
        const l = await attempt(`kafka latency (${variant})`, () =>
          kafkaLatencyBaseline(variant, baselineTopic, `${groupId}-baseline-${i}`, cfg.latencyRate, seconds, sample),
        );
        if (l) b.kafkaLatency.push(l);
      }
      for (const props of [['acks=all'], ['acks=all', 'max.in.flight.requests.per.connection=1']]) {
        const label = `ProducerPerformance acks=all${props.length > 1 ? ', 1 in flight' : ''}`;
        console.error(`[bench] baseline: ${label}, ${cfg.baselineRecords} × ${recordSize} B`);
        const j = await attempt(label, () => javaBaseline(baselineTopic, recordSize, label, props));
        if (j) b.producerPerformance.push(j);
      }
      console.error('[bench] baseline: Java EndToEndLatency, 1,000 records one at a time');
      b.javaLatency = await attempt('EndToEndLatency', () => ensureTopics([`${topic}.e2e`]).then(() => javaEndToEndLatency(`${topic}.e2e`, 1_000, recordSize)));
    }

    // ── report ──
    const throughputs = [single, ...commitPaths, ...(multi ? [multi] : [])];
    const cpus = os.cpus();
    const share = (p: { p50: number; sharePct: number }) => `${fmt(p.p50, 1)} (${fmt(p.sharePct)} %)`;
    const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
    const out = [
      `Backbone benchmark ${startedAt.toISOString()}: node ${process.version}, ${cpus.length} CPU (${cpus[0]?.model.trim()}), load avg before ${loads(loadBefore)}`,
      `${server}; Kafka ${cfg.brokers.join(',')}, topic ${cfg.partitions} partitions; relay batchSize ${cfg.relayBatchSize ?? 'default'}, ` +
        `recoveryIntervalMs ${cfg.relayRecoveryMs ?? 'default'}; envelope ${single.avgValueBytes} B JSON (${single.avgMessageBytes} B with key + headers)`,
      `budgets: append ${cfg.appendBudgetMs / 1000} s, drain ${cfg.drainBudgetMs / 1000} s per phase`,
      '',
      'Throughput (bounded concurrency; relayed = first append → consumer has them; each phase on a fresh collection)',
      tableOf<Throughput>(
        [
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
        ],
        throughputs,
      ),
      ...throughputs.filter((t) => t.firstAppendError).map((t) => `  ${t.name}: first append error: ${t.firstAppendError}`),
      '',
      'Relay rounds (where the relay spends its time) and CPU seconds per phase',
      tableOf<Pick<Throughput, 'name' | 'relay' | 'cpu'>>(
        [
          ['phase', (t) => t.name],
          ['rounds', (t) => fmt(t.relay.rounds)],
          ['ev/round', (t) => fmt(t.relay.avgEventsPerRound, 1)],
          ['round ms p50', (t) => fmt(t.relay.roundMs.p50, 1)],
          ['prepare ms p50 (share)', (t) => share(t.relay.prepareMs)],
          ['sendBatch ms p50 (share)', (t) => share(t.relay.sendBatchMs)],
          ['mark published ms p50 (share)', (t) => share(t.relay.markPublishedMs)],
          ['cpu s node/db/Kafka/other', ({ cpu: c }) => [c.nodeS, c.databaseS, c.kafkaS, c.otherS].map((x) => fmt(x, 1)).join(' / ')],
          ['wall s', (t) => fmt(t.cpu.wallS, 1)],
        ],
        [...throughputs, { ...lat, name: 'latency' }],
      ),
      '',
      `Latency, open loop at ${fmt(lat.targetRate)} ev/s for ${fmt(lat.seconds)} s (issued at ${fmt(lat.achievedRate)} ev/s, ${fmt(lat.received)}/${fmt(lat.events)} received ` +
        `within the drain budget${lat.complete ? '' : ' INCOMPLETE'}, max ${lat.maxInFlight} appends in flight${lat.appendErrors ? `, ${lat.appendErrors} appends FAILED` : ''})`,
      h.table([
        ['ms', 'p50', 'p90', 'p99', 'max'],
        ['just before append → consumer received', ...pctCols(lat.appendToConsumerMs)],
        ['  append call (head lookup + insert)', ...pctCols(lat.appendCallMs)],
        ['  append returned → consumer (relay + Kafka)', ...pctCols(lat.appendReturnedToConsumerMs)],
        ['    append returned → relay sends it', ...pctCols(lat.appendReturnedToRelaySendMs)],
        ['    relay send → consumer received', ...pctCols(lat.relaySendToConsumerMs)],
        ['    relay send → Kafka ack (acks=all)', ...pctCols(lat.relaySendToKafkaAckMs)],
      ]),
      `  median latency by second of the run (ms): ${lat.p50BySecondMs.map((x) => fmt(x)).join(', ')}`,
      '',
    ];
    if (Object.keys(costs.operationsMs).length)
      out.push(
        `Single database operations on phase 1's collection of ${fmt(costs.documents)} commits (relay stopped)`,
        h.table([['operation', 'p50 ms', 'max ms'], ...Object.entries(costs.operationsMs).map(([k, p]) => [k, fmt(p.p50, 2), fmt(p.max, 2)])]),
        '',
      );
    if (cfg.baseline) {
      const ratio = (x: number, base: number) => (base > 0 && Number.isFinite(x) ? `${((100 * x) / base).toPrecision(2)} %` : '—');
      const clients = [
        ...(b.kafkajs
          ? [{ label: `kafkajs, relay producer settings, batches of ${b.kafkajs.batchSize}`, ...b.kafkajs, recordSize: single.avgValueBytes }]
          : []),
        ...b.producerPerformance,
      ];
      const ours = (r: number) => [ratio(single.relayedPerSec, r), ratio(single.appendedPerSec, r)];
      const [ec, jc, jl] = [b.eventConsumer, b.javaConsumer, b.javaLatency];
      const p1 = (x: number) => fmt(x, 1);
      const jlFigures = (j: NonNullable<typeof jl>) => `p50 ${p1(j.p50Ms)}, p99 ${p1(j.p99Ms)}, p99.9 ${p1(j.p999Ms)}, avg ${p1(j.avgMs)} ms`;
      const javaReads = (j: NonNullable<typeof jc>, e: NonNullable<typeof ec>) =>
        `; Java ConsumerPerformance ${fmt(j.recordsPerSec)} records/s (fetch only ${fmt(j.fetchRecordsPerSec)}) over ${fmt(j.records)}: ${((100 * e.recordsPerSec) / j.fetchRecordsPerSec).toPrecision(2)} %`;
      out.push(
        'Baselines on the same broker (no database)',
        h.table([
          ['client', 'records', 'record B', 'records/s', 'ours relayed / baseline', 'ours appended / baseline'],
          ...clients.map((c) => [c.label, fmt(c.records), fmt(c.recordSize), fmt(c.recordsPerSec), ...ours(c.recordsPerSec)]),
        ]),
        ...b.kafkaLatency.map(
          ({ variant, rate, received, sent, sendToConsumerMs: p }) =>
            `  Kafka only, kafkajs send → consumer (${variant}) at ${fmt(rate)} ev/s (${fmt(received)}/${fmt(sent)}): p50 ${p1(p.p50)}, p90 ${p1(p.p90)}, p99 ${p1(p.p99)}, max ${p1(p.max)} ms`,
        ),
        ...(jl ? [`  Kafka only, Java EndToEndLatency (acks=all, ${fmt(jl.records)} records one at a time): ${jlFigures(jl)}`] : []),
        ...(ec
          ? [`  Consuming: EventConsumer (libs/events, no-op handler) ${fmt(ec.recordsPerSec)} records/s over ${fmt(ec.records)}${jc ? javaReads(jc, ec) : ''}`]
          : []),
        ...b.producerPerformance.map((j) => `  ${j.label}: ${j.raw}`),
        ...b.errors.map((e) => `  baseline error: ${e}`),
        '  (ratios against the "1 event / new stream" phase; ProducerPerformance records carry no key/headers)',
      );
    }
    const loadAfter = os.loadavg();
    out.push(`load avg after ${loads(loadAfter)}`);
    console.log(out.join('\n'));

    const machine = { cpus: cpus.length, cpuModel: cpus[0]?.model.trim(), memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version };
    Object.assign(machine, { loadAvgBefore: loadBefore, loadAvgAfter: loadAfter });
    const summary = {
      ...{ startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), machine, server },
      ...{ config: { ...cfg, mongoUri: cfg.mongoUri.replace(/\/\/[^@/]*@/, '//***@') }, dbName, topic },
      ...{ throughput: throughputs, latency: lat, operationCosts: costs },
      ...{ baselines, consumer: { undecodable: Probe.undecodable, foreign: Probe.foreign }, table: out.join('\n') },
    };
    writeFileSync(cfg.out, JSON.stringify(summary, null, 2));
    clearTimeout(deadline);
    console.error(`[bench] summary written to ${cfg.out}`);
    return throughputs.every((t) => t.complete && t.appendErrors === 0) && lat.complete && lat.appendErrors === 0 ? 0 : 1;
  } finally {
    await cleanup();
    process.removeListener('SIGINT', onSignal).removeListener('SIGTERM', onSignal);
  }
}

main().then(
  (code) => process.exit(code),
  (e) => (console.error(`[bench] failed: ${e instanceof Error ? e.stack : e}`), process.exit(1)),
);
