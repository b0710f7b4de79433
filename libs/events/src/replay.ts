import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { fromKafkaMessage } from './codec';
import { EventEnvelope } from './envelope';
import { EventRegistry } from './event-registry';
import { whileBrokerSettles } from './kafka';

export interface ReplayProgress {
  done: number;
  total: number;
  eventsPerSecond: number;
  etaSeconds: number | null;
  elapsedMs: number;
}

export interface ReplayOptions {
  kafka: Kafka;
  topics: string[];
  /** Called for each event in partition order; partitions run concurrently. */
  handle: (event: EventEnvelope) => Promise<void>;
  /** Events that are not envelopes are counted and skipped (the live consumer dead-letters them). */
  onUndecodable?: (topic: string, offset: string, error: Error) => void;
  registry?: EventRegistry;
  onProgress?: (progress: ReplayProgress) => void;
  progressIntervalMs?: number;
  partitionsConcurrently?: number;
}

/**
 * Reads the given topics from offset 0 up to the end offsets seen when it started, then returns.
 * It uses a throw-away consumer group that commits nothing and is deleted afterwards, so it never
 * disturbs the live consumers.
 */
export async function replay(options: ReplayOptions): Promise<ReplayProgress> {
  const { kafka, topics } = options;
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<string, bigint>(); // "topic/partition" -> last offset to read
  let total = 0;
  for (const topic of topics) {
    for (const p of await whileBrokerSettles(() => admin.fetchTopicOffsets(topic))) {
      const low = BigInt(p.low);
      const high = BigInt(p.high);
      if (high > low) {
        remaining.set(`${topic}/${p.partition}`, high - 1n);
        total += Number(high - low);
      }
    }
  }

  const started = Date.now();
  let done = 0;
  const progress = (): ReplayProgress => {
    const elapsedMs = Date.now() - started;
    const eventsPerSecond = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
    return {
      done,
      total,
      elapsedMs,
      eventsPerSecond,
      etaSeconds: eventsPerSecond > 0 ? (total - done) / eventsPerSecond : null,
    };
  };

  if (remaining.size === 0) {
    await admin.disconnect();
    return progress();
  }

  const groupId = `replay-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, maxBytesPerPartition: 4 * 1024 * 1024 });
  const timer = options.onProgress ? setInterval(() => options.onProgress!(progress()), options.progressIntervalMs ?? 1_000) : undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          partitionsConsumedConcurrently: options.partitionsConcurrently ?? 6,
          eachBatch: async ({ batch, heartbeat }) => {
            const key = `${batch.topic}/${batch.partition}`;
            const last = remaining.get(key);
            if (last === undefined) return;
            for (const message of batch.messages) {
              const offset = BigInt(message.offset);
              if (offset > last) break;
              let event: EventEnvelope;
              try {
                event = fromKafkaMessage(message);
                if (options.registry) event = options.registry.upcast(event);
              } catch (e) {
                options.onUndecodable?.(batch.topic, message.offset, e as Error);
                done++;
                continue;
              }
              await options.handle(event);
              done++;
              if (offset === last) {
                remaining.delete(key);
                if (remaining.size === 0) resolve();
                break;
              }
            }
            await heartbeat();
          },
        })
        .catch(reject);
      consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
    });
  } finally {
    if (timer) clearInterval(timer);
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
  const final = progress();
  options.onProgress?.(final);
  return final;
}
