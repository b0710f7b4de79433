import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { fromKafkaMessage } from './codec';
import { EventEnvelope } from './envelope';
import { EventRegistry } from './event-registry';
import { KafkaLogger } from './kafka';

export interface TopicTailOptions {
  kafka: Kafka;
  topic: string;
  /** Start at the first event recorded at or after this time, on every partition. */
  since: Date;
  /** Called with the events of one fetched batch, in partition order. */
  handle: (events: EventEnvelope[]) => void | Promise<void>;
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
    const { kafka, topic, since } = this.options;
    const admin = kafka.admin();
    await admin.connect();
    let starts: { partition: number; offset: string }[];
    try {
      const [byTime, ends] = await Promise.all([admin.fetchTopicOffsetsByTimestamp(topic, since.getTime()), admin.fetchTopicOffsets(topic)]);
      const high = new Map(ends.map((p) => [p.partition, p.high]));
      // -1: nothing recorded since then; start at the end.
      starts = byTime.map((p) => ({ partition: p.partition, offset: p.offset === '-1' ? high.get(p.partition)! : p.offset }));
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
    await this.consumer.subscribe({ topics: [topic], fromBeginning: true });
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
        if (events.length) await this.options.handle(events);
      },
    });
    for (const { partition, offset } of starts) this.consumer.seek({ topic, partition, offset });
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
