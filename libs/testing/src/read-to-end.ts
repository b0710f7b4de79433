import { performance } from 'node:perf_hooks';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { EventEnvelope, EventRegistry, TailPosition, TopicTail, TopicTailOptions, whileBrokerSettles } from '@callcenter/events';
import { uniqueName } from './index';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Where each non-empty partition of `topics` ends now ("topic/partition" → its high watermark). */
export async function topicEnds(kafka: Kafka, topics: string[]): Promise<Map<string, bigint>> {
  const [admin, ends] = [kafka.admin(), new Map<string, bigint>()];
  await admin.connect();
  try {
    for (const topic of topics)
      for (const p of await whileBrokerSettles(() => admin.fetchTopicOffsets(topic)))
        if (BigInt(p.high) > BigInt(p.low)) ends.set(`${topic}/${p.partition}`, BigInt(p.high));
  } finally {
    await admin.disconnect();
  }
  return ends;
}

/**
 * A reader's way to `ends`: `reached` with the last offset of what it handled in a partition, `through` once it has reached
 * every partition's end. Counting what a reader was handed against the messages on the topics never ends when the reader does
 * not hand over every message (a TopicTail refuses events of a foreign producer, or that it cannot trust).
 */
export function readingTo(ends: Map<string, bigint>) {
  const behind = new Set(ends.keys());
  return {
    reached: (topic: string, partition: number, lastOffset: string) => {
      const key = `${topic}/${partition}`;
      if (BigInt(lastOffset) + 1n >= (ends.get(key) ?? 0n)) behind.delete(key);
    },
    through: () => behind.size === 0,
    behind: () => [...behind].join(', '),
  };
}

/** Polls `reading` until it is through or `timeoutMs` passed; throws naming what was not read to its end. */
async function untilThrough(reading: ReturnType<typeof readingTo>, timeoutMs: number, what: () => string): Promise<void> {
  for (const end = performance.now() + timeoutMs; !reading.through() && performance.now() < end;) await sleep(20);
  if (!reading.through()) throw new Error(`${what()} not through after ${Math.round(timeoutMs / 1000)} s; not yet at the end of ${reading.behind()}`);
}

/**
 * A plain kafkajs consumer (its own group, committing nothing, deleted after) of `topics` from offset 0 to where they end when
 * it starts, each message given to `each` once: a batch fetched again after a rejoin is not handed over twice, and messages
 * written after the start are not this read's. Times in ms from the start of the read (`performance.now()`).
 */
export async function readToEnd(kafka: Kafka, topics: string[], each: (m: KafkaMessage, topic: string, partition: number) => void, timeoutMs = 60_000) {
  const [ends, groupId] = [await topicEnds(kafka, topics), uniqueName('read-to-end')];
  const [reading, next, t0] = [readingTo(ends), new Map<string, bigint>(), performance.now()];
  let [read, first, last] = [0, NaN, NaN];
  const consumer = kafka.consumer({ groupId, sessionTimeout: 15_000, heartbeatInterval: 1_000, allowAutoTopicCreation: false });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (Number.isNaN(first)) first = performance.now();
        const key = `${batch.topic}/${batch.partition}`;
        const [from, end, lastOffset] = [next.get(key) ?? 0n, ends.get(key) ?? 0n, BigInt(batch.lastOffset())];
        let n = 0;
        for (const m of batch.messages) if (BigInt(m.offset) >= from && BigInt(m.offset) < end) (each(m, batch.topic, batch.partition), n++);
        if (n) [read, last] = [read + n, performance.now()];
        if (lastOffset + 1n > from) next.set(key, lastOffset + 1n);
        reading.reached(batch.topic, batch.partition, batch.lastOffset());
      },
    });
    await untilThrough(reading, timeoutMs, () => `reading ${topics.join(', ')} (${read} messages)`);
  } finally {
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin
      .connect()
      .then(() => admin.deleteGroups([groupId]).catch(() => undefined))
      .finally(() => admin.disconnect());
  }
  return { read, ms: last - t0, firstToLastMs: last - first, joinMs: first - t0 };
}

/**
 * A TopicTail (a service's replay path) over `topics` from offset 0 until it has passed where they ended when it started, then
 * stopped: `handle` gets every event it hands over (the events it refuses never reach it, but their batch's position does).
 */
export async function tailToEnd(
  kafka: Kafka,
  topics: string[],
  handle: (events: EventEnvelope[], p: TailPosition) => void,
  o: { registry?: EventRegistry; timeoutMs?: number; onRefused?: TopicTailOptions['onRefused'] } = {},
): Promise<void> {
  const reading = readingTo(await topicEnds(kafka, topics));
  const groupPrefix = uniqueName('tail-to-end');
  let handed = 0;
  const tail = new TopicTail({
    kafka,
    topic: topics,
    since: 'earliest',
    registry: o.registry,
    groupPrefix,
    onRefused: o.onRefused,
    handle: (events, p) => (handle(events, p), (handed += events.length), reading.reached(p.topic, p.partition, p.offset)),
  });
  await tail.start();
  try {
    await untilThrough(reading, o.timeoutMs ?? 900_000, () => `a TopicTail of ${topics.join(', ')} (${handed} events handed)`);
  } finally {
    await tail.stop();
  }
}
