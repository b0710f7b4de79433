import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { fromKafkaMessage, headerString, HEADERS } from './codec';
import { EventEnvelope } from './envelope';
import { assertValidEvent, InvalidEvent } from './event-checks';
import { EventRegistry } from './event-registry';
import { DEAD_LETTER_REASONS, deadLetterMessage, deadLetterRetentionMs, DeadLetterReason, ensureDeadLetterTopic, recordDeadLetter } from './dead-letters';
import { consumerMetrics } from './metrics';
import { assertTopicOwner, ForeignProducer } from './ownership';
import { deadLetterTopic, TOPIC_OWNERS } from './topics';
import { ensureTopics, KafkaLogger } from './kafka';
import { backoffDelay } from './retry';

export interface MessageContext {
  topic: string;
  partition: number;
  offset: string;
}

export type EventHandler = (event: EventEnvelope, context: MessageContext) => Promise<void>;

/** The events of one fetched batch of one partition, in offset order (refused messages already parked). */
export type EventBatchHandler = (events: { event: EventEnvelope; context: MessageContext }[]) => Promise<void>;

export interface EventConsumerOptions {
  kafka: Kafka;
  /** One consumer group per service (and read model); instances of a service share its partitions. */
  groupId: string;
  topics: string[];
  handle: EventHandler;
  /**
   * Handles a fetched batch at once (one database round trip for many events). If it throws, the
   * batch's events go one by one through `handle`, with its retries and dead-lettering; both must
   * be idempotent, so what the batch applied before it threw is recognised. Per-stream order is
   * the batch handler's to keep (the events come in offset order).
   */
  handleBatch?: EventBatchHandler;
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
  /**
   * How often the offsets of handled events are committed (default 1 s). kafkajs's auto-commit
   * commits after every batch and fetches again only once the broker answered, a round trip on
   * every hop; committing on a timer takes it off the path. A crash redelivers at most this much
   * (handlers are idempotent); a stop commits everything handled.
   */
  commitIntervalMs?: number;
  /** Called after each offset commit (tests, metrics). */
  onCommit?: (offsets: { topic: string; partition: number; offset: string }[]) => void;
}

interface Delivery {
  event: EventEnvelope;
  context: MessageContext;
  message: KafkaMessage;
}

type Committer = (offsets: { topics: { topic: string; partitions: { partition: number; offset: string }[] }[] }) => Promise<unknown>;

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
  private commitTimer?: NodeJS.Timeout;
  private readonly logger: KafkaLogger;
  readonly deadLetterTopic: string;
  /** "topic/partition" → the next offset to read, for every handled event not yet committed. */
  private readonly handled = new Map<string, { topic: string; partition: number; offset: string }>();
  private readonly committed = new Map<string, string>();
  private assignment = new Set<string>();
  private committing: Promise<void> = Promise.resolve();
  private commitInFlight = false;
  private stopping = false;

  constructor(private readonly options: EventConsumerOptions) {
    this.logger = options.logger ?? silent;
    this.deadLetterTopic = deadLetterTopic(options.groupId);
  }

  async start(): Promise<void> {
    const { kafka, groupId, topics } = this.options;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(
        admin,
        topics.map((topic) => ({ topic })),
      );
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
    // Only partitions this member holds are committed: a batch of a partition lost in a rebalance
    // that finishes later must not move the new owner's offset.
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.assignment = new Set(Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((p) => `${topic}/${p}`)));
      for (const key of this.handled.keys()) if (!this.assignment.has(key)) this.handled.delete(key);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    this.stopping = false;
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 3,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    const consumer = this.consumer;
    this.commitTimer = setInterval(() => {
      if (this.commitInFlight) return;
      void this.commitHandled(committerOf(consumer)).catch((e) =>
        this.logger.warn('offset commit failed; the next one carries these offsets too', { error: String(e) }),
      );
    }, this.options.commitIntervalMs ?? 1_000);
    this.commitTimer.unref();
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
    clearInterval(this.commitTimer);
    await this.lagAdmin?.disconnect().catch(() => undefined);
    this.lagAdmin = undefined;
    // From here a batch that finishes commits what was handled itself (kafkajs no longer commits
    // for a consumer that is stopping); what finished before is committed now.
    this.stopping = true;
    const consumer = this.consumer;
    if (consumer) {
      await this.commitHandled(committerOf(consumer)).catch((e) =>
        this.logger.warn('offset commit at stop failed; the events since the last commit will be redelivered', { error: String(e) }),
      );
    }
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
    const commit: Committer = (offsets) => payload.commitOffsetsIfNecessary(offsets);
    try {
      await this.handleMessages(payload);
    } catch (e) {
      // A rebalance (or a stop) interrupts the batch: hand over what was handled, if the broker still takes it.
      await this.commitHandled(commit).catch(() => undefined);
      throw e;
    } finally {
      clearInterval(beat);
    }
    if (this.stopping) await this.commitHandled(commit);
  }

  private async handleMessages({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) {
    const { topic, partition } = batch;
    const done = (offset: string) => {
      resolveOffset(offset);
      const key = `${topic}/${partition}`;
      if (this.assignment.has(key)) this.handled.set(key, { topic, partition, offset: String(BigInt(offset) + 1n) });
    };
    if (this.options.handleBatch) {
      if (!isRunning() || isStale() || batch.messages.length === 0) return;
      const events: Delivery[] = [];
      for (const message of batch.messages) {
        const context = { topic, partition, offset: message.offset };
        const event = await this.decode(context, message);
        if (event) events.push({ event, context, message });
      }
      try {
        if (events.length > 0) await this.options.handleBatch(events.map(({ event, context }) => ({ event, context })));
      } catch (e) {
        if (isTransient(e) && (this.stopping || !this.consumer)) throw e; // stopping: nothing resolved, all redelivered
        this.logger.warn(`batch handler failed on ${events.length} events of ${topic}/${partition}; handling them one by one`, { error: String(e) });
        if (!(await this.handleEach(events, heartbeat, isRunning, isStale, done))) return; // the rest is fetched again
      }
      done(batch.messages[batch.messages.length - 1].offset);
      return;
    }
    const events: Delivery[] = [];
    const width = Math.max(1, this.options.streamsConcurrently ?? 1);
    for (let start = 0; start < batch.messages.length; start += width) {
      if (!isRunning() || isStale()) return;
      // Decoded a chunk at a time: a refused message is parked in its turn, not ahead of the batch.
      events.length = 0;
      for (const message of batch.messages.slice(start, start + width)) {
        const context = { topic, partition, offset: message.offset };
        const event = await this.decode(context, message);
        if (event) events.push({ event, context, message });
      }
      if (!(await this.handleEach(events, heartbeat, isRunning, isStale, () => undefined))) return;
      done(batch.messages[Math.min(batch.messages.length, start + width) - 1].offset);
    }
  }

  /**
   * Events one by one, up to `streamsConcurrently` at once when their streams differ; events of one
   * stream in offset order. `done` gets the last offset of each chunk once all of it is handled.
   * False when it stopped early (the consumer stops or the partition was sought elsewhere).
   */
  private async handleEach(
    events: Delivery[],
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
    isStale: () => boolean,
    done: (offset: string) => void,
  ): Promise<boolean> {
    const width = Math.max(1, this.options.streamsConcurrently ?? 1);
    for (let start = 0; start < events.length; start += width) {
      if (!isRunning() || isStale()) return false;
      const chunk = events.slice(start, start + width);
      if (chunk.length === 1) {
        await this.handleEvent(chunk[0]);
      } else {
        // One chain per stream (message key), in offset order.
        const byStream = new Map<string, Delivery[]>();
        for (const item of chunk) {
          const key = item.message.key?.toString() ?? '';
          byStream.set(key, [...(byStream.get(key) ?? []), item]);
        }
        await Promise.all(
          [...byStream.values()].map(async (items) => {
            for (const item of items) await this.handleEvent(item);
          }),
        );
      }
      done(chunk[chunk.length - 1].context.offset);
      await heartbeat();
    }
    return true;
  }

  /**
   * Commits the offsets of handled events not yet committed, one commit at a time so an older offset
   * can never land after a newer one.
   */
  private commitHandled(send: Committer): Promise<void> {
    const run = this.committing.then(async () => {
      const pending = [...this.handled.entries()].filter(([key, at]) => this.committed.get(key) !== at.offset);
      if (pending.length === 0) return;
      const byTopic = new Map<string, { partition: number; offset: string }[]>();
      for (const [, { topic, partition, offset }] of pending) byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partition, offset }]);
      this.commitInFlight = true;
      try {
        await send({ topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) });
      } finally {
        this.commitInFlight = false;
      }
      for (const [key, { offset }] of pending) this.committed.set(key, offset);
      this.options.onCommit?.(pending.map(([, at]) => at));
    });
    this.committing = run.catch(() => undefined);
    return run;
  }

  /** The event in a message, or undefined when the message was refused (parked on the dead-letter topic). */
  private async decode(context: MessageContext, message: KafkaMessage): Promise<EventEnvelope | undefined> {
    try {
      let event = fromKafkaMessage(message);
      assertTopicOwner(context.topic, event, headerString(message.headers, HEADERS.producer), this.options.topicOwners ?? TOPIC_OWNERS);
      if (this.options.registry) event = this.options.registry.upcast(event);
      assertValidEvent(event);
      return event;
    } catch (e) {
      await this.deadLetter(context, message, e, 1, e instanceof ForeignProducer ? 'foreign-producer' : e instanceof InvalidEvent ? 'invalid' : 'undecodable');
      return undefined;
    }
  }

  private async handleEvent({ event, context, message }: Delivery): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    // Failures in a row, for the back-off: `attempt` stops counting while the failure is transient.
    let failures = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.handle(event, context);
        return;
      } catch (e) {
        // The database or broker being away is not the event's fault: wait for it rather than
        // dead-letter events that would have been handled a few seconds later.
        if (isTransient(e)) {
          // Stopping: leave the offset unresolved (it is redelivered). `stopping`, not the consumer: it
          // is dropped only after disconnect, which waits for this very batch to end.
          if (this.stopping || !this.consumer) throw e;
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
        await new Promise((r) =>
          setTimeout(r, backoffDelay(++failures, { initialMs: this.options.initialBackoffMs ?? 100, maxMs: this.options.maxBackoffMs ?? 5_000 })),
        );
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
  if (
    typeof e.name === 'string' &&
    /^Mongo(Network|NetworkTimeout|ServerSelection|NotConnected|TopologyClosed|PoolClosed|PoolCleared|WaitQueueTimeout|ServerClosed)Error$/.test(e.name)
  )
    return true;
  if (
    Array.isArray(e.errorLabels) &&
    e.errorLabels.some((l) => ['RetryableWriteError', 'ResetPool', 'TransientTransactionError', 'NoWritesPerformed'].includes(l))
  )
    return true;
  if (e.retriable === true) return true; // kafkajs
  return typeof e.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(e.code);
}

/** Commits through the consumer itself (between batches, and at stop). */
function committerOf(consumer: Consumer): Committer {
  return (offsets) => consumer.commitOffsets(offsets.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, ...p }))));
}
