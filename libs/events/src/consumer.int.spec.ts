import { MongoClient } from 'mongodb';
import { eventually, handBuiltEnvelope, holdsFor, kafkaForSpec, readTopic, testMongo, uniqueName } from '@callcenter/testing';
import { headerString, toKafkaMessage } from './codec';
import { EventConsumer } from './consumer';
import { EventEnvelope } from './envelope';
import { projectOnce, Projected } from './projection';
import { replay } from './replay';
import { deadLetterTopic } from './topics';

type Tally = { count: number; last: number };

const event = (streamId: string, streamVersion: number, type = 'Counted') => handBuiltEnvelope(streamId, streamVersion, { type });

const evolveTally = (doc: Tally | null, e: EventEnvelope): Tally => ({ count: (doc?.count ?? 0) + 1, last: e.streamVersion });

describe('EventConsumer, projections and replay (real Kafka and database)', () => {
  // Idempotent: a send retried after a slow answer must not write the batch twice (the replay test counts exactly).
  const bus = kafkaForSpec({ idempotent: true });
  const freshTopic = () => bus.freshTopic('it.consumer', 3);
  let mongo: MongoClient;
  const dbName = uniqueName('it_consumer');

  beforeAll(async () => {
    mongo = await testMongo();
  });
  afterAll(async () => {
    await mongo.db(dbName).dropDatabase();
    await mongo.close();
  });

  it('applies an event delivered twice only once', async () => {
    const topic = await freshTopic();
    const tallies = mongo.db(dbName).collection<Projected<Tally>>(uniqueName('tallies'));
    const groupId = uniqueName('group');
    await bus.startConsumer({
      groupId,
      topics: [topic],
      handle: async (e) => void (await projectOnce(tallies, e.streamId, e, evolveTally)),
    });
    const messages = [event('r1', 1), event('r1', 2), event('r1', 2), event('r1', 1), event('r1', 3), event('r2', 1), event('r2', 1)];
    await bus.producer.send({ topic, messages: messages.map(toKafkaMessage) });
    const docs = await eventually(
      () => tallies.find().sort({ _id: 1 }).toArray(),
      (d) => d.length === 2 && d[0]._version === 3 && d[1]._version === 1,
    );
    expect(docs).toEqual([
      { _id: 'r1', _version: 3, count: 3, last: 3 },
      { _id: 'r2', _version: 1, count: 1, last: 1 },
    ]);
    // and the pure projection step is a no-op for a redelivery
    expect(await projectOnce(tallies, 'r1', event('r1', 3), evolveTally)).toBe(false);
    expect(await projectOnce(tallies, 'r1', event('r1', 4), evolveTally)).toBe(true);
  });

  it('parks a message whose handler always fails on the dead-letter topic and moves on', async () => {
    const handled: string[] = [];
    let attemptsOnPoison = 0;
    const { topic, groupId } = await bus.consumeFresh('it.consumer', 3, {
      maxAttempts: 3,
      initialBackoffMs: 20,
      handle: async (e) => {
        if (e.streamId === 'poison') {
          attemptsOnPoison++;
          throw new Error('cannot handle poison');
        }
        handled.push(`${e.streamId}@${e.streamVersion}`);
      },
    });
    // same key => same partition: the good event after the poison one must still be handled
    await bus.producer.send({
      topic,
      messages: [
        { ...toKafkaMessage(event('poison', 1)), key: 'k' },
        { ...toKafkaMessage(event('good', 1)), key: 'k' },
        { key: 'k', value: 'this is not an event' },
      ],
    });
    await eventually(
      async () => handled,
      (h) => h.includes('good@1'),
    );
    const parked = await readTopic(bus.kafka, deadLetterTopic(groupId), (r) => r.length >= 2);
    expect(attemptsOnPoison).toBe(3);
    expect(parked).toHaveLength(2);
    const [poison, garbage] = parked.map((p) => p.message);
    expect(headerString(poison.headers, 'dlt-error')).toBe('Error: cannot handle poison');
    expect(headerString(poison.headers, 'dlt-attempts')).toBe('3');
    expect(headerString(poison.headers, 'dlt-source-topic')).toBe(topic);
    expect(JSON.parse(poison.value!.toString()).streamId).toBe('poison'); // the failed event itself
    expect(headerString(garbage.headers, 'dlt-error')).toMatch(/not JSON/);
    expect(garbage.value!.toString()).toBe('this is not an event');
  });

  it('stops while its handler waits out a database outage, leaving the event for redelivery', async () => {
    const topic = await freshTopic();
    const groupId = uniqueName('group');
    let attempts = 0;
    const consumer = new EventConsumer({
      kafka: bus.kafka,
      groupId,
      topics: [topic],
      initialBackoffMs: 20,
      maxBackoffMs: 50,
      handle: async () => {
        attempts++;
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }); // transient: retried without end
      },
    });
    await consumer.start();
    await bus.producer.send({ topic, messages: [{ ...toKafkaMessage(event('outage', 1)), key: 'k' }] });
    await eventually(
      async () => attempts,
      (n) => n >= 3,
    );
    const stopped = await Promise.race([consumer.stop().then(() => 'stopped'), new Promise((r) => setTimeout(() => r('still waiting'), 15_000))]);
    expect(stopped).toBe('stopped');
  });

  it('commits only handled offsets: a new consumer in the group resumes after them', async () => {
    const topic = await freshTopic();
    const groupId = uniqueName('group');
    const seen: string[] = [];
    const first = new EventConsumer({ kafka: bus.kafka, groupId, topics: [topic], handle: async (e) => void seen.push(e.eventId) });
    await first.start();
    await bus.producer.send({ topic, messages: [1, 2, 3].map((v) => ({ ...toKafkaMessage(event('x', v)), partition: 0 })) });
    await eventually(
      async () => seen.length,
      (n) => n === 3,
    );
    await first.stop();
    const second = new EventConsumer({ kafka: bus.kafka, groupId, topics: [topic], handle: async (e) => void seen.push(e.eventId) });
    bus.stopAfterAll(second);
    await second.start();
    await bus.producer.send({ topic, messages: [{ ...toKafkaMessage(event('x', 4)), partition: 0 }] });
    await eventually(
      async () => seen.length,
      (n) => n === 4,
    );
    await holdsFor(
      async () => seen.length,
      (n) => n === 4,
      500,
    ); // nothing handled twice by the second consumer
    expect(seen).toEqual(['x-1', 'x-2', 'x-3', 'x-4']);
  });

  it('commits handled offsets about once a second, not after every batch, and the broker has them while it runs', async () => {
    const seen: string[] = [];
    const commits: string[][] = [];
    const { topic, groupId } = await bus.consumeFresh('it.consumer', 3, {
      commitIntervalMs: 1_000,
      lagIntervalMs: 0,
      handle: async (e) => void seen.push(e.eventId),
      onCommit: (offsets) => commits.push(offsets.map((o) => `${o.partition}:${o.offset}`)),
    });
    const committed = async () => (await bus.admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions.find((p) => p.partition === 0)?.offset;
    // Twelve batches of one event, 100 ms apart: committed after every batch, the broker would
    // have each one's offset about as soon as it is handled.
    let caughtUp = 0;
    for (let v = 1; v <= 12; v++) {
      await bus.producer.send({ topic, messages: [{ ...toKafkaMessage(event('t', v)), partition: 0 }] });
      await eventually(
        async () => seen.length,
        (n) => n === v,
      );
      await new Promise((r) => setTimeout(r, 100));
      if ((await committed()) === String(v)) caughtUp++;
    }
    expect(caughtUp).toBeLessThanOrEqual(6);
    expect(
      await eventually(
        async () => commits.flat(),
        (c) => c.includes('0:12'),
      ),
    ).toContain('0:12');
    expect(commits.length).toBeLessThanOrEqual(5);
    expect(await committed()).toBe('12');
  });

  it('hands a fetched batch to the batch handler at once; when it throws, one by one, parking the poison event', async () => {
    const batches: string[][] = [];
    const oneByOne: string[] = [];
    const { topic, groupId } = await bus.consumeFresh('it.consumer', 3, {
      maxAttempts: 2,
      initialBackoffMs: 10,
      lagIntervalMs: 0,
      handleBatch: async (events) => {
        batches.push(events.map((e) => e.event.eventId));
        if (events.some((e) => e.event.streamId === 'poison')) throw new Error('cannot handle poison');
      },
      handle: async (e) => {
        if (e.streamId === 'poison') throw new Error('cannot handle poison');
        oneByOne.push(e.eventId);
      },
    });
    await bus.producer.send({ topic, messages: [1, 2, 3].map((v) => ({ ...toKafkaMessage(event('b', v)), partition: 1 })) });
    await eventually(
      async () => batches.flat(),
      (b) => b.includes('b-3'),
    );
    expect(batches.flat()).toEqual(['b-1', 'b-2', 'b-3']);
    expect(batches.length).toBeLessThan(3);
    expect(oneByOne).toEqual([]);
    await bus.producer.send({ topic, messages: [event('c', 1), event('poison', 1), event('c', 2)].map((e) => ({ ...toKafkaMessage(e), partition: 1 })) });
    await eventually(
      async () => oneByOne,
      (o) => o.includes('c-2'),
    );
    expect(oneByOne).toEqual(['c-1', 'c-2']);
    const parked = await readTopic(bus.kafka, deadLetterTopic(groupId), (r) => r.length >= 1);
    expect(JSON.parse(parked[0].message.value!.toString()).streamId).toBe('poison');
  });

  it('replays every event from offset 0 and reports progress', async () => {
    const a = await freshTopic();
    const b = await freshTopic();
    await bus.producer.send({ topic: a, messages: Array.from({ length: 300 }, (_, i) => toKafkaMessage(event(`a${i % 17}`, Math.floor(i / 17) + 1))) });
    await bus.producer.send({ topic: b, messages: Array.from({ length: 200 }, (_, i) => toKafkaMessage(event(`b${i % 7}`, Math.floor(i / 7) + 1))) });
    const seen = new Set<string>();
    const progress: number[] = [];
    const result = await replay({
      kafka: bus.kafka,
      topics: [a, b],
      handle: async (e) => void seen.add(e.eventId),
      onProgress: (p) => progress.push(p.done),
      progressIntervalMs: 10,
    });
    expect(result.total).toBe(500);
    expect(result.done).toBe(500);
    expect(seen.size).toBe(500);
    expect(progress[progress.length - 1]).toBe(500);
    expect(result.eventsPerSecond).toBeGreaterThan(0);
  });
});
