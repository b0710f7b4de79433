import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import { fromKafkaMessage, headerString, HEADERS } from './codec';
import { EventEnvelope } from './envelope';
import { assertValidEvent, InvalidEvent } from './event-checks';
import { EventRegistry } from './event-registry';
import { DEAD_LETTER_REASONS, deadLetterMessage, deadLetterRetentionMs, DeadLetterReason, ensureDeadLetterTopic, recordDeadLetter } from './dead-letters';
import { consumerMetrics } from './metrics';
import { assertTopicOwner, ForeignProducer } from './ownership';
import { deadLetterTopic, TOPIC_OWNERS } from './topics';
import { ensureTopics, KafkaLogger } from './kafka';

export interface MessageContext {
  topic: string;
  partition: number;
  offset: string;
}

export type EventHandler = (event: EventEnvelope, context: MessageContext) => Promise<void>;

export interface EventConsumerOptions {
  kafka: Kafka;
  /** One consumer group per service (and read model); instances of a service share its partitions. */
  groupId: string;
  topics: string[];
  handle: EventHandler;
  registry?: EventRegistry;
  /** Attempts per message before it goes to the dead-letter topic. */
  maxAttempts?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Partitions handled in parallel; messages of one partition are always handled in order. */
  partitionsConcurrently?: number;
  /**
   * Within a partition, handle up to this many messages at once when their keys (streams) differ;
   * messages of one stream stay in order. For handlers whose writes per stream are independent,
   * so the database's group commit gets work to group. Default 1: strictly one at a time.
   */
  streamsConcurrently?: number;
  logger?: KafkaLogger;
  sessionTimeoutMs?: number;
  onDeadLetter?: (event: { topic: string; offset: string; error: string }) => void;
  /** Topic → the only `producer` its events may name (default: the catalogue's TOPIC_OWNERS). */
  topicOwners?: Readonly<Record<string, string>>;
  /** How often the group's lag is sampled into `callcenter_consumer_lag` (0: never). Default 15 s. */
  lagIntervalMs?: number;
  /** retention.ms of the group's dead-letter topic (default: deadLetterRetentionMs(), 30 days). */
  deadLetterRetentionMs?: number;
}

const HEARTBEAT_INTERVAL_MS = 1_000;

const silent: KafkaLogger = { log() {}, warn() {}, error() {} };

/**
 * Consumes events for one consumer group with at-least-once delivery:
 * - offsets are resolved only after the handler succeeded, and only resolved offsets are committed;
 * - a failing handler is retried with exponential back-off, then the message is parked on the
 *   group's dead-letter topic with the error, and the partition moves on (never stalls, never drops);
 * - a message that is not an event envelope goes to the dead-letter topic at once.
 * Handlers must be idempotent (see projection.ts): a redelivered event must change nothing.
 */
export class EventConsumer {
  private consumer?: Consumer;
  private producer?: Producer;
  private lagAdmin?: Admin;
  private lagTimer?: NodeJS.Timeout;
  private readonly logger: KafkaLogger;
  readonly deadLetterTopic: string;

  constructor(private readonly options: EventConsumerOptions) {
    this.logger = options.logger ?? silent;
    this.deadLetterTopic = deadLetterTopic(options.groupId);
  }

  async start(): Promise<void> {
    const { kafka, groupId, topics } = this.options;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, topics.map((topic) => ({ topic })));
      await ensureDeadLetterTopic(admin, this.deadLetterTopic, this.options.deadLetterRetentionMs ?? deadLetterRetentionMs());
    } finally {
      await admin.disconnect();
    }
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.producer.connect();
    this.consumer = kafka.consumer({
      groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 15_000,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      allowAutoTopicCreation: false,
      retry: { retries: 10 },
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: true,
      autoCommitInterval: 500,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 3,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    // Every series an alert watches exists from the start at 0, so its first increase is seen.
    for (const topic of topics) for (const reason of DEAD_LETTER_REASONS) consumerMetrics.deadLettered.inc({ group: groupId, topic, reason }, 0);
    const every = this.options.lagIntervalMs ?? 15_000;
    if (every > 0) {
      this.lagAdmin = kafka.admin();
      await this.lagAdmin.connect();
      this.lagTimer = setInterval(() => void this.sampleLag().catch(() => undefined), every);
      this.lagTimer.unref();
      void this.sampleLag().catch(() => undefined);
    }
  }

  /**
   * The group's committed lag per topic (end offset minus committed offset, over partitions), so an
   * alert sees a consumer that stalls, crash-loops or falls behind. Every member reports the same
   * group-wide figure; Prometheus takes the max.
   */
  async sampleLag(): Promise<Map<string, number>> {
    const admin = this.lagAdmin;
    const result = new Map<string, number>();
    if (!admin) return result;
    const { groupId, topics } = this.options;
    const committed = await admin.fetchOffsets({ groupId, topics });
    for (const { topic, partitions } of committed) {
      const ends = await admin.fetchTopicOffsets(topic);
      const at = new Map(partitions.map((p) => [p.partition, Number(p.offset)]));
      let lag = 0;
      for (const p of ends) {
        const c = at.get(p.partition) ?? -1;
        lag += Math.max(0, Number(p.high) - (c >= 0 ? c : Number(p.low)));
      }
      consumerMetrics.lag.set({ group: groupId, topic }, lag);
      result.set(topic, lag);
    }
    return result;
  }

  /** Stops fetching, lets the batch in flight finish and commits what was handled. */
  async stop(): Promise<void> {
    clearInterval(this.lagTimer);
    await this.lagAdmin?.disconnect().catch(() => undefined);
    this.lagAdmin = undefined;
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    this.consumer = undefined;
    this.producer = undefined;
  }

  private async handleBatch(payload: EachBatchPayload) {
    // kafkajs heartbeats only between fetches and when asked: while a handler waits out a database
    // outage (retries, or one call blocked up to the driver's server-selection timeout), keep the
    // membership alive, or the broker evicts every member after the session timeout, rebalances
    // again and again and redelivers what was handled but not yet committed.
    const beat = setInterval(() => void payload.heartbeat().catch(() => undefined), HEARTBEAT_INTERVAL_MS);
    try {
      await this.handleMessages(payload);
    } finally {
      clearInterval(beat);
    }
  }

  private async handleMessages({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload) {
    const width = Math.max(1, this.options.streamsConcurrently ?? 1);
    for (let start = 0; start < batch.messages.length; start += width) {
      if (!isRunning() || isStale()) break;
      const chunk = batch.messages.slice(start, start + width);
      if (chunk.length === 1) {
        await this.handleMessage(batch.topic, batch.partition, chunk[0]);
      } else {
        // One chain per stream, in offset order; the chunk's offsets are resolved only when all are done.
        const byStream = new Map<string, KafkaMessage[]>();
        for (const m of chunk) {
          const key = m.key?.toString() ?? '';
          byStream.set(key, [...(byStream.get(key) ?? []), m]);
        }
        await Promise.all(
          [...byStream.values()].map(async (messages) => {
            for (const m of messages) await this.handleMessage(batch.topic, batch.partition, m);
          }),
        );
      }
      resolveOffset(chunk[chunk.length - 1].offset);
      await heartbeat();
    }
    await commitOffsetsIfNecessary();
  }

  private async handleMessage(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    const context = { topic, partition, offset: message.offset };
    let event: EventEnvelope;
    try {
      event = fromKafkaMessage(message);
      assertTopicOwner(topic, event, headerString(message.headers, HEADERS.producer), this.options.topicOwners ?? TOPIC_OWNERS);
      if (this.options.registry) event = this.options.registry.upcast(event);
      assertValidEvent(event);
    } catch (e) {
      await this.deadLetter(context, message, e, 1, e instanceof ForeignProducer ? 'foreign-producer' : e instanceof InvalidEvent ? 'invalid' : 'undecodable');
      return;
    }
    const maxAttempts = this.options.maxAttempts ?? 5;
    let backoff = this.options.initialBackoffMs ?? 100;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.handle(event, context);
        return;
      } catch (e) {
        // The database or broker being away is not the event's fault: wait for it rather than
        // dead-letter events that would have been handled a few seconds later.
        if (isTransient(e)) {
          if (!this.consumer) throw e; // stopping: leave the offset unresolved; it is redelivered
          attempt = Math.min(attempt, maxAttempts - 1);
        }
        if (attempt >= maxAttempts) {
          await this.deadLetter(context, message, e, attempt, 'handler-failed');
          return;
        }
        this.logger.warn(`handler failed for ${event.type} ${event.streamId}@${event.streamVersion}; retrying`, {
          attempt,
          error: String(e),
        });
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, this.options.maxBackoffMs ?? 5_000);
      }
    }
  }

  /** If the dead-letter write fails, this throws: the offset is not resolved and the batch is retried. */
  private async deadLetter(context: MessageContext, message: KafkaMessage, error: unknown, attempts: number, reason: DeadLetterReason) {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const group = this.options.groupId;
    await this.producer!.send({
      topic: this.deadLetterTopic,
      acks: -1,
      messages: [deadLetterMessage(message, context, { error: text, attempts, group, reason })],
    });
    recordDeadLetter(this.logger, { group, ...context }, message, { reason, error: text, attempts });
    this.options.onDeadLetter?.({ topic: context.topic, offset: context.offset, error: text });
  }
}

/** Failures of the infrastructure rather than of the event: a lost connection, a server that is away. */
export function isTransient(error: unknown): boolean {
  const e = error as { name?: string; code?: unknown; errorLabels?: unknown; retriable?: boolean };
  if (!e) return false;
  if (typeof e.name === 'string' && /^Mongo(Network|NetworkTimeout|ServerSelection|NotConnected|TopologyClosed|PoolClosed|PoolCleared|WaitQueueTimeout|ServerClosed)Error$/.test(e.name)) return true;
  if (Array.isArray(e.errorLabels) && e.errorLabels.some((l) => ['RetryableWriteError', 'ResetPool', 'TransientTransactionError', 'NoWritesPerformed'].includes(l))) return true;
  if (e.retriable === true) return true; // kafkajs
  return typeof e.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(e.code);
}
