import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Collection, Db } from 'mongodb';
import { IllegalState } from '@callcenter/contracts';
import { dispatchEvents, EventRegistry, intakeEvents, TopicTail, TOPICS, triageEvents, whileBrokerSettles } from '@callcenter/events';
import { KAFKA, kafkaLogger, MONGO_DB, scrapedGauge } from '@callcenter/platform';
import { AnalyticsModel } from './analytics-model';

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
    if (!f.receivedAt || f.suggestedPriority !== null) continue;
    const age = now - Date.parse(f.receivedAt);
    if (age >= AWAITING_CASE_AFTER_MS && age <= AWAITING_CASE_LOOKBACK_MS) count++;
  }
  return count;
}

/** One generation: a model, the tail that feeds it, and how far it must read to be complete. */
class Generation {
  readonly model = new AnalyticsModel();
  private tail?: TopicTail;
  private readonly reached = new Map<string, bigint>();
  private targets = new Map<string, bigint>();
  private caughtUp!: () => void;
  readonly complete = new Promise<void>((resolve) => (this.caughtUp = resolve));
  readonly startedAt = Date.now();
  total = 0;
  read = 0;

  constructor(readonly number: number, private readonly kafka: Kafka) {}

  /** Reads every topic from its first offset; `complete` resolves once the end offsets seen now are reached. */
  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (const topic of ALL_TOPICS) {
        for (const p of await whileBrokerSettles(() => admin.fetchTopicOffsets(topic))) {
          const [low, high] = [BigInt(p.low), BigInt(p.high)];
          if (high > low) {
            this.targets.set(`${topic}/${p.partition}`, high - 1n);
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
      since: 'earliest',
      registry: new EventRegistry([...intakeEvents, ...triageEvents, ...dispatchEvents]),
      groupPrefix: `analytics-g${this.number}`,
      logger: kafkaLogger(`AnalyticsGeneration${this.number}`),
      handle: (events, position) => {
        for (const event of events) this.model.apply(event);
        this.read += events.length;
        this.reached.set(`${position.topic}/${position.partition}`, BigInt(position.offset));
        this.checkCaughtUp();
      },
    });
    await this.tail.start();
  }

  private checkCaughtUp() {
    if (this.targets.size === 0) return this.caughtUp();
    for (const [tp, target] of this.targets) if ((this.reached.get(tp) ?? -1n) < target) return;
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
  }
}

/**
 * Analytics' read models and their generations. A generation is built by reading every topic from
 * offset 0; queries are answered from the current generation only, so a rebuild never shows a
 * half-built model: the new generation replaces the old one in one step once it has caught up,
 * and then goes on following the topics live. The models live in memory (the embedded database
 * cannot filter and aggregate hundreds of thousands of reports fast enough); each switch is
 * recorded in `analytics_generations`.
 */
@Injectable()
export class ReadModels implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReadModels.name);
  private readonly generations: Collection<{ _id: number; switchedAt: string; events: number; reports: number; digest: string; reason: string }>;
  private current!: Generation;
  private building: Generation | null = null;
  private lastRebuild: RebuildProgress | null = null;

  constructor(@Inject(KAFKA) private readonly kafka: Kafka, @Inject(MONGO_DB) db: Db) {
    this.generations = db.collection('analytics_generations');
    // Analytics watches the hand-over from intake to triage because it is neither: it reads both
    // topics whole, so it still counts when triage is down, stalled or dead-lettering.
    scrapedGauge(
      'callcenter_reports_awaiting_triage_case',
      `Reports received ${AWAITING_CASE_AFTER_MS / 1000} s to ${AWAITING_CASE_LOOKBACK_MS / 3_600_000} h ago for which triage has not opened a case`,
      () => (this.current ? reportsAwaitingCase(this.current.model, Date.now()) : undefined),
    );
  }

  get model(): AnalyticsModel {
    return this.current.model;
  }

  get generation(): number {
    return this.current.number;
  }

  /** The service is ready once the first generation has read the history that existed at start. */
  async onApplicationBootstrap() {
    const previous = await this.generations.find({}).sort({ _id: -1 }).limit(1).toArray();
    const first = new Generation((previous[0]?._id ?? 0) + 1, this.kafka);
    await first.start();
    await first.complete;
    this.current = first;
    await this.record(first, 'start');
    const { done, eventsPerSecond } = first.progress();
    this.logger.log(`analytics generation ${first.number} ready: ${done} events, ${first.model.facts.size} reports (${eventsPerSecond} events/s)`);
  }

  async onModuleDestroy() {
    await this.building?.stop();
    await this.current?.stop();
  }

  /** Starts a rebuild into a new generation; queries stay on the current one until it has caught up. */
  rebuild(): RebuildProgress {
    if (this.building) throw new IllegalState('REBUILD_RUNNING', `generation ${this.building.number} is being built`, this.progress());
    const next = new Generation(this.current.number + 1, this.kafka);
    this.building = next;
    this.lastRebuild = null;
    void (async () => {
      try {
        await next.start();
        await next.complete;
        const old = this.current;
        this.current = next; // the switch: one assignment, so a query sees one generation or the other
        await old.stop();
        await this.record(next, 'rebuild');
        this.lastRebuild = this.snapshotOf(next, 'SWITCHED', null);
        this.logger.log(`rebuilt generation ${next.number}: ${next.progress().done} events, digest ${next.model.digest().slice(0, 12)}`);
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

  private async record(g: Generation, reason: string) {
    const doc = { switchedAt: new Date().toISOString(), events: g.model.eventsApplied, reports: g.model.facts.size, digest: g.model.digest(), reason };
    await this.generations.replaceOne({ _id: g.number }, doc, { upsert: true });
  }
}
