import { randomUUID } from 'node:crypto';
import { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { createKafka } from '@callcenter/events';

/** The real servers the tests run against (started by scripts/test.sh or pointed to by env). */
export function testInfra() {
  return {
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(','),
    mongoUri: process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:37017',
  };
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function testKafka(clientId = uniqueName('test')): Kafka {
  return createKafka({ brokers: testInfra().brokers, clientId });
}

export async function testMongo(): Promise<MongoClient> {
  return new MongoClient(testInfra().mongoUri, { serverSelectionTimeoutMS: 5_000 }).connect();
}

export async function deleteTopics(admin: Admin, topics: string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const present = topics.filter((t) => existing.has(t));
  if (present.length) await admin.deleteTopics({ topics: present, timeout: 10_000 }).catch(() => undefined);
}

export interface ReceivedMessage {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/**
 * Reads a topic from the beginning with an independent client (its own throw-away group) until
 * `until(received)` holds or the timeout passes; returns what it read either way.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  until: (received: ReceivedMessage[]) => boolean,
  timeoutMs = 20_000,
): Promise<ReceivedMessage[]> {
  const groupId = uniqueName('reader');
  const consumer = kafka.consumer({ groupId });
  const received: ReceivedMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    consumer.run({
      eachMessage: async ({ topic: t, partition, message }) => {
        received.push({ topic: t, partition, message });
        if (until(received)) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  await admin.disconnect();
  return received;
}

/** Polls until the check passes or the time is up; returns the last value. */
export async function eventually<T>(check: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await check();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, everyMs));
    value = await check();
  }
  return value;
}
