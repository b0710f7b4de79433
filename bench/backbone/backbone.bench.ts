/**
 * Benchmark of the event backbone (issue 2): MongoEventStore.append → OutboxRelay → Kafka → consumer.
 *
 *   npm run build && node dist/bench/backbone/backbone.bench.js [--events=20000] [--concurrency=32] …
 *
 * Needs the local infra (bash infra/bin/infra start) or MONGODB_URI / KAFKA_BROKERS pointing elsewhere.
 * Every run uses a fresh database and fresh topics and removes them at the end. See README.md.
 *
 * Phases, each on its own fresh stream collection with its own relay (so one phase's backlog or
 * collection size does not leak into the next):
 *   1. throughput, one event per new stream (insert path), N events, bounded concurrency;
 *   2. throughput, K events per stream as K successive appends (update path), bounded concurrency;
 *   3. latency append → consumer at a fixed open-loop rate;
 *   4. cost of the single database operations the backbone issues, on phase 1's collection;
 *   5. baselines on the same broker: kafkajs with the relay's producer settings (no database), and
 *      Kafka's own ProducerPerformance (Java) with the record size of our serialized envelopes.
 * Every phase is bounded in time (append and drain budgets); what did not finish is reported, not waited for.
 * A table goes to stdout, a JSON summary to /tmp/backbone-last-run.json (--out).
 */
// @callcenter/events pulls in @callcenter/contracts, whose DTO decorators need the metadata polyfill first.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Admin, Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { Db, MongoClient } from 'mongodb';
import {
  CommitDocument,
  commitSchema,
  createEventProducer,
  createKafka,
  EventConsumer,
  ensureTopics,
  EventEnvelope,
  fromKafkaMessage,
  modelOn,
  MongoEventStore,
  OutboxRelay,
  toKafkaMessage,
} from '@callcenter/events';
import {
  consumerPerformance,
  cpuMeter,
  INFRA_DATA_DIR,
  joinedConsumer,
  KAFKA_LIBS,
  kafkaOnlyLatency,
  kafkaTool,
  options,
  pct,
  Pct,
  pidFile,
  readmeOptions,
  sleep,
  table,
  topicSize,
} from '../harness';

// ───────────────────────────── configuration ─────────────────────────────

type Config = ReturnType<typeof loadConfig>;

function loadConfig() {
  const { flag, num, has, whole } = options(
    readmeOptions('backbone'),
    [
      'events',
      'concurrency',
      'per-stream',
      'multi-events',
      'rate',
      'seconds',
      'partitions',
      'batch',
      'recovery-ms',
      'append-budget-s',
      'drain-budget-s',
      'baseline-records',
      'out',
      'max-s',
      'brokers',
      'mongodb-uri',
    ],
    ['no-baseline'],
  );
  /** Undefined: the relay's own defaults. */
  const optional = (name: string) => (flag(name) === undefined ? undefined : whole(name, 1, 1));
  return {
    // The defaults of `bash infra/bin/infra start` (docs/performance.md's command).
    mongoUri: flag('mongodb-uri') ?? process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017',
    brokers: (flag('brokers') ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    events: whole('events', 20_000),
    concurrency: whole('concurrency', 32, 1),
    eventsPerStream: whole('per-stream', 5, 1),
    multiEvents: whole('multi-events', 10_000),
    latencyRate: num('rate', 200),
    latencySeconds: num('seconds', 10),
    partitions: whole('partitions', 6, 1),
    relayBatchSize: optional('batch'),
    relayRecoveryMs: optional('recovery-ms'),
    appendBudgetMs: num('append-budget-s', 120) * 1000,
    drainBudgetMs: num('drain-budget-s', 60) * 1000,
    baseline: !has('no-baseline'),
    baselineRecords: whole('baseline-records', 100_000),
    kafkaLibs: KAFKA_LIBS,
    infraDataDir: INFRA_DATA_DIR,
    out: flag('out') ?? '/tmp/backbone-last-run.json',
    maxSeconds: num('max-s', 900),
  };
}

// ───────────────────────────── helpers ─────────────────────────────

const now = () => performance.now();
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Resolves with the promise's value, or with `fallback` after `ms` (the promise keeps running). */
async function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((r) => (timer = setTimeout(() => r(fallback), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

type Percentiles = Pct;

/** Nearest-rank percentiles (bench/harness.ts), rounded to 0.01 for the JSON record. */
function percentiles(values: number[]): Percentiles {
  const p = pct(values);
  return { n: p.n, p50: round(p.p50), p90: round(p.p90), p99: round(p.p99), max: round(p.max), mean: round(p.mean) };
}

function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return '—';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A report as intake would record it: the typical size of an event on the backbone. */
function reportReceived(streamId: string, i: number) {
  return {
    type: 'ReportReceived',
    data: {
      reportId: streamId,
      channel: i % 3 === 0 ? 'web' : 'phone',
      caller: { name: 'Budi Santoso', phone: `+62812${String(1_000_000 + (i % 9_000_000)).padStart(7, '0')}` },
      category: 'traffic-accident',
      location: {
        lat: -6.2 + (i % 1000) / 10_000,
        lon: 106.8 + (i % 1000) / 10_000,
        address: 'Jl. Jenderal Sudirman No. 12, Kebayoran Baru, Jakarta Selatan',
      },
      description: 'Tabrakan dua motor di perempatan, satu orang luka ringan, lalu lintas tersendat.',
    },
  };
}

function followUp(streamId: string, version: number) {
  const types = ['ReportTriaged', 'IncidentOpened', 'UnitAssigned', 'UnitArrived', 'IncidentClosed'];
  return {
    type: types[(version - 2) % types.length],
    data: { reportId: streamId, step: version, note: 'Unit patroli 3 menuju lokasi, estimasi tiba 7 menit.' },
  };
}

/** A phase stops appending after this many failed appends (a database that refuses writes). */
const MAX_APPEND_ERRORS = 50;

const meta = () => ({ actor: 'bench', correlationId: randomUUID(), now: new Date() });

// ───────────────────────────── CPU accounting ─────────────────────────────

/** CPU seconds of this process, of the infra processes (from their pid files) and of the whole machine. */
function phaseCpu(infraDataDir: string) {
  const pids = { node: process.pid, db: pidFile(infraDataDir, 'db'), kafka: pidFile(infraDataDir, 'kafka') };
  const meter = cpuMeter(pids);
  return {
    untracked: (['db', 'kafka'] as const).filter((k) => pids[k] === undefined),
    start: meter.start,
    stop() {
      const r = meter.stop();
      return {
        wallS: round(r.wall),
        nodeS: round(r.used.node),
        databaseS: round(r.used.db),
        kafkaS: round(r.used.kafka),
        /** Everything else on the machine (other engineers' test runs, the Java baseline tool …). */
        otherS: round(r.other),
        machineBusyPct: round(100 * r.machineShare, 1),
      };
    },
  };
}
type CpuMeter = ReturnType<typeof phaseCpu>;
type CpuDiff = ReturnType<CpuMeter['stop']>;

// ───────────────────────────── consumer side ─────────────────────────────

/** What the consumer saw of one phase; phases are told apart by the stream id prefix. */
class PhaseSink {
  unique = 0;
  duplicates = 0;
  /** A new event that was not version last+1 of its stream. */
  outOfOrder = 0;
  firstAt = NaN;
  lastAt = NaN;
  valueBytes = 0;
  messageBytes = 0;
  private readonly versions = new Map<string, number>();
  /** Latency phase: start time (before append) and append-resolved time per stream (one event each). */
  readonly startedAt = new Map<string, number>();
  readonly appendedAt = new Map<string, number>();
  readonly endToEnd: number[] = [];
  readonly afterAppend: number[] = [];
  /** Latency phase: end-to-end latency per stream id. */
  readonly endToEndById = new Map<string, number>();
  private expected = Infinity;
  private resolveDone?: () => void;
  private readonly done = new Promise<void>((r) => (this.resolveDone = r));

  constructor(readonly prefix: string) {}

  receive(event: EventEnvelope, message: KafkaMessage, at: number): void {
    const last = this.versions.get(event.streamId) ?? 0;
    if (event.streamVersion <= last) {
      this.duplicates++;
      return;
    }
    if (event.streamVersion !== last + 1) this.outOfOrder++;
    this.versions.set(event.streamId, event.streamVersion);
    this.unique++;
    if (this.unique === 1) this.firstAt = at;
    this.lastAt = at;
    const value = message.value?.length ?? 0;
    let headers = 0;
    for (const [k, v] of Object.entries(message.headers ?? {})) headers += k.length + (v ? String(v).length : 0);
    this.valueBytes += value;
    this.messageBytes += value + (message.key?.length ?? 0) + headers;
    const started = this.startedAt.get(event.streamId);
    if (started !== undefined) {
      this.endToEnd.push(at - started);
      this.endToEndById.set(event.streamId, at - started);
      const appended = this.appendedAt.get(event.streamId);
      if (appended !== undefined) this.afterAppend.push(at - appended);
    }
    if (this.unique >= this.expected) this.resolveDone?.();
  }

  /** Resolves true once `expected` events arrived, false after `timeoutMs`. */
  async complete(expected: number, timeoutMs: number): Promise<boolean> {
    this.expected = expected;
    if (this.unique >= expected) return true;
    return within(
      this.done.then(() => true),
      timeoutMs,
      false,
    );
  }
}

class BenchConsumer {
  private readonly sinks = new Map<string, PhaseSink>();
  private consumer?: Consumer;
  undecodable = 0;
  foreign = 0;

  constructor(
    private readonly kafka: Kafka,
    readonly groupId: string,
  ) {}

  sink(prefix: string): PhaseSink {
    const s = new PhaseSink(prefix);
    this.sinks.set(prefix, s);
    return s;
  }

  async start(topic: string): Promise<void> {
    // Its group is throw-away: it commits nothing, so no offset commit sits on the fetch path (the
    // services' EventConsumer commits on a timer, off the path; the baselines below compare both).
    this.consumer = await joinedConsumer(this.kafka, { groupId: this.groupId }, [topic], true, {
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const at = now();
        for (const message of batch.messages) {
          let event: EventEnvelope;
          try {
            event = fromKafkaMessage(message);
          } catch {
            this.undecodable++;
            continue;
          }
          const sink = this.sinks.get(event.streamId.slice(0, event.streamId.indexOf('-')));
          if (sink) sink.receive(event, message, at);
          else this.foreign++;
        }
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

// ───────────────────────────── relay instrumentation ─────────────────────────────

type Fn = (...args: any[]) => Promise<any>;

/**
 * Times the relay's rounds without touching libs/events, by wrapping public methods of the bench's
 * own relay instance (`publishQueued`, `recover`) and the producer handle it is given (`sendBatch`).
 * A round = prepare (order commits, look up predecessors) → sendBatch (Kafka) → mark published (database).
 * If the relay's API changes, the affected columns show "—" instead of breaking the bench.
 */
class RelayProbe {
  readonly round: number[] = [];
  readonly prepare: number[] = [];
  readonly send: number[] = [];
  readonly mark: number[] = [];
  readonly recoverScan: number[] = [];
  recovered = 0;
  published = 0;
  rounds = 0;
  private roundStart = NaN;
  private sendStart = NaN;
  private sendEnd = NaN;
  private watch?: { target: number; resolve: (at: number) => void };
  /** Keys (stream ids) with this prefix get their send start / Kafka ack time recorded. */
  trackPrefix?: string;
  readonly sentAt = new Map<string, number>();
  readonly ackedAt = new Map<string, number>();

  wrapProducer(producer: Producer): Producer {
    return new Proxy(producer, {
      get: (target, prop, receiver) => {
        if (prop !== 'sendBatch') return Reflect.get(target, prop, receiver);
        return async (batch: Parameters<Producer['sendBatch']>[0]) => {
          const start = (this.sendStart = now());
          const keys: string[] = [];
          if (this.trackPrefix) {
            for (const tm of batch.topicMessages ?? []) {
              for (const m of tm.messages) {
                const key = m.key?.toString();
                if (key?.startsWith(this.trackPrefix)) keys.push(key);
              }
            }
          }
          try {
            return await target.sendBatch(batch);
          } finally {
            const end = (this.sendEnd = now());
            for (const k of keys) {
              if (!this.sentAt.has(k)) this.sentAt.set(k, start);
              if (!this.ackedAt.has(k)) this.ackedAt.set(k, end);
            }
          }
        };
      },
    });
  }

  wrapRelay(relay: OutboxRelay): void {
    const r = relay as unknown as Record<string, Fn>;
    if (typeof r.publishQueued === 'function') {
      const publishQueued = r.publishQueued.bind(relay);
      r.publishQueued = async (...args: unknown[]) => {
        this.roundStart = now();
        this.sendStart = this.sendEnd = NaN;
        const count: number = await publishQueued(...args);
        if (count > 0) {
          const end = now();
          this.round.push(end - this.roundStart);
          this.prepare.push(this.sendStart - this.roundStart);
          this.send.push(this.sendEnd - this.sendStart);
          this.mark.push(end - this.sendEnd);
        }
        return count;
      };
    }
    if (typeof r.recover === 'function') {
      const recover = r.recover.bind(relay);
      r.recover = async (...args: unknown[]) => {
        const t = now();
        const found = await recover(...args);
        this.recoverScan.push(now() - t);
        if (typeof found === 'number') this.recovered += found;
        return found;
      };
    }
  }

  onPublished(count: number): void {
    this.published += count;
    this.rounds++;
    if (this.watch && this.published >= this.watch.target) {
      this.watch.resolve(now());
      this.watch = undefined;
    }
  }

  /** Resolves with the time the relay had Kafka acks for `target` events. */
  publishedAll(target: number): Promise<number> {
    return new Promise((resolve) => {
      if (this.published >= target) resolve(now());
      else this.watch = { target, resolve };
    });
  }

  summary() {
    const sum = (xs: number[]) => xs.filter(Number.isFinite).reduce((a, b) => a + b, 0);
    const total = sum(this.round);
    const part = (xs: number[]) => ({ ...percentiles(xs.filter(Number.isFinite)), sharePct: total ? round((100 * sum(xs)) / total, 1) : NaN });
    return {
      rounds: this.rounds,
      published: this.published,
      avgEventsPerRound: this.rounds ? round(this.published / this.rounds, 1) : 0,
      roundMs: percentiles(this.round),
      prepareMs: part(this.prepare),
      sendBatchMs: part(this.send),
      markPublishedMs: part(this.mark),
      recoveryScans: { ...percentiles(this.recoverScan), found: this.recovered },
    };
  }
}

// ───────────────────────────── phases ─────────────────────────────

type ThroughputResult = Awaited<ReturnType<Bench['throughput']>>;

class Bench {
  private relay?: OutboxRelay;

  constructor(
    private readonly cfg: Config,
    private readonly db: Db,
    private readonly topic: string,
    private readonly producer: Producer,
    private readonly consumer: BenchConsumer,
    private readonly cpu: CpuMeter,
  ) {}

  /** A fresh stream collection with its own instrumented relay, for one phase; commits through a mongoose Model if asked. */
  private async open(collection: string, viaMongoose = false): Promise<{ store: MongoEventStore; probe: RelayProbe }> {
    const commitModel = viaMongoose ? modelOn(this.db, `BenchCommit_${collection}`, commitSchema(collection)) : undefined;
    const store = new MongoEventStore(this.db, { producer: 'backbone-bench', topic: this.topic, collection, ...(commitModel ? { commitModel } : {}) });
    await store.ensureIndexes();
    const probe = new RelayProbe();
    const relay = (this.relay = new OutboxRelay(store, probe.wrapProducer(this.producer), {
      ...(this.cfg.relayBatchSize ? { batchSize: this.cfg.relayBatchSize } : {}),
      ...(this.cfg.relayRecoveryMs ? { recoveryIntervalMs: this.cfg.relayRecoveryMs } : {}),
      onPublished: (n) => probe.onPublished(n),
      logger: { log() {}, warn: (m, c) => console.error(`[relay] ${m} ${JSON.stringify(c)}`), error: (m) => console.error(`[relay] ${m}`) },
    }));
    probe.wrapRelay(relay);
    relay.start();
    return { store, probe };
  }

  /** Stops the phase's relay; a round stuck in the database is abandoned after 30 s (reported). */
  async close(): Promise<void> {
    const relay = this.relay;
    this.relay = undefined;
    if (
      relay &&
      (await within(
        relay.stop().then(() => true),
        30_000,
        false,
      )) === false
    ) {
      console.error('[bench] relay did not stop within 30 s (a round is stuck in the database); abandoning it');
    }
  }

  async warmUp(): Promise<void> {
    const { store } = await this.open('commits_warmup');
    try {
      const sink = this.consumer.sink('w');
      for (let i = 0; i < 20; i++) {
        const id = `w-${randomUUID()}`;
        await store.append(id, 0, [reportReceived(id, i)], meta());
      }
      if (!(await sink.complete(20, 60_000))) throw new Error('warm-up events never reached the consumer');
    } finally {
      await this.close();
    }
  }

  async throughput(name: string, prefix: string, targetEvents: number, perStream: number, viaMongoose = false) {
    const collection = `commits_${prefix}`;
    const { store, probe } = await this.open(collection, viaMongoose);
    try {
      const sink = this.consumer.sink(prefix);
      const streams = Math.ceil(targetEvents / perStream);
      const appendLatency: number[] = [];
      let appended = 0;
      let budgetHit = false;
      let appendErrors = 0;
      let firstAppendError: string | undefined;
      this.cpu.start();
      const t0 = now();
      const timeline: [number, number, number, number][] = [];
      const sampler = setInterval(() => timeline.push([round((now() - t0) / 1000, 1), appended, probe.published, sink.unique]), 1000);
      try {
        let next = 0;
        const worker = async () => {
          for (let s = next++; s < streams; s = next++) {
            if (now() - t0 > this.cfg.appendBudgetMs || appendErrors >= MAX_APPEND_ERRORS) {
              budgetHit = true;
              return;
            }
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
              appendLatency.push(now() - started);
              appended++;
            }
          }
        };
        await Promise.all(Array.from({ length: Math.min(this.cfg.concurrency, streams) }, worker));
        const tAppended = now();
        const receivedAtAppendEnd = sink.unique;
        const relayAcked = probe.publishedAll(appended);
        const complete = await sink.complete(appended, this.cfg.drainBudgetMs);
        const tEnd = complete ? sink.lastAt : now();
        const tRelayed = complete ? await within(relayAcked, 5_000, NaN) : NaN;
        const cpuUsed = this.cpu.stop();
        const s = (ms: number) => round(ms / 1000, 3);
        const appendS = (tAppended - t0) / 1000;
        const during = timeline.filter(([t]) => t <= appendS);
        const first = during.find(([t]) => t >= 5);
        const lastFrom = [...during].reverse().find(([t]) => t <= appendS - 5);
        return {
          name,
          collection,
          targetEvents: streams * perStream,
          events: appended,
          streams: Math.ceil(appended / perStream),
          eventsPerStream: perStream,
          concurrency: this.cfg.concurrency,
          /** Appending stopped at the append budget before all target events were written. */
          appendBudgetHit: budgetHit,
          /** Appends that threw (the stream's remaining appends are skipped); first error message kept. */
          appendErrors,
          firstAppendError,
          /** The consumer saw every appended event within the drain budget. */
          complete,
          received: sink.unique,
          appendSeconds: s(tAppended - t0),
          appendedPerSec: Math.round((appended * 1000) / (tAppended - t0)),
          /** First append → relay had Kafka acks for all (NaN if incomplete). */
          relayAckedSeconds: s(tRelayed - t0),
          /** First append → consumer had all (or, if incomplete, the last event it got). */
          consumedSeconds: s((complete ? sink.lastAt : tEnd) - t0),
          relayedPerSec: Math.round((sink.unique * 1000) / ((complete ? sink.lastAt : tEnd) - t0)),
          /** Relay rate once appending had stopped (consumer-side, events/s). */
          relayedPerSecAfterAppends: tEnd > tAppended ? round(((sink.unique - receivedAtAppendEnd) * 1000) / (tEnd - tAppended), 1) : NaN,
          drainAfterAppendsMs: Math.round(tEnd - tAppended),
          /** Append rate over the first and the last 5 s of appending (does it slow down as the collection grows?). */
          appendedPerSecFirst5s: first ? Math.round(first[1] / first[0]) : NaN,
          appendedPerSecLast5s: lastFrom ? Math.round((appended - lastFrom[1]) / (appendS - lastFrom[0])) : NaN,
          appendLatencyMs: percentiles(appendLatency),
          relay: probe.summary(),
          duplicates: sink.duplicates,
          outOfOrder: sink.outOfOrder,
          avgValueBytes: sink.unique ? Math.round(sink.valueBytes / sink.unique) : 0,
          avgMessageBytes: sink.unique ? Math.round(sink.messageBytes / sink.unique) : 0,
          cpu: cpuUsed,
          /** Once a second: seconds since start, appended, published (Kafka-acked), received. */
          timeline,
        };
      } finally {
        clearInterval(sampler);
      }
    } finally {
      await this.close();
    }
  }

  async latency() {
    const { latencyRate: rate, latencySeconds: seconds } = this.cfg;
    const { store, probe } = await this.open('commits_l');
    probe.trackPrefix = 'l-';
    try {
      const total = Math.max(1, Math.round(rate * seconds));
      const sink = this.consumer.sink('l');
      const appendLatency: number[] = [];
      const inFlight = new Set<Promise<void>>();
      let maxInFlight = 0;
      let lateStarts = 0;
      let appendErrors = 0;
      let firstAppendError: string | undefined;
      let issued = 0;
      this.cpu.start();
      const t0 = now();
      for (let i = 0; i < total; i++) {
        const due = t0 + (i * 1000) / rate;
        const wait = due - now();
        if (wait >= 1) await sleep(wait);
        else if (wait < -50) lateStarts++;
        // Bounded: if the store falls far behind, wait rather than pile up (shows as maxInFlight / achieved rate).
        while (inFlight.size >= 256) await Promise.race(inFlight);
        if (appendErrors >= MAX_APPEND_ERRORS) break;
        const id = `l-${randomUUID()}`;
        const started = now();
        sink.startedAt.set(id, started);
        const p: Promise<void> = store.append(id, 0, [reportReceived(id, i)], meta()).then(
          () => {
            const t = now();
            sink.appendedAt.set(id, t);
            appendLatency.push(t - started);
            inFlight.delete(p);
          },
          (e) => {
            appendErrors++;
            firstAppendError ??= String(e).slice(0, 300);
            sink.startedAt.delete(id);
            inFlight.delete(p);
          },
        );
        inFlight.add(p);
        issued++;
        maxInFlight = Math.max(maxInFlight, inFlight.size);
      }
      const issueSeconds = (now() - t0) / 1000;
      await Promise.all(inFlight);
      const complete = await sink.complete(issued - appendErrors, this.cfg.drainBudgetMs);
      const cpuUsed = this.cpu.stop();
      // Per second of the run: median end-to-end latency of the events started in it (shows drift).
      const bySecond: number[][] = [];
      // Where the time after the append goes: waiting in the relay, the Kafka produce request, delivery to the consumer.
      const relayWait: number[] = [];
      const produce: number[] = [];
      const sendToConsumer: number[] = [];
      for (const [id, started] of sink.startedAt) {
        const e2e = sink.endToEndById.get(id);
        if (e2e === undefined) continue;
        (bySecond[Math.floor((started - t0) / 1000)] ??= []).push(e2e);
        const appended = sink.appendedAt.get(id);
        const sent = probe.sentAt.get(id);
        const acked = probe.ackedAt.get(id);
        if (appended === undefined || sent === undefined || acked === undefined) continue;
        relayWait.push(sent - appended);
        produce.push(acked - sent);
        sendToConsumer.push(started + e2e - sent);
      }
      return {
        targetRate: rate,
        seconds,
        events: issued,
        achievedRate: Math.round(issued / issueSeconds),
        complete,
        received: sink.unique,
        appendErrors,
        firstAppendError,
        lateStarts,
        maxInFlight,
        appendToConsumerMs: percentiles(sink.endToEnd),
        appendCallMs: percentiles(appendLatency),
        appendReturnedToConsumerMs: percentiles(sink.afterAppend),
        appendReturnedToRelaySendMs: percentiles(relayWait),
        relaySendToKafkaAckMs: percentiles(produce),
        relaySendToConsumerMs: percentiles(sendToConsumer),
        p50BySecondMs: bySecond.map((xs) => percentiles(xs ?? []).p50),
        relay: probe.summary(),
        duplicates: sink.duplicates,
        cpu: cpuUsed,
      };
    } finally {
      await this.close();
    }
  }

  /**
   * The single operations the backbone sends to the database, timed on phase 1's collection with no
   * relay running: what an append, the relay's mark-published update and its recovery scan cost at
   * that collection size.
   */
  async operationCosts(collection: string) {
    const commits = this.db.collection<{ _id: string; streamId?: string }>(collection);
    const docs = await commits.countDocuments({});
    const sample = await commits
      .find({})
      .skip(Math.floor(docs / 2))
      .limit(1)
      .toArray();
    if (!sample[0]) return { documents: docs, operationsMs: {} as Record<string, Percentiles> };
    const { _id, streamId } = sample[0];
    const time = async (label: string, op: () => Promise<unknown>, times = 5) => {
      const xs: number[] = [];
      for (let i = 0; i < times; i++) {
        const t = now();
        await op();
        xs.push(now() - t);
      }
      return [label, percentiles(xs)] as const;
    };
    // 50 per batch: FerretDB 1.x deadlocks on one update command with ≥ 100 matched statements.
    const batchIds = (
      await commits
        .find({}, { projection: { _id: 1 } })
        .limit(50)
        .toArray()
    ).map((d) => d._id);
    const ops = [
      await time('findOne {_id} hit (append at version > 0: read stream head)', () => commits.findOne({ _id })),
      await time('findOne {_id} miss (append: check nothing follows the head)', () => commits.findOne({ _id: `${_id}-none` })),
      await time('insertOne commit', () => commits.insertOne({ ...sample[0], _id: `probe-${randomUUID()}` })),
      await time('insertMany 50 commits, unordered (group commit)', () =>
        commits.insertMany(
          Array.from({ length: 50 }, () => ({ ...sample[0], _id: `probe-${randomUUID()}` })),
          { ordered: false },
        ),
      ),
      await time('updateOne {_id} $set published', () => commits.updateOne({ _id }, { $set: { published: true } } as object)),
      await time('bulkWrite 50 × updateOne {_id} (relay marks a round published)', () =>
        commits.bulkWrite(
          batchIds.map((id) => ({ updateOne: { filter: { _id: id }, update: { $set: { published: true } } as object } })),
          { ordered: false },
        ),
      ),
      await time('find {published:false} (relay recovery scan, nothing unpublished)', () => commits.find({ published: false } as object).toArray()),
      ...(streamId ? [await time('find {streamId} (has an index)', () => commits.find({ streamId }).toArray())] : []),
    ];
    // The commit path's call itself, driver and mongoose Model taking turns (20 each), with the
    // process CPU each used: what mongoose's validation and casting add to a group commit.
    const model = modelOn(this.db, `BenchCommit_${collection}`, commitSchema(collection));
    const probes = () => Array.from({ length: 50 }, () => ({ ...sample[0], _id: `probe-${randomUUID()}` }) as unknown as CommitDocument);
    const paths = { driver: { ms: [] as number[], cpuMs: 0 }, mongoose: { ms: [] as number[], cpuMs: 0 } };
    for (let i = 0; i < 40; i++) {
      const [path, insert] =
        i % 2 === 0
          ? (['driver', () => commits.insertMany(probes(), { ordered: false })] as const)
          : (['mongoose', () => model.insertMany(probes(), { ordered: false })] as const);
      const [t, cpu] = [now(), process.cpuUsage()];
      await insert();
      const used = process.cpuUsage(cpu);
      paths[path].ms.push(now() - t);
      paths[path].cpuMs += (used.user + used.system) / 1000 / 20;
    }
    ops.push(
      [`insertMany 50 commits, driver (20 in turn; node CPU ${paths.driver.cpuMs.toFixed(2)} ms each)`, percentiles(paths.driver.ms)],
      [`insertMany 50 commits, mongoose Model (20 in turn; node CPU ${paths.mongoose.cpuMs.toFixed(2)} ms each)`, percentiles(paths.mongoose.ms)],
    );
    return {
      documents: docs,
      operationsMs: Object.fromEntries(ops) as Record<string, Percentiles>,
      commitCallCpuMs: { driver: paths.driver.cpuMs, mongoose: paths.mongoose.cpuMs },
    };
  }
}

// ───────────────────────────── baselines ─────────────────────────────

/** Our producer client (kafkajs, idempotent, 1 in flight, acks=all) sending prepared envelopes in relay-sized batches. */
async function kafkajsBaseline(kafka: Kafka, topic: string, records: number, batchSize: number, sample: EventEnvelope) {
  const producer = createEventProducer(kafka);
  await producer.connect();
  try {
    const messages = Array.from({ length: records }, () =>
      toKafkaMessage({ ...sample, eventId: randomUUID(), streamId: `k-${randomUUID()}`, streamVersion: 1 }),
    );
    await producer.sendBatch({ topicMessages: [{ topic, messages: messages.slice(0, batchSize) }], acks: -1 });
    const t0 = now();
    for (let i = 0; i < records; i += batchSize) {
      await producer.sendBatch({ topicMessages: [{ topic, messages: messages.slice(i, i + batchSize) }], acks: -1 });
    }
    const seconds = (now() - t0) / 1000;
    return { records, batchSize, seconds: round(seconds, 3), recordsPerSec: Math.round(records / seconds) };
  } finally {
    await producer.disconnect();
  }
}

/** How the Kafka-only latency baseline's consumer is set up. */
type ConsumerVariant = 'kafkajs defaults' | 'TCP_NODELAY' | 'TCP_NODELAY + EventConsumer';
const CONSUMER_VARIANTS: ConsumerVariant[] = ['kafkajs defaults', 'TCP_NODELAY', 'TCP_NODELAY + EventConsumer'];

/**
 * Kafka alone, same rate as the latency phase: one envelope per send with the relay's producer settings,
 * received in this process by
 * - `kafkajs defaults`: a plain kafkajs client and consumer (Nagle on, offsets committed after every batch);
 * - `TCP_NODELAY`: createKafka's client, plain consumer (committing after every batch);
 * - `TCP_NODELAY + EventConsumer`: what the services run (libs/events: offsets committed every second).
 * The floor for "relay send → consumer received".
 */
async function kafkajsLatencyBaseline(
  cfg: Config,
  variant: ConsumerVariant,
  topic: string,
  groupId: string,
  rate: number,
  seconds: number,
  sample: EventEnvelope,
) {
  const kafka = createKafka({ brokers: cfg.brokers, clientId: 'backbone-bench-latency', noDelay: variant !== 'kafkajs defaults' });
  const total = Math.max(1, Math.round(rate * seconds));
  const result = (latencies: number[]) => ({ variant, rate, seconds, sent: total, received: latencies.length, sendToConsumerMs: percentiles(latencies) });
  if (variant !== 'TCP_NODELAY + EventConsumer') return result((await kafkaOnlyLatency(kafka, sample, total, rate, { topic, groupId })).latencies);
  const producer = createEventProducer(kafka);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  // It reads the topic from the start: skip what is there already (the throughput baseline).
  const consumer = new EventConsumer({
    kafka,
    groupId,
    topics: [topic],
    lagIntervalMs: 0,
    deadLetterRetentionMs: 60_000,
    handle: async (event) => {
      const sent = sentAt.get(event.streamId);
      if (sent !== undefined) latencies.push(now() - sent);
    },
  });
  const admin = kafka.admin();
  try {
    await producer.connect();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({ groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
    await consumer.start();
    await sleep(1_000); // let the group settle on the latest offsets
    const t0 = now();
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const wait = t0 + (i * 1000) / rate - now();
      if (wait >= 1) await sleep(wait);
      const key = `kl-${randomUUID()}`;
      sentAt.set(key, now());
      sends.push(producer.send({ topic, acks: -1, messages: [toKafkaMessage({ ...sample, streamId: key, eventId: randomUUID() })] }));
    }
    await Promise.all(sends);
    for (let i = 0; i < 50 && latencies.length < total; i++) await sleep(100);
    return result(latencies);
  } finally {
    await consumer.stop().catch(() => undefined);
    await admin.deleteTopics({ topics: [consumer.deadLetterTopic] }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
}

/** How fast the services' consumer (EventConsumer, no-op handler) reads a topic that holds `records` events. */
async function eventConsumerThroughput(kafka: Kafka, topic: string, groupId: string, records: number) {
  let seen = 0;
  let firstAt = NaN;
  let lastAt = NaN;
  const consumer = new EventConsumer({
    kafka,
    groupId,
    topics: [topic],
    lagIntervalMs: 0,
    deadLetterRetentionMs: 60_000,
    handle: async () => {
      const at = now();
      if (seen++ === 0) firstAt = at;
      lastAt = at;
    },
  });
  const t0 = now();
  try {
    await consumer.start();
    for (let i = 0; i < 600 && seen < records; i++) await sleep(100);
  } finally {
    await consumer.stop().catch(() => undefined);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [consumer.deadLetterTopic] }).catch(() => undefined);
    await admin.disconnect();
  }
  const seconds = (lastAt - firstAt) / 1000;
  return { records: seen, startToFirstMs: round(firstAt - t0), seconds: round(seconds, 3), recordsPerSec: Math.round(seen / seconds) };
}

/** Runs one of Kafka's own tools (from the broker's jars); resolves with its stdout. */
const javaTool = (cfg: Config, tool: string, args: string[]) => kafkaTool(cfg.kafkaLibs, tool, args);

/** Kafka's ConsumerPerformance: the Java consumer reading `records` from the start of the topic. */
async function javaConsumerBaseline(cfg: Config, topic: string, records: number) {
  const p = await consumerPerformance(cfg.brokers, topic, records, { timeoutS: 30 });
  return { records: p.messages, recordsPerSec: Math.round(p.nMsgSec), fetchRecordsPerSec: Math.round(p.fetchNMsgSec), raw: p.line };
}

/**
 * Kafka's EndToEndLatency: the Java producer sends one record, the Java consumer receives it, then
 * the next (one at a time, so as fast as a round trip allows; our figures are open loop at --rate).
 */
async function javaEndToEndLatency(cfg: Config, topic: string, records: number, recordSize: number) {
  const out = await javaTool(cfg, 'EndToEndLatency', [cfg.brokers.join(','), topic, String(records), 'all', String(recordSize)]);
  const avg = out.match(/Avg latency: ([\d.]+) ms/);
  const p = out.match(/Percentiles: 50th = ([\d.]+), 99th = ([\d.]+), 99.9th = ([\d.]+)/);
  if (!avg || !p) throw new Error(`EndToEndLatency: cannot read ${out.slice(-400)}`);
  return { records, avgMs: Number(avg[1]), p50Ms: Number(p[1]), p99Ms: Number(p[2]), p999Ms: Number(p[3]) };
}

interface JavaBaseline {
  label: string;
  props: string[];
  records: number;
  recordSize: number;
  recordsPerSec: number;
  mbPerSec: number;
  avgLatencyMs: number;
  p99LatencyMs: number;
  raw: string;
}

/** Kafka's ProducerPerformance (from the broker's own jars) against the same broker. */
async function javaBaseline(cfg: Config, topic: string, recordSize: number, label: string, props: string[]): Promise<JavaBaseline> {
  const out = await javaTool(cfg, 'ProducerPerformance', [
    '--topic',
    topic,
    '--num-records',
    String(cfg.baselineRecords),
    '--record-size',
    String(recordSize),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${cfg.brokers.join(',')}`,
    ...props,
  ]);
  const line = out
    .split('\n')
    .reverse()
    .find((l) => / records sent, .* 99th/.test(l));
  const m = line?.match(/(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency.*?(\d+) ms 99th/);
  if (!line || !m) throw new Error(`ProducerPerformance: cannot read ${out.slice(-800)}`);
  return {
    label,
    props,
    records: Number(m[1]),
    recordSize,
    recordsPerSec: Math.round(Number(m[2])),
    mbPerSec: Number(m[3]),
    avgLatencyMs: Number(m[4]),
    p99LatencyMs: Number(m[5]),
    raw: line.trim(),
  };
}

// ───────────────────────────── report ─────────────────────────────

const pctCols = (p: Percentiles) => [fmt(p.p50, 1), fmt(p.p90, 1), fmt(p.p99, 1), fmt(p.max, 1)];

/** What answers on MONGODB_URI: buildInfo, and for the local infra the process behind the pid file. */
async function serverDescription(db: Db, infraDataDir: string): Promise<string> {
  let engine = '';
  try {
    const pid = readFileSync(path.join(infraDataDir, 'run', 'db.pid'), 'utf8').trim();
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmdline.includes('LocalMongoServer')) engine = 'mongo-java-server (H2 MVStore)';
    else if (cmdline.includes('ferretdb')) engine = 'FerretDB (SQLite)';
  } catch {
    /* not the local infra */
  }
  try {
    const info = await db.admin().command({ buildInfo: 1 });
    if (info.ferretdb) engine = `FerretDB ${info.ferretdb.version ?? ''} (SQLite)`;
    return `${engine || 'MongoDB-compatible server'}, reports version ${info.version}`;
  } catch {
    return engine || 'unknown server';
  }
}

// ───────────────────────────── main ─────────────────────────────

async function main(): Promise<number> {
  const cfg = loadConfig();
  const runId = `${new Date()
    .toISOString()
    .replace(/[-:TZ.]/g, '')
    .slice(0, 14)}_${randomUUID().slice(0, 6)}`;
  const dbName = `bench_backbone_${runId}`;
  const topic = `bench.backbone.${runId}`;
  const baselineTopic = `${topic}.baseline`;
  const groupId = `bench-backbone-${runId}`;
  const cpu = phaseCpu(cfg.infraDataDir);
  const startedAt = new Date();
  const loadBefore = os.loadavg();

  console.error(`[bench] db ${dbName} at ${cfg.mongoUri}, topic ${topic} (${cfg.partitions} partitions) at ${cfg.brokers.join(',')}`);
  for (const missing of cpu.untracked) console.error(`[bench] no ${missing}.pid under ${cfg.infraDataDir}/run: its CPU is not measured`);

  // socketTimeoutMS: an operation stuck in a deadlocked database fails (and is counted) instead of hanging the run.
  const mongo = new MongoClient(cfg.mongoUri, { appName: 'backbone-bench', serverSelectionTimeoutMS: 5_000, socketTimeoutMS: 60_000 });
  const kafka = createKafka({
    brokers: cfg.brokers,
    clientId: 'backbone-bench',
    logger: { log() {}, warn: (m) => console.error(`[kafka] ${m}`), error: (m) => console.error(`[kafka] ${m}`) },
  });
  const admin: Admin = kafka.admin();
  let producer: Producer | undefined;
  let bench: Bench | undefined;
  let consumer: BenchConsumer | undefined;
  let dbCreated = false;
  let topicsCreated: string[] = [];
  let interrupted = false;

  /** Results so far, written after every phase so an interrupted run still leaves its figures. */
  const partial: Record<string, unknown> = { startedAt: startedAt.toISOString(), partial: true, dbName, topic };
  const savePartial = (key?: string, value?: unknown) => {
    if (key) partial[key] = value;
    try {
      writeFileSync(cfg.out, JSON.stringify(partial, null, 2));
    } catch (e) {
      console.error(`[bench] cannot write ${cfg.out}: ${e}`);
    }
  };

  /** Every step bounded: a database stuck in a deadlock must not keep the bench (and its process) alive. */
  let cleaning: Promise<void> | undefined;
  const cleanup = () => (cleaning ??= doCleanup());
  const doCleanup = async () => {
    const step = async (name: string, p: () => Promise<unknown>, ms = 15_000) => {
      const r = await within(
        p().then(
          () => 'ok',
          (e) => `failed: ${e}`,
        ),
        ms,
        `timed out after ${ms / 1000} s`,
      );
      if (r !== 'ok') console.error(`[bench] cleanup ${name}: ${r}`);
    };
    if (bench) await step('relay stop', () => bench!.close(), 35_000);
    if (consumer) await step('consumer stop', () => consumer!.stop());
    if (producer) await step('producer disconnect', () => producer!.disconnect());
    if (dbCreated) await step(`drop database ${dbName}`, () => mongo.db(dbName).dropDatabase());
    await step('mongo close', () => mongo.close(true), 5_000);
    if (topicsCreated.length) await step('delete topics', () => admin.deleteTopics({ topics: topicsCreated, timeout: 10_000 }));
    if (consumer) await step('delete consumer group', () => admin.deleteGroups([groupId]));
    if (cfg.baseline) await admin.deleteGroups([`${groupId}-baseline`]).catch(() => undefined); // absent if the baseline was skipped
    await step('admin disconnect', () => admin.disconnect(), 5_000);
  };
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error(`[bench] interrupted: partial results in ${cfg.out}; cleaning up (again to force exit)`);
    savePartial('interrupted', new Date().toISOString());
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const deadline = setTimeout(() => {
    console.error(`[bench] overall deadline of ${cfg.maxSeconds} s reached`);
    onSignal();
  }, cfg.maxSeconds * 1000);
  deadline.unref();

  try {
    await mongo.connect();
    await admin.connect();
    const db = mongo.db(dbName);
    const server = await serverDescription(db, cfg.infraDataDir);
    dbCreated = true;
    await ensureTopics(admin, [
      { topic, partitions: cfg.partitions },
      { topic: baselineTopic, partitions: cfg.partitions },
    ]);
    topicsCreated = [topic, baselineTopic];
    if (/FerretDB/.test(server)) {
      console.error(
        '[bench] note: FerretDB 1.x/SQLite has one writer per database; under this load appends can fail with SQLITE_BUSY ' +
          'after its 10 s busy timeout (counted as append errors). See docs/performance.md.',
      );
    }

    producer = createEventProducer(kafka);
    await producer.connect();
    consumer = new BenchConsumer(kafka, groupId);
    await consumer.start(topic);
    bench = new Bench(cfg, db, topic, producer, consumer, cpu);

    console.error('[bench] warm-up');
    await bench.warmUp();

    console.error(`[bench] throughput: ${cfg.events} events, 1 per new stream, ${cfg.concurrency} in flight`);
    const single = await bench.throughput('1 event / new stream', 's', cfg.events, 1);
    savePartial('throughputSingle', single);

    // The same phase with each commit inserted through a mongoose Model (validated and cast) instead of
    // the driver, in the order driver, mongoose, mongoose, driver, so that a drift in the machine's load
    // weighs on both alike: the figures behind the driver's place in docs/architecture.md.
    const commitPaths: ThroughputResult[] = [];
    for (const [label, prefix, viaMongoose] of [
      ['mongoose Model', 'g', true],
      ['mongoose Model, again', 'g2', true],
      ['driver, again', 's2', false],
    ] as const) {
      console.error(`[bench] throughput: ${cfg.events} events, 1 per new stream, commits through the ${label}`);
      commitPaths.push(await bench.throughput(`1 event / new stream, ${label}`, prefix, cfg.events, 1, viaMongoose));
      savePartial('throughputCommitPaths', commitPaths);
    }

    let multi: ThroughputResult | undefined;
    if (cfg.multiEvents > 0 && cfg.eventsPerStream > 1) {
      console.error(`[bench] throughput: ${cfg.multiEvents} events, ${cfg.eventsPerStream} successive appends per stream`);
      multi = await bench.throughput(`${cfg.eventsPerStream} appends / stream`, 'm', cfg.multiEvents, cfg.eventsPerStream);
      savePartial('throughputMulti', multi);
    }

    console.error(`[bench] latency: ${cfg.latencyRate} events/s for ${cfg.latencySeconds} s`);
    const latency = await bench.latency();
    savePartial('latency', latency);

    console.error('[bench] single operation costs');
    const costs = await bench.operationCosts(single.collection);
    savePartial('operationCosts', costs);

    let kafkajs: Awaited<ReturnType<typeof kafkajsBaseline>> | undefined;
    const kafkaLatency: Awaited<ReturnType<typeof kafkajsLatencyBaseline>>[] = [];
    let eventConsumer: Awaited<ReturnType<typeof eventConsumerThroughput>> | undefined;
    let javaConsumer: Awaited<ReturnType<typeof javaConsumerBaseline>> | undefined;
    let javaLatency: Awaited<ReturnType<typeof javaEndToEndLatency>> | undefined;
    const java: JavaBaseline[] = [];
    const baselineErrors: string[] = [];
    const stored = (await db.collection<{ events: EventEnvelope[] }>(single.collection).findOne({}))?.events[0];
    // A type outside the catalogue, so the EventConsumer baselines hand it on rather than check its data as a report's.
    const sample = stored && { ...stored, type: 'BenchRecorded' };
    if (cfg.baseline && sample) {
      const recordSize = single.avgValueBytes || JSON.stringify(sample).length;
      const records = Math.min(cfg.baselineRecords, 50_000);
      console.error(`[bench] baseline: kafkajs direct, ${records} records`);
      try {
        kafkajs = await kafkajsBaseline(kafka, baselineTopic, records, cfg.relayBatchSize ?? 500, sample);
      } catch (e) {
        baselineErrors.push(`kafkajs: ${e}`);
      }
      // Both consumers read what kafkajs just wrote (envelopes; ProducerPerformance's records come later).
      const onTopic = await topicSize(admin, baselineTopic);
      console.error(`[bench] baseline: EventConsumer and Java ConsumerPerformance, ${onTopic} records`);
      try {
        eventConsumer = await eventConsumerThroughput(kafka, baselineTopic, `${groupId}-read`, onTopic);
      } catch (e) {
        baselineErrors.push(`EventConsumer throughput: ${e}`);
      }
      try {
        javaConsumer = await javaConsumerBaseline(cfg, baselineTopic, onTopic);
      } catch (e) {
        baselineErrors.push(`ConsumerPerformance: ${(e as Error).message}`);
      }
      const latencySeconds = Math.min(cfg.latencySeconds, 5);
      for (const variant of CONSUMER_VARIANTS) {
        console.error(`[bench] baseline: Kafka-only latency (${variant}), ${cfg.latencyRate} ev/s for ${latencySeconds} s`);
        try {
          kafkaLatency.push(
            await kafkajsLatencyBaseline(cfg, variant, baselineTopic, `${groupId}-baseline-${kafkaLatency.length}`, cfg.latencyRate, latencySeconds, sample),
          );
        } catch (e) {
          baselineErrors.push(`kafka latency (${variant}): ${e}`);
        }
      }
      const variants: [string, string[]][] = [
        ['ProducerPerformance acks=all', ['acks=all']],
        ['ProducerPerformance acks=all, 1 in flight', ['acks=all', 'max.in.flight.requests.per.connection=1']],
      ];
      for (const [label, props] of variants) {
        console.error(`[bench] baseline: ${label}, ${cfg.baselineRecords} × ${recordSize} B`);
        try {
          java.push(await javaBaseline(cfg, baselineTopic, recordSize, label, props));
        } catch (e) {
          baselineErrors.push(`${label}: ${(e as Error).message}`);
        }
      }
      console.error('[bench] baseline: Java EndToEndLatency, 1,000 records one at a time');
      try {
        const e2eTopic = `${topic}.e2e`;
        await ensureTopics(admin, [{ topic: e2eTopic, partitions: cfg.partitions }]);
        topicsCreated.push(e2eTopic);
        javaLatency = await javaEndToEndLatency(cfg, e2eTopic, 1_000, recordSize);
      } catch (e) {
        baselineErrors.push(`EndToEndLatency: ${(e as Error).message}`);
      }
    }

    // ── report ──
    const throughputs = [single, ...commitPaths, ...(multi ? [multi] : [])];
    const out: string[] = [];
    const cpus = os.cpus();
    out.push(
      `Backbone benchmark ${startedAt.toISOString()}: node ${process.version}, ${cpus.length} CPU (${cpus[0]?.model.trim()}), ` +
        `load avg before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
    );
    out.push(
      `${server}; Kafka ${cfg.brokers.join(',')}, topic ${cfg.partitions} partitions; relay batchSize ${cfg.relayBatchSize ?? 'default'}, ` +
        `recoveryIntervalMs ${cfg.relayRecoveryMs ?? 'default'}; envelope ${single.avgValueBytes} B JSON (${single.avgMessageBytes} B with key + headers)`,
    );
    out.push(`budgets: append ${cfg.appendBudgetMs / 1000} s, drain ${cfg.drainBudgetMs / 1000} s per phase`);
    out.push('');
    out.push('Throughput (bounded concurrency; relayed = first append → consumer has them; each phase on a fresh collection)');
    out.push(
      table([
        [
          'phase',
          'events',
          'append s',
          'appended ev/s',
          '(first/last 5 s)',
          'relayed',
          'relayed s',
          'relayed ev/s',
          'relay ev/s after appends',
          'append p50 ms',
          'append p99 ms',
          'err',
          'dup',
          'ooo',
        ],
        ...throughputs.map((t) => [
          t.name,
          `${fmt(t.events)}${t.appendBudgetHit ? ` of ${fmt(t.targetEvents)}` : ''}`,
          fmt(t.appendSeconds, 1),
          fmt(t.appendedPerSec),
          `${fmt(t.appendedPerSecFirst5s)} / ${fmt(t.appendedPerSecLast5s)}`,
          `${fmt(t.received)}${t.complete ? '' : ' INCOMPLETE'}`,
          fmt(t.consumedSeconds, 1),
          fmt(t.relayedPerSec),
          fmt(t.relayedPerSecAfterAppends, 1),
          fmt(t.appendLatencyMs.p50, 1),
          fmt(t.appendLatencyMs.p99, 1),
          String(t.appendErrors),
          String(t.duplicates),
          String(t.outOfOrder),
        ]),
      ]),
    );
    for (const t of throughputs) if (t.firstAppendError) out.push(`  ${t.name}: first append error: ${t.firstAppendError}`);
    out.push('');
    out.push('Relay rounds (where the relay spends its time) and CPU seconds per phase');
    const relayRows = [
      [
        'phase',
        'rounds',
        'ev/round',
        'round ms p50',
        'prepare ms p50 (share)',
        'sendBatch ms p50 (share)',
        'mark published ms p50 (share)',
        'cpu s node/db/Kafka/other',
        'wall s',
      ],
    ];
    const relayRow = (name: string, r: ReturnType<RelayProbe['summary']>, c: CpuDiff) => [
      name,
      fmt(r.rounds),
      fmt(r.avgEventsPerRound, 1),
      fmt(r.roundMs.p50, 1),
      `${fmt(r.prepareMs.p50, 1)} (${fmt(r.prepareMs.sharePct)} %)`,
      `${fmt(r.sendBatchMs.p50, 1)} (${fmt(r.sendBatchMs.sharePct)} %)`,
      `${fmt(r.markPublishedMs.p50, 1)} (${fmt(r.markPublishedMs.sharePct)} %)`,
      `${fmt(c.nodeS, 1)} / ${fmt(c.databaseS, 1)} / ${fmt(c.kafkaS, 1)} / ${fmt(c.otherS, 1)}`,
      fmt(c.wallS, 1),
    ];
    for (const t of throughputs) relayRows.push(relayRow(t.name, t.relay, t.cpu));
    relayRows.push(relayRow('latency', latency.relay, latency.cpu));
    out.push(table(relayRows));
    out.push('');
    out.push(
      `Latency, open loop at ${fmt(latency.targetRate)} ev/s for ${fmt(latency.seconds)} s (issued at ${fmt(latency.achievedRate)} ev/s, ` +
        `${fmt(latency.received)}/${fmt(latency.events)} received within the drain budget${latency.complete ? '' : ' INCOMPLETE'}, ` +
        `max ${latency.maxInFlight} appends in flight${latency.appendErrors ? `, ${latency.appendErrors} appends FAILED` : ''})`,
    );
    out.push(
      table([
        ['ms', 'p50', 'p90', 'p99', 'max'],
        ['just before append → consumer received', ...pctCols(latency.appendToConsumerMs)],
        ['  append call (head lookup + insert)', ...pctCols(latency.appendCallMs)],
        ['  append returned → consumer (relay + Kafka)', ...pctCols(latency.appendReturnedToConsumerMs)],
        ['    append returned → relay sends it', ...pctCols(latency.appendReturnedToRelaySendMs)],
        ['    relay send → consumer received', ...pctCols(latency.relaySendToConsumerMs)],
        ['    relay send → Kafka ack (acks=all)', ...pctCols(latency.relaySendToKafkaAckMs)],
      ]),
    );
    out.push(`  median latency by second of the run (ms): ${latency.p50BySecondMs.map((x) => fmt(x)).join(', ')}`);
    out.push('');
    if (Object.keys(costs.operationsMs).length) {
      out.push(`Single database operations on phase 1's collection of ${fmt(costs.documents)} commits (relay stopped)`);
      out.push(table([['operation', 'p50 ms', 'max ms'], ...Object.entries(costs.operationsMs).map(([k, p]) => [k, fmt(p.p50, 2), fmt(p.max, 2)])]));
      out.push('');
    }
    if (cfg.baseline) {
      out.push('Baselines on the same broker (no database)');
      const rows = [['client', 'records', 'record B', 'records/s', 'ours relayed / baseline', 'ours appended / baseline']];
      const ratio = (x: number, base: number) => (base > 0 && Number.isFinite(x) ? `${((100 * x) / base).toPrecision(2)} %` : '—');
      if (kafkajs) {
        rows.push([
          `kafkajs, relay producer settings, batches of ${kafkajs.batchSize}`,
          fmt(kafkajs.records),
          fmt(single.avgValueBytes),
          fmt(kafkajs.recordsPerSec),
          ratio(single.relayedPerSec, kafkajs.recordsPerSec),
          ratio(single.appendedPerSec, kafkajs.recordsPerSec),
        ]);
      }
      for (const j of java) {
        rows.push([
          j.label,
          fmt(j.records),
          fmt(j.recordSize),
          fmt(j.recordsPerSec),
          ratio(single.relayedPerSec, j.recordsPerSec),
          ratio(single.appendedPerSec, j.recordsPerSec),
        ]);
      }
      out.push(table(rows));
      for (const l of kafkaLatency) {
        out.push(
          `  Kafka only, kafkajs send → consumer (${l.variant}) at ${fmt(l.rate)} ev/s (${fmt(l.received)}/${fmt(l.sent)}): ` +
            `p50 ${fmt(l.sendToConsumerMs.p50, 1)}, p90 ${fmt(l.sendToConsumerMs.p90, 1)}, ` +
            `p99 ${fmt(l.sendToConsumerMs.p99, 1)}, max ${fmt(l.sendToConsumerMs.max, 1)} ms`,
        );
      }
      if (javaLatency) {
        out.push(
          `  Kafka only, Java EndToEndLatency (acks=all, ${fmt(javaLatency.records)} records one at a time): ` +
            `p50 ${fmt(javaLatency.p50Ms, 1)}, p99 ${fmt(javaLatency.p99Ms, 1)}, p99.9 ${fmt(javaLatency.p999Ms, 1)}, avg ${fmt(javaLatency.avgMs, 1)} ms`,
        );
      }
      if (eventConsumer) {
        out.push(
          `  Consuming: EventConsumer (libs/events, no-op handler) ${fmt(eventConsumer.recordsPerSec)} records/s over ${fmt(eventConsumer.records)}` +
            (javaConsumer
              ? `; Java ConsumerPerformance ${fmt(javaConsumer.recordsPerSec)} records/s (fetch only ${fmt(javaConsumer.fetchRecordsPerSec)}) over ${fmt(javaConsumer.records)}: ` +
                `${((100 * eventConsumer.recordsPerSec) / javaConsumer.fetchRecordsPerSec).toPrecision(2)} %`
              : ''),
        );
      }
      for (const j of java) out.push(`  ${j.label}: ${j.raw}`);
      for (const e of baselineErrors) out.push(`  baseline error: ${e}`);
      out.push('  (ratios against the "1 event / new stream" phase; ProducerPerformance records carry no key/headers)');
    }
    const loadAfter = os.loadavg();
    out.push(`load avg after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`);
    console.log(out.join('\n'));

    const summary = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: {
        cpus: cpus.length,
        cpuModel: cpus[0]?.model.trim(),
        memGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        loadAvgBefore: loadBefore,
        loadAvgAfter: loadAfter,
      },
      server,
      config: { ...cfg, mongoUri: cfg.mongoUri.replace(/\/\/[^@/]*@/, '//***@') },
      dbName,
      topic,
      throughput: throughputs,
      latency,
      operationCosts: costs,
      baselines: { kafkajs, kafkaLatency, javaLatency, eventConsumer, javaConsumer, producerPerformance: java, errors: baselineErrors },
      consumer: { undecodable: consumer.undecodable, foreign: consumer.foreign },
      table: out.join('\n'),
    };
    writeFileSync(cfg.out, JSON.stringify(summary, null, 2));
    clearTimeout(deadline);
    console.error(`[bench] summary written to ${cfg.out}`);
    const clean = throughputs.every((t) => t.complete && t.appendErrors === 0) && latency.complete && latency.appendErrors === 0;
    return clean ? 0 : 1;
  } finally {
    await cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`[bench] failed: ${e instanceof Error ? e.stack : e}`);
    process.exit(1);
  },
);
