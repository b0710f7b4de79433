import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Collection, Db } from 'mongodb';
import { IllegalState } from '@callcenter/contracts';
import { dispatchEvents, EventRegistry, intakeEvents, TopicTail, TOPICS, triageEvents, whileBrokerSettles } from '@callcenter/events';
import { KAFKA, kafkaLogger, MONGO_DB, ReadinessGate, scrapedGauge } from '@callcenter/platform';
import { AnalyticsModel } from './analytics-model';
import { PipelinedWrites } from './pipelined-writes';
import { captureModel } from './snapshot';
import { RestoredSnapshot, SnapshotStore } from './snapshot-store';
import { ANY_TIME, TimelineStore } from './timeline-store';

const ALL_TOPICS = [TOPICS.intake, TOPICS.triage, TOPICS.dispatch];

export interface RebuildProgress {
  generation: number;
  state: 'RUNNING' | 'SWITCHED' | 'FAILED';
  done: number;
  total: number;
  eventsPerSecond: number;
  etaSeconds: number | null;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

/** A report should have a triage case this soon after it was received. */
export const AWAITING_CASE_AFTER_MS = 60_000;
/** Older reports without a case drop out of the count (the dead-letter alert has paged by then). */
export const AWAITING_CASE_LOOKBACK_MS = 3_600_000;

/** Reports received between an hour and a minute ago whose TriageCaseOpened has not been seen. */
export function reportsAwaitingCase(model: AnalyticsModel, now: number): number {
  let count = 0;
  for (const f of model.facts.values()) {
    if (f.receivedAt === null || f.suggestedPriority !== null) continue;
    const age = now - f.receivedAt;
    if (age >= AWAITING_CASE_AFTER_MS && age <= AWAITING_CASE_LOOKBACK_MS) count++;
  }
  return count;
}

/**
 * While catching up, a settled report's whole timeline is written once every partition still behind
 * has been read this far past its last entry (an event is not always later in its partition than
 * the events recorded before it: producers' clocks, a relay that publishes a backlog late).
 */
export const SETTLED_HOLD_MARGIN_MS = 5 * 60_000;

/**
 * The time before which a settled timeline is written (ISO), by partition ("topic/partition"): while
 * catching up, the earliest time (ms) read up to on the partitions not yet past their `targets` (the
 * last offset to read), less SETTLED_HOLD_MARGIN_MS; the beginning of time while one of them has given
 * nothing yet; any time once none is behind (caught up, or the last batch applied). Pure.
 */
export function ripeBefore(targets: ReadonlyMap<string, bigint>, appliedTo: ReadonlyMap<string, bigint>, reachedAt: ReadonlyMap<string, number>): string {
  let earliest = Infinity;
  for (const [tp, target] of targets) {
    if ((appliedTo.get(tp) ?? 0n) > target) continue;
    earliest = Math.min(earliest, reachedAt.get(tp) ?? -Infinity);
  }
  if (earliest === Infinity) return ANY_TIME;
  return earliest === -Infinity ? '' : new Date(earliest - SETTLED_HOLD_MARGIN_MS).toISOString();
}

/**
 * Up to when a resolved report may have been quiet (epoch ms, for `AnalyticsModel.settleQuiet`),
 * from `ripe` (`ripeBefore`): the model's clock once no partition is behind, else the time the
 * partitions behind were read to, less the hold's margin; none while one of them has given nothing. Pure.
 */
export const quietHorizon = (ripe: string, clock: number): number => (ripe === ANY_TIME ? clock : ripe ? Date.parse(ripe) : -Infinity);

/** One generation: a model, the tail that feeds it, and how far it must read to be complete. */
class Generation {
  readonly model: AnalyticsModel;
  private tail?: TopicTail;
  /** "topic/partition" → the next offset to read: every event before it is in the model. */
  private readonly positions: Map<string, string>;
  private targets = new Map<string, bigint>();
  /** "topic/partition" → the next offset to apply, and the latest time (ms) of an event applied from it. */
  private readonly appliedTo = new Map<string, bigint>();
  private readonly reachedAt = new Map<string, number>();
  private caughtUp!: () => void;
  readonly complete = new Promise<void>((resolve) => (this.caughtUp = resolve));
  readonly startedAt = Date.now();
  total = 0;
  read = 0;
  private readonly writes: PipelinedWrites;

  /** From offset 0, or from a snapshot: its model and the offsets it includes. */
  constructor(
    readonly number: number,
    private readonly kafka: Kafka,
    private readonly timelines: TimelineStore,
    readonly from?: RestoredSnapshot,
  ) {
    this.model = from?.model ?? new AnalyticsModel();
    this.positions = new Map(from?.offsets ?? []);
    const logger = new Logger(`AnalyticsGeneration${number}`);
    this.writes = new PipelinedWrites(
      () => this.timelines.flush(this.model, this.ripeBefore()),
      (positions) => {
        for (const [tp, next] of positions) this.positions.set(tp, next);
        this.checkCaughtUp();
      },
      (e) => logger.warn(`settled timelines not written (${e.message}): the next batch writes them`),
    );
  }

  /** Reads every topic from its first offset (or the snapshot's); `complete` resolves once the end offsets seen now are reached. */
  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (const topic of ALL_TOPICS) {
        for (const p of await whileBrokerSettles(() => admin.fetchTopicOffsets(topic))) {
          const tp = `${topic}/${p.partition}`;
          const resumeAt = this.positions.get(tp);
          const [low, high] = [resumeAt !== undefined && BigInt(resumeAt) > BigInt(p.low) ? BigInt(resumeAt) : BigInt(p.low), BigInt(p.high)];
          if (high > low) {
            this.targets.set(tp, high - 1n);
            this.total += Number(high - low);
          }
        }
      }
    } finally {
      await admin.disconnect();
    }
    this.checkCaughtUp();
    this.tail = new TopicTail({
      kafka: this.kafka,
      topic: ALL_TOPICS,
      since: this.from ? { offsets: this.positions } : 'earliest',
      registry: new EventRegistry([...intakeEvents, ...triageEvents, ...dispatchEvents]),
      groupPrefix: `analytics-g${this.number}`,
      logger: kafkaLogger(`AnalyticsGeneration${this.number}`),
      handle: async (events, position) => {
        const [tp, next] = [`${position.topic}/${position.partition}`, BigInt(position.offset) + 1n];
        let reached = this.reachedAt.get(tp) ?? -Infinity;
        for (const event of events) {
          const at = Date.parse(event.occurredAt);
          this.model.apply(event, at);
          reached = Math.max(reached, at);
        }
        this.reachedAt.set(tp, reached);
        this.appliedTo.set(tp, next);
        this.model.settleQuiet(quietHorizon(this.ripeBefore(), this.model.clock));
        this.read += events.length;
        // Settled reports' timelines are written while the next batches apply; the position moves once they are written (or held, in `unsaved`).
        await this.writes.afterBatch(tp, String(next));
      },
    });
    await this.tail.start();
  }

  /** The offsets the model includes, at this instant (read it in the same tick as the model). */
  offsets(): Record<string, string> {
    return Object.fromEntries(this.positions);
  }

  private ripeBefore(): string {
    return ripeBefore(this.targets, this.appliedTo, this.reachedAt);
  }

  private checkCaughtUp() {
    if (this.targets.size === 0) return this.caughtUp();
    for (const [tp, target] of this.targets) if (BigInt(this.positions.get(tp) ?? '0') <= target) return;
    this.targets = new Map();
    this.caughtUp();
  }

  progress(): Pick<RebuildProgress, 'done' | 'total' | 'eventsPerSecond' | 'etaSeconds'> {
    const elapsed = (Date.now() - this.startedAt) / 1000;
    const done = Math.min(this.read, this.total);
    const rate = elapsed > 0 ? done / elapsed : 0;
    return { done, total: this.total, eventsPerSecond: Math.round(rate), etaSeconds: rate > 0 ? Math.round((this.total - done) / rate) : null };
  }

  async stop() {
    await this.tail?.stop();
    await this.writes.drain();
  }
}

/**
 * Whether analytics has caught up since it started: the readiness gate of /health/ready and what
 * the API answers 503 "warming up" by until then (the service listens at once).
 */
export class WarmUp implements ReadinessGate {
  readonly name = 'read_models';
  ready = false;
  /** What it is doing while not ready: where it started from and how far it has read. */
  status: () => Record<string, unknown> = () => ({ startedFrom: null });

  state() {
    return this.ready ? { ready: true } : { ready: false, warmingUp: this.status() };
  }
}

/** How often the current generation is snapshotted (ANALYTICS_SNAPSHOT_INTERVAL_SECONDS); 0: never, and none is read. */
export const SNAPSHOT_INTERVAL = Symbol('SNAPSHOT_INTERVAL');

/**
 * Analytics' read models and their generations. A generation is built by reading every topic from
 * offset 0, or by resuming from the latest snapshot at the offsets it recorded; queries are
 * answered from the current generation only, so a rebuild never shows a half-built model: the new
 * generation replaces the old one in one step once it has caught up, and then goes on following
 * the topics live. The models live in memory (the embedded database cannot filter and aggregate
 * hundreds of thousands of reports fast enough), except settled reports' timelines, which each
 * generation writes to `analytics_timelines` (and `analytics_timeline_additions`) per Kafka batch
 * (TimelineStore); each switch is
 * recorded in `analytics_generations`.
 * The current generation is snapshotted periodically (model and offsets, SnapshotStore); a
 * snapshot of another schema version, or a corrupt one, is ignored and the service rebuilds from
 * offset 0, which stays the source of truth (`npm run rebuild` forces it).
 */
@Injectable()
export class ReadModels implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReadModels.name);
  /** Each switch: `events` applied in all, `read` by this generation itself (after its snapshot's offsets when it started from one). */
  private readonly generations: Collection<{
    _id: number;
    switchedAt: string;
    events: number;
    read: number;
    reports: number;
    digest: string;
    reason: string;
    snapshotTakenAt: string | null;
  }>;
  private readonly snapshots: SnapshotStore;
  private readonly timelines: TimelineStore;
  private current?: Generation;
  private warming?: Generation;
  private building: Generation | null = null;
  private lastRebuild: RebuildProgress | null = null;
  private snapshotTimer?: NodeJS.Timeout;
  private saving: Promise<unknown> | null = null;
  /** What the last snapshot held: a generation, and how many events it had applied. */
  private snapshotted = { generation: 0, events: -1 };
  private stopped = false;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MONGO_DB) db: Db,
    private readonly warmUp: WarmUp,
    @Inject(SNAPSHOT_INTERVAL) private readonly snapshotIntervalSeconds: number,
  ) {
    this.generations = db.collection('analytics_generations');
    this.snapshots = new SnapshotStore(db);
    this.timelines = new TimelineStore(db);
    // Analytics watches the hand-over from intake to triage because it is neither: it reads both
    // topics whole, so it still counts when triage is down, stalled or dead-lettering.
    scrapedGauge(
      'callcenter_reports_awaiting_triage_case',
      `Reports received ${AWAITING_CASE_AFTER_MS / 1000} s to ${AWAITING_CASE_LOOKBACK_MS / 3_600_000} h ago for which triage has not opened a case`,
      () => (this.current ? reportsAwaitingCase(this.current.model, Date.now()) : undefined),
    );
  }

  /** False while warming up: the controllers answer 503 until then. */
  get ready(): boolean {
    return this.current !== undefined;
  }

  get model(): AnalyticsModel {
    if (!this.current) throw new Error('analytics is warming up');
    return this.current.model;
  }

  get generation(): number {
    return this.current?.number ?? 0;
  }

  /** A report's whole timeline (a closed report's from the database); empty when the report is unknown. */
  timeline(reportId: string) {
    return this.timelines.timeline(this.model, reportId);
  }

  /** Where warming up started from and how far it has read (null once ready). */
  warmingUp(): Record<string, unknown> | null {
    const g = this.warming;
    if (this.current || !g) return this.current ? null : { startedFrom: null };
    return { generation: g.number, startedFrom: g.from ? 'snapshot' : 'offset 0', snapshotTakenAt: g.from?.header.takenAt ?? null, ...g.progress() };
  }

  /**
   * Warms up in the background, so the service listens at once (not ready, API 503) and is ready
   * once the first generation has read the history that existed at start: from the latest usable
   * snapshot when there is one, from offset 0 otherwise.
   */
  onApplicationBootstrap() {
    this.warmUp.status = () => this.warmingUp() ?? {};
    void this.start().catch((e) => {
      // Not ready, and says why on /health/ready; a restart tries again.
      this.warmUp.status = () => ({ failed: (e as Error).message });
      this.logger.error(`analytics could not warm up: ${(e as Error).message}`);
    });
  }

  private async start() {
    const previous = await this.generations.find({}).sort({ _id: -1 }).limit(1).toArray();
    let restored: RestoredSnapshot | undefined;
    if (this.snapshotIntervalSeconds > 0) {
      const latest = await this.snapshots.latest();
      if ('restored' in latest) restored = latest.restored;
      else this.logger.log(`analytics rebuilds from offset 0: ${latest.ignored}`);
    }
    const first = new Generation((previous[0]?._id ?? 0) + 1, this.kafka, this.timelines, restored);
    this.warming = first;
    await first.start();
    await first.complete;
    if (this.stopped) return first.stop();
    this.current = first;
    this.warmUp.ready = true;
    const { done, eventsPerSecond } = first.progress();
    const from = restored ? `snapshot of ${restored.header.takenAt} and ${done} events since` : `${done} events from offset 0`;
    this.logger.log(
      `analytics generation ${first.number} ready in ${Date.now() - first.startedAt} ms: ${from}, ${first.model.facts.size} reports (${eventsPerSecond} events/s)`,
    );
    await this.record(first, restored ? 'snapshot' : 'start');
    if (this.snapshotIntervalSeconds > 0) {
      if (!restored) await this.snapshot();
      this.snapshotTimer = setInterval(() => void this.snapshot(), this.snapshotIntervalSeconds * 1000);
      this.snapshotTimer.unref();
    }
  }

  /**
   * Saves the current generation with the offsets it includes, unless nothing changed since the
   * last one. The model is captured in one synchronous step, so the offsets match it exactly.
   */
  async snapshot(): Promise<void> {
    const g = this.current;
    if (!g || this.saving || this.stopped) return;
    if (g.number === this.snapshotted.generation && g.model.eventsApplied === this.snapshotted.events) return;
    const eventsApplied = g.model.eventsApplied;
    const started = Date.now();
    // Captured in this tick (model and offsets together), encoded and written while events go on applying.
    const captured = captureModel(g.model, { generation: g.number, takenAt: new Date().toISOString(), offsets: g.offsets() });
    this.saving = this.snapshots
      .save(captured)
      .then((h) => {
        this.snapshotted = { generation: g.number, events: eventsApplied };
        this.logger.log(
          `analytics snapshot of generation ${h.generation}: ${h.eventsApplied} events, ${h.reports} reports, ${h.chunks} chunks in ${Date.now() - started} ms`,
        );
      })
      .catch((e) => this.logger.error(`analytics snapshot failed (the next one tries again): ${(e as Error).message}`))
      .finally(() => (this.saving = null));
    await this.saving;
  }

  async onModuleDestroy() {
    this.stopped = true;
    clearInterval(this.snapshotTimer);
    await this.saving;
    await this.warming?.stop();
    await this.building?.stop();
    await this.current?.stop();
  }

  /** Starts a rebuild into a new generation; queries stay on the current one until it has caught up. */
  rebuild(): RebuildProgress {
    if (this.building) throw new IllegalState('REBUILD_RUNNING', `generation ${this.building.number} is being built`, this.progress());
    const next = new Generation(this.generation + 1, this.kafka, this.timelines);
    this.building = next;
    this.lastRebuild = null;
    void (async () => {
      try {
        await next.start();
        await next.complete;
        const old = this.current;
        this.current = next; // the switch: one assignment, so a query sees one generation or the other
        await old?.stop();
        const { digest } = await this.record(next, 'rebuild');
        this.lastRebuild = this.snapshotOf(next, 'SWITCHED', null);
        this.logger.log(`rebuilt generation ${next.number}: ${next.progress().done} events, digest ${digest.slice(0, 12)}`);
        // The next start resumes from what the rebuild found, not from an older generation's snapshot.
        if (this.snapshotIntervalSeconds > 0) await this.snapshot();
      } catch (e) {
        await next.stop().catch(() => undefined);
        this.lastRebuild = this.snapshotOf(next, 'FAILED', (e as Error).message);
        this.logger.error(`rebuild of generation ${next.number} failed: ${(e as Error).message}`);
      } finally {
        this.building = null;
      }
    })();
    return this.snapshotOf(next, 'RUNNING', null);
  }

  progress(): RebuildProgress | null {
    return this.building ? this.snapshotOf(this.building, 'RUNNING', null) : this.lastRebuild;
  }

  private snapshotOf(g: Generation, state: RebuildProgress['state'], error: string | null): RebuildProgress {
    return {
      generation: g.number,
      state,
      ...g.progress(),
      startedAt: new Date(g.startedAt).toISOString(),
      finishedAt: state === 'RUNNING' ? null : new Date().toISOString(),
      error,
    };
  }

  /** The generation's record: what it had applied, and the digest of its model at that moment (taken in the same tick). */
  private async record(g: Generation, reason: string) {
    const [switchedAt, events, read, reports] = [new Date().toISOString(), g.model.eventsApplied, g.read, g.model.facts.size];
    const doc = { switchedAt, events, read, reports, digest: await g.model.digest(), reason, snapshotTakenAt: g.from?.header.takenAt ?? null };
    await this.generations.replaceOne({ _id: g.number }, doc, { upsert: true });
    return doc;
  }
}
