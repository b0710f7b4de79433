import { Admin, Kafka, Producer, ProducerConfig } from 'kafkajs';
import { deadLetterTopic, ensureTopics, EventConsumer, EventConsumerOptions } from '@callcenter/events';
import { deleteTopics, testKafka, uniqueName } from './index';

/** Kafka as one integration spec uses it: ready in its tests, once its `beforeAll` has run. */
export interface SpecKafka {
  kafka: Kafka;
  admin: Admin;
  producer: Producer;
  /** Every topic deleted after the spec: its fresh topics, and any it adds (a group's dead-letter topic). */
  topics: string[];
  /** A topic of the spec's own, `<prefix>-<random>`. */
  freshTopic(prefix: string, partitions?: number): Promise<string>;
  /** Consumers and views stopped after the spec, before its topics are deleted. */
  stopAfterAll(...running: { stop(): Promise<unknown> }[]): void;
  /** An EventConsumer on this Kafka, started; stopped after the spec, and its group's dead-letter topic deleted. */
  startConsumer(options: Omit<EventConsumerOptions, 'kafka'>): Promise<EventConsumer>;
  /** A started consumer in a group of its own on a fresh topic, `<prefix>-<random>`, as `startConsumer`. */
  consumeFresh(
    prefix: string,
    partitions: number,
    options: Omit<EventConsumerOptions, 'kafka' | 'groupId' | 'topics'>,
  ): Promise<{ topic: string; groupId: string; consumer: EventConsumer }>;
}

/**
 * Registers the spec's `beforeAll` (a client, a connected admin and producer) and `afterAll` (stop
 * what was handed to `stopAfterAll`, delete the spec's topics, disconnect); call it in a `describe`.
 */
export function kafkaForSpec(producerConfig: ProducerConfig = {}): SpecKafka {
  const running: { stop(): Promise<unknown> }[] = [];
  const spec = {
    topics: [] as string[],
    async freshTopic(prefix: string, partitions = 1) {
      const topic = uniqueName(prefix);
      spec.topics.push(topic);
      await ensureTopics(spec.admin, [{ topic, partitions }]);
      return topic;
    },
    stopAfterAll: (...more: { stop(): Promise<unknown> }[]) => void running.push(...more),
    async startConsumer(options: Omit<EventConsumerOptions, 'kafka'>) {
      const consumer = new EventConsumer({ kafka: spec.kafka, ...options });
      spec.topics.push(deadLetterTopic(options.groupId));
      running.push(consumer);
      await consumer.start();
      return consumer;
    },
    async consumeFresh(prefix: string, partitions: number, options: Omit<EventConsumerOptions, 'kafka' | 'groupId' | 'topics'>) {
      const [topic, groupId] = [await spec.freshTopic(prefix, partitions), uniqueName('group')];
      return { topic, groupId, consumer: await spec.startConsumer({ groupId, topics: [topic], ...options }) };
    },
  } as SpecKafka;
  beforeAll(async () => {
    spec.kafka = testKafka();
    spec.admin = spec.kafka.admin();
    await spec.admin.connect();
    spec.producer = spec.kafka.producer(producerConfig);
    await spec.producer.connect();
  });
  afterAll(async () => {
    await Promise.all(running.map((r) => r.stop()));
    await deleteTopics(spec.admin, spec.topics);
    await spec.producer?.disconnect();
    await spec.admin?.disconnect();
  });
  return spec;
}
