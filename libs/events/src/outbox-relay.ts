import { randomUUID } from 'node:crypto';
import { Collection, Db } from 'mongodb';
import type { Producer, TopicMessages } from 'kafkajs';
import { toKafkaMessage } from './codec';
import { MongoEventStore, StreamDocument, isDuplicateKey } from './event-store';

export interface RelayLogger {
  log(message: string, context?: unknown): void;
  warn(message: string, context?: unknown): void;
  error(message: string, context?: unknown): void;
}

export interface OutboxRelayOptions {
  /** Streams read per round. */
  batchSize?: number;
  /** How often to look for unpublished events when nothing in this process woke the relay. */
  pollIntervalMs?: number;
  /** Only one relay per store publishes; the lease moves to another instance when it lapses. */
  leaseMs?: number;
  logger?: RelayLogger;
  /** Called after each published batch (metrics, benchmarks). */
  onPublished?: (count: number) => void;
}

interface LeaseDocument {
  _id: string;
  owner: string;
  expiresAt: Date;
}

const silent: RelayLogger = { log() {}, warn() {}, error() {} };

/**
 * Publishes what the event store appended to Kafka, at least once and in stream order.
 *
 * A stream is marked published only after Kafka acknowledged its events, so a crash or a
 * broker outage between append and publish loses nothing: the next round (or the next
 * process) publishes them again, and consumers drop the duplicates by stream version.
 * The producer must be idempotent with one request in flight so a retry cannot reorder.
 */
export class OutboxRelay {
  private readonly leases: Collection<LeaseDocument>;
  private readonly owner = randomUUID();
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly logger: RelayLogger;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private woken = false;
  private unsubscribe?: () => void;

  constructor(
    private readonly store: MongoEventStore,
    private readonly producer: Producer,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.leases = (store.db as Db).collection<LeaseDocument>('outbox_relay_lease');
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.leaseMs = options.leaseMs ?? 10_000;
    this.logger = options.logger ?? silent;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.store.onAppended(() => this.notify());
    this.loop = this.run();
  }

  /** Finishes the batch in flight, then returns; the lease is released for another instance. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    this.notify();
    await this.loop;
    await this.leases.deleteOne({ _id: this.store.streams.collectionName, owner: this.owner }).catch(() => undefined);
  }

  notify(): void {
    this.woken = true;
    this.wake?.();
  }

  /** One round: publish up to batchSize pending streams. Returns how many events went out. */
  async publishPending(): Promise<number> {
    const docs = await this.store.streams.find({ pending: true }).limit(this.batchSize).toArray();
    if (docs.length === 0) return 0;

    const byTopic = new Map<string, TopicMessages>();
    let count = 0;
    for (const doc of docs) {
      const unpublished = doc.events.filter((e) => e.streamVersion > doc.publishedVersion);
      if (unpublished.length === 0) continue;
      let entry = byTopic.get(doc.topic);
      if (!entry) byTopic.set(doc.topic, (entry = { topic: doc.topic, messages: [] }));
      // Events of one stream stay in version order; the key keeps them in one partition.
      unpublished.sort((a, b) => a.streamVersion - b.streamVersion);
      for (const e of unpublished) entry.messages.push(toKafkaMessage(e));
      count += unpublished.length;
    }
    if (count > 0) await this.producer.sendBatch({ topicMessages: [...byTopic.values()], acks: -1 });
    await this.markPublished(docs);
    this.options.onPublished?.(count);
    return count;
  }

  private async markPublished(docs: StreamDocument[]): Promise<void> {
    // If the stream grew meanwhile, the version guard fails and `pending` stays for the next round.
    await this.store.streams.bulkWrite(
      docs.flatMap((doc) => [
        {
          updateOne: {
            filter: { _id: doc._id, version: doc.version },
            update: { $set: { publishedVersion: doc.version }, $unset: { pending: '' } },
          },
        },
        {
          updateOne: {
            filter: { _id: doc._id, publishedVersion: { $lt: doc.version } },
            update: { $set: { publishedVersion: doc.version } },
          },
        },
      ]),
      { ordered: true },
    );
  }

  private async holdLease(): Promise<boolean> {
    const _id = this.store.streams.collectionName;
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.leaseMs);
    const renewed = await this.leases.updateOne(
      { _id, $or: [{ owner: this.owner }, { expiresAt: { $lt: now } }] },
      { $set: { owner: this.owner, expiresAt } },
    );
    if (renewed.matchedCount === 1) return true;
    try {
      await this.leases.insertOne({ _id, owner: this.owner, expiresAt });
      return true;
    } catch (e) {
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    let leaseCheckedAt = 0;
    let leader = false;
    while (this.running) {
      let published = 0;
      try {
        if (Date.now() - leaseCheckedAt > this.leaseMs / 3) {
          leader = await this.holdLease();
          leaseCheckedAt = Date.now();
        }
        if (leader) published = await this.publishPending();
        if (failures > 0) this.logger.log(`outbox relay recovered after ${failures} failed rounds`);
        failures = 0;
      } catch (e) {
        failures++;
        this.logger.warn(`outbox relay round failed (${failures} in a row); retrying`, { error: String(e) });
      }
      if (!this.running) break;
      // A full batch means more is waiting: go again at once. Otherwise sleep until woken or polled.
      if (published >= this.batchSize && failures === 0) continue;
      const delay = failures > 0 ? Math.min(5_000, 100 * 2 ** Math.min(failures, 6)) : this.pollIntervalMs;
      // While Kafka is failing, new appends must not turn the back-off into a busy loop.
      await this.sleep(delay, failures === 0);
    }
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (!wakeable) return new Promise((resolve) => setTimeout(resolve, ms));
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        this.woken = false;
        done();
      };
    });
  }
}
