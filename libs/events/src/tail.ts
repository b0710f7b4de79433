import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { fromKafkaMessage, headerString, HEADERS } from './codec';
import { deadLetterMessage } from './dead-letters';
import { EventEnvelope } from './envelope';
import { EventRegistry } from './event-registry';
import { consumerMetrics } from './metrics';
import { assertTopicOwner, ForeignProducer } from './ownership';
import { deadLetterTopic, TOPIC_OWNERS } from './topics';
import { ensureTopics, KafkaLogger, whileBrokerSettles } from './kafka';

export interface TailPosition {
  topic: string;
  partition: number;
  /** The last offset of the batch just handled. */
  offset: string;
}

export interface TopicTailOptions {
  kafka: Kafka;
  topic: string | string[];
  /** Start at the first event recorded at or after this time on every partition, or at the beginning. */
  since: Date | 'earliest';
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
  /** Called for each refused event (it is never handed to `handle`). */
  onRefused?: (refusal: { topic: string; partition: number; offset: string; error: string }) => void;
}

/**
 * Every event of a topic, in this process, from a point in time on: an in-process view that each
 * instance keeps whole (a consumer group would split the partitions between instances).
 * Its group is throw-away: it commits nothing, so the broker forgets it once it stops.
 * Events that are not envelopes, or whose `producer` is not their topic's owner, are refused: never
 * handed to `handle`, logged, and parked on a dead-letter topic when `deadLetterGroup` is set (the
 * service's own consumer groups dead-letter them otherwise).
 */
export class TopicTail {
  private consumer?: Consumer;
  private producer?: Producer;

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
        if (since === 'earliest') {
          starts.push(...ends.map((p) => ({ topic, partition: p.partition, offset: p.low })));
          continue;
        }
        const high = new Map(ends.map((p) => [p.partition, p.high]));
        // -1: nothing recorded since then; start at the end.
        const byTime = await whileBrokerSettles(() => admin.fetchTopicOffsetsByTimestamp(topic, since.getTime()));
        starts.push(...byTime.map((p) => ({ topic, partition: p.partition, offset: p.offset === '-1' ? high.get(p.partition)! : p.offset })));
      }
      if (this.options.deadLetterGroup) await ensureTopics(admin, [{ topic: deadLetterTopic(this.options.deadLetterGroup) }]);
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
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const events: EventEnvelope[] = [];
        for (const message of batch.messages) {
          try {
            const event = fromKafkaMessage(message);
            assertTopicOwner(batch.topic, event, headerString(message.headers, HEADERS.producer), this.options.topicOwners ?? TOPIC_OWNERS);
            events.push(this.options.registry ? this.options.registry.upcast(event) : event);
          } catch (e) {
            await this.refuse(batch.topic, batch.partition, message, e);
          }
        }
        const last = batch.messages[batch.messages.length - 1];
        if (last) await this.options.handle(events, { topic: batch.topic, partition: batch.partition, offset: last.offset });
      },
    });
    // On a broker that has just started, run() can return before the consumer accepts a seek.
    for (const { topic, partition, offset } of starts) {
      for (let attempt = 1; ; attempt++) {
        try {
          this.consumer.seek({ topic, partition, offset });
          break;
        } catch (e) {
          if (attempt >= 100) throw e;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    }
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    this.consumer = undefined;
    this.producer = undefined;
  }

  private async refuse(topic: string, partition: number, message: KafkaMessage, e: unknown): Promise<void> {
    const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    const reason = e instanceof ForeignProducer ? 'foreign-producer' : 'undecodable';
    this.options.logger?.error(`refusing ${topic}/${partition}@${message.offset}`, { error });
    this.options.onRefused?.({ topic, partition, offset: message.offset, error });
    const group = this.options.deadLetterGroup;
    if (!group || !this.producer) return;
    // If this write fails the batch fails and is fetched again: nothing refused goes unrecorded.
    await this.producer.send({
      topic: deadLetterTopic(group),
      acks: -1,
      messages: [deadLetterMessage(message, { topic, partition, offset: message.offset }, { error, attempts: 1, group, reason })],
    });
    consumerMetrics.deadLettered.inc({ group, topic, reason });
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
