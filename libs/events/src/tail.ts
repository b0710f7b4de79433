import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { fromKafkaMessage } from './codec';
import { EventEnvelope } from './envelope';
import { EventRegistry } from './event-registry';
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
  /** Start at the first event recorded at or after this time on every partition, or at the beginning. */
  since: Date | 'earliest';
  /** Called with the events of one fetched batch, in partition order. */
  handle: (events: EventEnvelope[], position: TailPosition) => void | Promise<void>;
  registry?: EventRegistry;
  groupPrefix: string;
  logger?: KafkaLogger;
}

/**
 * Every event of a topic, in this process, from a point in time on: an in-process view that each
 * instance keeps whole (a consumer group would split the partitions between instances).
 * Its group is throw-away: it commits nothing, so the broker forgets it once it stops.
 * Events that are not envelopes are skipped; the service's own consumers dead-letter them.
 */
export class TopicTail {
  private consumer?: Consumer;

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
    } finally {
      await admin.disconnect();
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
            events.push(this.options.registry ? this.options.registry.upcast(event) : event);
          } catch (e) {
            this.options.logger?.warn(`skipping undecodable ${batch.topic}/${batch.partition}@${message.offset}`, { error: String(e) });
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
    this.consumer = undefined;
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
