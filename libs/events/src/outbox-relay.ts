import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Collection } from 'mongodb';
import type { Producer, TopicMessages } from 'kafkajs';
import { toKafkaMessage } from './codec';
import { CommitDocument, isDuplicateKey, MongoEventStore } from './event-store';
import { backoffDelay } from './retry';

export interface RelayLogger {
  log(message: string, context?: unknown): void;
  warn(message: string, context?: unknown): void;
  error(message: string, context?: unknown): void;
}

export interface OutboxRelayOptions {
  /** Commits published per Kafka request. */
  batchSize?: number;
  /** How often the lease holder looks for commits nobody published (crashed or other instances). */
  recoveryIntervalMs?: number;
  /** The recovery scan runs on one instance per store; the lease moves when it lapses. */
  leaseMs?: number;
  /** Commits waiting in memory; past this the recovery scan picks them up instead. */
  maxQueued?: number;
  logger?: RelayLogger;
  /** Called after each published round, with where its time went (metrics, benchmarks). */
  onRound?: (round: RelayRound) => void;
  /** Called after each recovery scan: the commits it queued and how long it read (ms). */
  onRecovered?: (found: number, scanMs: number) => void;
  /**
   * `false`: the relay does not listen to the store itself; whoever runs it hands it each commit
   * through `appended` (a Nest service from its EventBus, libs/platform). Default true.
   */
  followAppends?: boolean;
}

/**
 * One publishing round: its commits in the order sent (unpublished predecessors first), their
 * events, and when (epoch ms) it began, sent to Kafka (the predecessors looked up), had Kafka's
 * acknowledgement, and had marked them published in the store.
 */
export interface RelayRound {
  commits: readonly CommitDocument[];
  events: number;
  startedAt: number;
  sentAt: number;
  ackedAt: number;
  markedAt: number;
}

/** Wall-clock milliseconds at sub-millisecond resolution. */
const nowMs = () => performance.timeOrigin + performance.now();

interface LeaseDocument {
  _id: string;
  owner: string;
  expiresAt: Date;
}

const silent: RelayLogger = { log() {}, warn() {}, error() {} };

/**
 * Publishes what the event store appended to Kafka, at least once and in stream order.
 *
 * - Commits appended in this process are queued at once and published in the next round.
 * - A commit is marked published only after Kafka acknowledged it, so a crash or a broker outage
 *   between append and publish loses nothing: the commit stays unpublished in the store and the
 *   recovery scan (at start and every `recoveryIntervalMs`) queues it again.
 * - Before a commit goes out, any unpublished commit before it in its stream goes first, in the
 *   same request; the producer is idempotent with one request in flight, so a partition never
 *   sees a stream's versions out of order. Duplicates are possible; consumers drop them by version.
 */
export class OutboxRelay {
  private readonly leases: Collection<LeaseDocument>;
  private readonly owner = randomUUID();
  private readonly batchSize: number;
  private readonly recoveryIntervalMs: number;
  private readonly leaseMs: number;
  private readonly maxQueued: number;
  private readonly logger: RelayLogger;
  private readonly queue: CommitDocument[] = [];
  private readonly queued = new Set<string>();
  /** Recently published commit ids, so the predecessor check rarely needs a lookup. */
  private readonly published = new Set<string>();
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private recoverySoon = true;
  private recovering?: Promise<void>;
  private unsubscribe?: () => void;

  constructor(
    private readonly store: MongoEventStore,
    private readonly producer: Producer,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.leases = store.db.collection<LeaseDocument>('outbox_relay_lease');
    this.batchSize = options.batchSize ?? 500;
    this.recoveryIntervalMs = options.recoveryIntervalMs ?? 10_000;
    this.leaseMs = options.leaseMs ?? 15_000;
    this.maxQueued = options.maxQueued ?? 100_000;
    this.logger = options.logger ?? silent;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.options.followAppends !== false) this.unsubscribe = this.store.onAppended((commit) => this.enqueue(commit));
    this.loop = this.run();
  }

  /** Finishes the round in flight, then returns. Unpublished commits stay flagged in the store. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    this.wake?.();
    await this.loop;
    await this.recovering;
    await this.leases.deleteOne({ _id: this.store.commits.collectionName, owner: this.owner }).catch(() => undefined);
  }

  /** Looks for unpublished commits in the store and queues them (the lease holder does this). */
  async recover(): Promise<number> {
    const startedAt = nowMs();
    let found = 0;
    for await (const commit of this.store.commits.find({ published: false })) {
      if (this.queue.length >= this.maxQueued) break;
      if (this.enqueue(commit, false)) found++;
    }
    const scanMs = nowMs() - startedAt;
    this.report(() => this.options.onRecovered?.(found, scanMs));
    return found;
  }

  /** One round: publishes up to batchSize queued commits (and any unpublished predecessors). */
  async publishQueued(): Promise<number> {
    const batch = this.queue.splice(0, this.batchSize);
    if (batch.length === 0) return 0;
    const startedAt = nowMs();
    let round: RelayRound;
    try {
      const ordered = await this.withPredecessors(batch);
      const byTopic = new Map<string, TopicMessages>();
      let count = 0;
      for (const commit of ordered) {
        let entry = byTopic.get(commit.topic);
        if (!entry) byTopic.set(commit.topic, (entry = { topic: commit.topic, messages: [] }));
        for (const e of commit.events) entry.messages.push(toKafkaMessage(e));
        count += commit.events.length;
      }
      const sentAt = nowMs();
      await this.producer.sendBatch({ topicMessages: [...byTopic.values()], acks: -1 });
      const ackedAt = nowMs();
      await this.store.commits.bulkWrite(
        ordered.map((c) => ({ updateOne: { filter: { _id: c._id }, update: { $set: { published: true } } } })),
        { ordered: false },
      );
      for (const c of ordered) this.remember(c._id);
      for (const c of batch) this.queued.delete(c._id);
      round = { commits: ordered, events: count, startedAt, sentAt, ackedAt, markedAt: nowMs() };
    } catch (e) {
      this.queue.unshift(...batch); // keep them, in order, for the next try
      throw e;
    }
    this.report(() => this.options.onRound?.(round));
    return round.events;
  }

  /** A metrics callback that throws must not fail a round that is done: said, and passed over. */
  private report(callback: () => void): void {
    try {
      callback();
    } catch (e) {
      this.logger.warn('outbox relay: a metrics callback failed', { error: String(e) });
    }
  }

  /** A commit this process appended: published in the next round (ignored while the relay is stopped). */
  appended(commit: CommitDocument): void {
    if (this.running) this.enqueue(commit);
  }

  private enqueue(commit: CommitDocument, wake = true): boolean {
    if (this.queued.has(commit._id) || this.published.has(commit._id)) return false;
    if (this.queue.length >= this.maxQueued) {
      this.recoverySoon = true; // it stays unpublished in the store; the scan will find it
      return false;
    }
    this.queue.push(commit);
    this.queued.add(commit._id);
    if (wake) this.wake?.();
    return true;
  }

  /**
   * The batch in publishable order: each commit comes after every unpublished earlier commit of its
   * stream, because its chain is walked back and placed oldest first (or was placed already).
   */
  private async withPredecessors(batch: CommitDocument[]): Promise<CommitDocument[]> {
    const inBatch = new Map(batch.map((c) => [c._id, c]));
    const result: CommitDocument[] = [];
    const placed = new Set<string>();
    for (const commit of batch) {
      const chain: CommitDocument[] = [];
      let current: CommitDocument | null = commit;
      while (current && !placed.has(current._id)) {
        chain.unshift(current);
        const previousId: string | null = current.previous;
        if (!previousId || this.published.has(previousId) || placed.has(previousId)) break;
        current = inBatch.get(previousId) ?? (await this.store.commits.findOne({ _id: previousId }));
        if (current?.published) break;
      }
      for (const c of chain) {
        if (!placed.has(c._id)) {
          placed.add(c._id);
          result.push(c);
        }
      }
    }
    return result;
  }

  private remember(id: string): void {
    this.published.add(id);
    if (this.published.size > 50_000) this.published.delete(this.published.values().next().value!);
  }

  private async holdLease(): Promise<boolean> {
    const _id = this.store.commits.collectionName;
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.leaseMs);
    const current = await this.leases.findOne({ _id });
    if (current && current.owner !== this.owner && current.expiresAt > now) return false;
    if (!current) {
      try {
        await this.leases.insertOne({ _id, owner: this.owner, expiresAt });
        return true;
      } catch (e) {
        if (isDuplicateKey(e)) return false;
        throw e;
      }
    }
    // Taking over a lapsed lease can race with another instance; the cost is one duplicate scan.
    await this.leases.updateOne({ _id }, { $set: { owner: this.owner, expiresAt } });
    return true;
  }

  private async run(): Promise<void> {
    let failures = 0;
    let lastRecovery = 0;
    while (this.running) {
      let published = 0;
      if (!this.recovering && (this.recoverySoon || Date.now() - lastRecovery >= this.recoveryIntervalMs)) {
        lastRecovery = Date.now();
        this.recoverySoon = false;
        this.recovering = this.recoverBeside().finally(() => (this.recovering = undefined));
      }
      try {
        published = await this.publishQueued();
        if (failures > 0) this.logger.log(`outbox relay recovered after ${failures} failed rounds`);
        failures = 0;
      } catch (e) {
        failures++;
        this.logger.warn(`outbox relay round failed (${failures} in a row); retrying`, { error: String(e) });
      }
      if (!this.running) break;
      if (this.queue.length > 0 && failures === 0 && published > 0) continue;
      const delay = failures > 0 ? backoffDelay(failures, { initialMs: 200, maxMs: 5_000 }) : this.recoveryIntervalMs;
      // While Kafka is failing, new appends must not turn the back-off into a busy loop.
      await this.sleep(delay, failures === 0);
    }
  }

  /**
   * The recovery scan reads the whole store, so it runs beside the publishing rounds rather than
   * inside them: commits appended meanwhile go out without waiting for it.
   */
  private async recoverBeside(): Promise<void> {
    try {
      if (!(await this.holdLease())) return;
      const found = await this.recover();
      if (found > 0) {
        this.logger.log(`outbox relay found ${found} unpublished commits`);
        this.wake?.();
      }
    } catch (e) {
      this.logger.warn('outbox relay recovery scan failed; it runs again next interval', { error: String(e) });
    }
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (wakeable && this.queue.length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = wakeable ? done : () => (this.running ? undefined : done());
    });
  }
}
