import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { fromKafkaMessage, headerString, HEADERS } from './codec';
import { isTransient } from './consumer';
import { DEAD_LETTER_REASONS, deadLetterMessage, DeadLetterReason, ensureDeadLetterTopic, recordDeadLetter } from './dead-letters';
import { EventEnvelope } from './envelope';
import { assertValidEvent, InvalidEvent } from './event-checks';
import { EventRegistry } from './event-registry';
import { consumerMetrics } from './metrics';
import { assertTopicOwner, ForeignProducer } from './ownership';
import { deadLetterTopic, TOPIC_OWNERS } from './topics';
import { KafkaLogger, whileBrokerSettles } from './kafka';

export interface TailPosition {
  topic: string;
  partition: number;
  /** The last offset of the batch just handled. */
  offset: string;
}

export interface TopicTailOptions {
  kafka: Kafka;
  topic: string | string[];
  /**
   * Start at the first event recorded at or after this time on every partition, at the beginning,
   * or at given offsets ("topic/partition" → the next offset to read; a view restored from a
   * snapshot that recorded them). A partition not named, or whose history now begins later
   * (retention), starts at its beginning.
   */
  since: Date | 'earliest' | { offsets: ReadonlyMap<string, string> };
  /** Called with the events of one fetched batch, in partition order. */
  handle: (events: EventEnvelope[], position: TailPosition) => void | Promise<void>;
  registry?: EventRegistry;
  groupPrefix: string;
  logger?: KafkaLogger;
  /** Topic → the only `producer` its events may name (default: the catalogue's TOPIC_OWNERS). */
  topicOwners?: Readonly<Record<string, string>>;
  /**
   * Also park refused events (foreign producer, undecodable) on `callcenter.<deadLetterGroup>.dead-letter.v1`.
   * Off by default: a tail re-reads history at every start, so it would park the same message again
   * each time; the service's consumer groups on the same topics park it once. Set it for a view
   * that no consumer group of the service shares topics with.
   */
  deadLetterGroup?: string;
  /** Called for each refused event (never handed to `handle`, or handed and thrown on). */
  onRefused?: (refusal: { topic: string; partition: number; offset: string; error: string; reason: DeadLetterReason }) => void;
}

/** What the refusal of an event was for: why it could not be read, or that the view threw on it. */
function reasonOf(e: unknown): DeadLetterReason {
  if (e instanceof ForeignProducer) return 'foreign-producer';
  if (e instanceof InvalidEvent) return 'invalid';
  return 'undecodable';
}

/**
 * Every event of a topic, in this process, from a point in time on: an in-process view that each
 * instance keeps whole (a consumer group would split the partitions between instances).
 * Its group is throw-away: it commits nothing, so the broker forgets it once it stops.
 * It remembers where it is in each partition itself: when the client rejoins its group (a broker
 * restart, a lost session, a crash of the fetch loop that kafkajs restarts), it goes on from there,
 * neither from the start of the topic (re-applying history) nor from the end (losing events).
 * Events that are not envelopes, whose `producer` is not their topic's owner, or that are envelopes
 * a view cannot trust (event-checks.ts) are refused, and so is an event `handle` throws on (other
 * than for a transient failure, which is retried): never applied, logged at error level, counted,
 * and parked on a dead-letter topic when `deadLetterGroup` is set (the service's own consumer
 * groups dead-letter them otherwise). The view goes on with the next event.
 */
export class TopicTail {
  private consumer?: Consumer;
  private producer?: Producer;
  /** "topic/partition" → the next offset to hand over. */
  private readonly next = new Map<string, string>();

  constructor(private readonly options: TopicTailOptions) {}

  async start(): Promise<void> {
    const { kafka, since } = this.options;
    const topics = Array.isArray(this.options.topic) ? this.options.topic : [this.options.topic];
    const admin = kafka.admin();
    await admin.connect();
    const starts: { topic: string; partition: number; offset: string }[] = [];
    try {
      for (const topic of topics) {
        const ends = await whileBrokerSettles(() => admin.fetchTopicOffsets(topic));
        if (since === 'earliest' || !(since instanceof Date)) {
          const resumeAt = (p: { partition: number; low: string }) => {
            const offset = since === 'earliest' ? undefined : since.offsets.get(`${topic}/${p.partition}`);
            return offset !== undefined && BigInt(offset) > BigInt(p.low) ? offset : p.low;
          };
          starts.push(...ends.map((p) => ({ topic, partition: p.partition, offset: resumeAt(p) })));
          continue;
        }
        const high = new Map(ends.map((p) => [p.partition, p.high]));
        // -1: nothing recorded since then; start at the end.
        const byTime = await whileBrokerSettles(() => admin.fetchTopicOffsetsByTimestamp(topic, since.getTime()));
        starts.push(...byTime.map((p) => ({ topic, partition: p.partition, offset: p.offset === '-1' ? high.get(p.partition)! : p.offset })));
      }
      if (this.options.deadLetterGroup) await ensureDeadLetterTopic(admin, deadLetterTopic(this.options.deadLetterGroup));
    } finally {
      await admin.disconnect();
    }
    if (this.options.deadLetterGroup) {
      this.producer = kafka.producer({ allowAutoTopicCreation: false });
      await this.producer.connect();
    }
    this.consumer = kafka.consumer({
      groupId: `${this.options.groupPrefix}-${randomUUID()}`,
      sessionTimeout: 15_000,
      heartbeatInterval: 1_000,
      allowAutoTopicCreation: false,
    });
    for (const { topic, partition, offset } of starts) this.next.set(`${topic}/${partition}`, offset);
    // Every series the ViewEventRefused alert watches exists from the start at 0, so its first increase is seen.
    for (const topic of topics) for (const reason of DEAD_LETTER_REASONS) consumerMetrics.viewRefused.inc({ view: this.options.groupPrefix, topic, reason }, 0);
    // Every (re)join, including kafkajs's own restart after a crash, starts a fresh offset manager
    // that would read an uncommitted group from the beginning: seek each partition to where this
    // tail is. Seeks set here are applied before the first fetch of the new generation.
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
        for (const partition of partitions) {
          const offset = this.next.get(`${topic}/${partition}`);
          if (offset !== undefined) this.consumer?.seek({ topic, partition, offset });
        }
      }
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        // A batch fetched again after a rejoin (one still in hand when the group rebalanced) starts
        // below this tail's position: what was handed over already is not handed over twice.
        const from = BigInt(this.next.get(`${batch.topic}/${batch.partition}`) ?? '0');
        const messages = batch.messages.filter((m) => BigInt(m.offset) >= from);
        const accepted: { event: EventEnvelope; message: KafkaMessage }[] = [];
        for (const message of messages) {
          try {
            let event = fromKafkaMessage(message);
            assertTopicOwner(batch.topic, event, headerString(message.headers, HEADERS.producer), this.options.topicOwners ?? TOPIC_OWNERS);
            if (this.options.registry) event = this.options.registry.upcast(event);
            assertValidEvent(event);
            accepted.push({ event, message });
          } catch (e) {
            await this.refuse(batch.topic, batch.partition, message, e, reasonOf(e));
          }
        }
        const last = messages[messages.length - 1];
        if (!last) return;
        await this.deliver(accepted, { topic: batch.topic, partition: batch.partition, offset: last.offset });
        this.next.set(`${batch.topic}/${batch.partition}`, String(BigInt(last.offset) + 1n));
      },
    });
  }

  /**
   * Hands a batch to the view. If the view throws on it (not for a transient failure: that throws,
   * and kafkajs fetches the batch again from this tail's position), each event is handed alone, so
   * the one it throws on is refused and the others are applied; views apply by stream version, so
   * what the whole batch already applied is recognised.
   */
  private async deliver(accepted: { event: EventEnvelope; message: KafkaMessage }[], position: TailPosition): Promise<void> {
    try {
      await this.options.handle(
        accepted.map((a) => a.event),
        position,
      );
      return;
    } catch (e) {
      if (isTransient(e) || accepted.length === 0) throw e;
    }
    for (const { event, message } of accepted) {
      try {
        await this.options.handle([event], { ...position, offset: message.offset });
      } catch (e) {
        if (isTransient(e)) throw e;
        await this.refuse(position.topic, position.partition, message, e, 'handler-failed');
      }
    }
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    this.consumer = undefined;
    this.producer = undefined;
  }

  private async refuse(topic: string, partition: number, message: KafkaMessage, e: unknown, reason: DeadLetterReason): Promise<void> {
    const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    this.options.onRefused?.({ topic, partition, offset: message.offset, error, reason });
    const group = this.options.deadLetterGroup;
    const where = { group: group ?? this.options.groupPrefix, topic, partition, offset: message.offset };
    consumerMetrics.viewRefused.inc({ view: this.options.groupPrefix, topic, reason });
    if (!group || !this.producer) {
      this.options.logger?.error(`refusing ${topic}/${partition}@${message.offset}`, {
        ...where,
        key: message.key?.toString() ?? null,
        eventType: headerString(message.headers, HEADERS.type) ?? 'unknown',
        reason,
        error,
      });
      return;
    }
    // If this write fails the batch fails and is fetched again: nothing refused goes unrecorded.
    await this.producer.send({
      topic: deadLetterTopic(group),
      acks: -1,
      messages: [deadLetterMessage(message, { topic, partition, offset: message.offset }, { error, attempts: 1, group, reason })],
    });
    recordDeadLetter(this.options.logger, { ...where, group }, message, { reason, error, attempts: 1 });
  }
}

/**
 * Starts an in-process view: the tail starts first and buffers, then the stored snapshot loads, then
 * the buffered and all later events apply. Nothing recorded while the snapshot loads is missed, and
 * `apply` must recognise what the snapshot already holds (by stream version).
 */
export async function followWithSnapshot(
  options: Omit<TopicTailOptions, 'handle'>,
  loadSnapshot: () => Promise<void>,
  apply: (events: EventEnvelope[]) => void | Promise<void>,
): Promise<TopicTail> {
  let pending: EventEnvelope[][] | null = [];
  const tail = new TopicTail({
    ...options,
    handle: async (events) => {
      if (pending) pending.push(events);
      else await apply(events);
    },
  });
  await tail.start();
  try {
    await loadSnapshot();
  } catch (e) {
    await tail.stop();
    throw e;
  }
  const buffered: EventEnvelope[][] = pending ?? [];
  pending = null;
  for (const events of buffered) await apply(events);
  return tail;
}
