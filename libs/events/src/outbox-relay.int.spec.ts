import { execFileSync } from 'node:child_process';
import { Admin, Kafka, Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { deleteTopics, readTopic, ReceivedMessage, testKafka, testMongo, uniqueName } from '@callcenter/testing';
import { fromKafkaMessage, HEADERS } from './codec';
import { defineEvent } from './event-registry';
import { MongoEventStore } from './event-store';
import { createEventProducer, ensureTopics } from './kafka';
import { OutboxRelay, RelayRound } from './outbox-relay';

const Happened = defineEvent<{ n: number }>()('ThingHappened');
const meta = () => ({ actor: 'system', correlationId: uniqueName('corr'), now: new Date() });

/** Per stream, the versions in the order Kafka delivered them. */
function versionsByStream(received: ReceivedMessage[]): Map<string, number[]> {
  const byStream = new Map<string, number[]>();
  for (const { message } of received) {
    const e = fromKafkaMessage(message);
    byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e.streamVersion]);
  }
  return byStream;
}

// Tests that restart the broker need the project's own local Kafka (scripts/test.sh starts one).
const ownsBroker = !!process.env.INFRA_DATA_DIR;

describe('OutboxRelay (real Kafka and database)', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let mongo: MongoClient;
  const dbName = uniqueName('it_relay');
  const topics: string[] = [];

  async function freshStore() {
    const topic = uniqueName('it.relay');
    topics.push(topic);
    await ensureTopics(admin, [{ topic, partitions: 6 }]);
    const store = new MongoEventStore(mongo.db(dbName), { producer: 'test', topic, collection: uniqueName('streams') });
    await store.ensureIndexes();
    return { topic, store };
  }

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    producer = createEventProducer(kafka);
    await producer.connect();
    mongo = await testMongo();
  });
  afterAll(async () => {
    await deleteTopics(admin, topics);
    await producer.disconnect();
    await admin.disconnect();
    await mongo.db(dbName).dropDatabase();
    await mongo.close();
  });

  it('publishes appended events keyed by stream id, in stream order, with type and version headers', async () => {
    const { topic, store } = await freshStore();
    const relay = new OutboxRelay(store, producer, { recoveryIntervalMs: 200 });
    relay.start();
    try {
      await store.append('report-A', 0, [Happened({ n: 1 })], meta());
      await store.append('report-A', 1, [Happened({ n: 2 }), Happened({ n: 3 })], meta());
      await store.append('report-B', 0, [Happened({ n: 1 })], meta());
      const received = await readTopic(kafka, topic, (r) => r.length >= 4);
      expect(received).toHaveLength(4);
      expect(versionsByStream(received)).toEqual(
        new Map([
          ['report-A', [1, 2, 3]],
          ['report-B', [1]],
        ]),
      );
      const a = received.filter((r) => r.message.key?.toString() === 'report-A');
      expect(new Set(a.map((r) => r.partition)).size).toBe(1); // one stream, one partition
      const headers = a[0].message.headers!;
      expect(headers[HEADERS.type]?.toString()).toBe('ThingHappened');
      expect(headers[HEADERS.schemaVersion]?.toString()).toBe('1');
      expect(headers[HEADERS.eventId]?.toString()).toBe(fromKafkaMessage(a[0].message).eventId);
      expect(await store.commits.countDocuments({ published: false })).toBe(0);
    } finally {
      await relay.stop();
    }
  });

  it('publishes 1,000 events appended while it was stopped, once each and in order per stream', async () => {
    const { topic, store } = await freshStore();
    const streams = 100;
    const perStream = 10;
    for (let v = 0; v < perStream; v += 2) {
      await Promise.all(Array.from({ length: streams }, (_, s) => store.append(`stream-${s}`, v, [Happened({ n: v + 1 }), Happened({ n: v + 2 })], meta())));
    }
    expect(await store.commits.countDocuments({ published: false })).toBe((streams * perStream) / 2); // one commit per append
    const [rounds, recovered] = [[] as RelayRound[], [] as number[]];
    const relay = new OutboxRelay(store, producer, {
      recoveryIntervalMs: 200,
      batchSize: 37,
      onRound: (r) => rounds.push(r),
      onRecovered: (found) => recovered.push(found),
    });
    relay.start();
    try {
      const received = await readTopic(kafka, topic, (r) => r.length >= streams * perStream, 60_000);
      // wait a little longer to catch any duplicate that would follow
      await new Promise((r) => setTimeout(r, 1_000));
      const again = await readTopic(kafka, topic, (r) => r.length >= received.length, 10_000);
      expect(again).toHaveLength(streams * perStream);
      const byStream = versionsByStream(again);
      expect(byStream.size).toBe(streams);
      for (const versions of byStream.values()) expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      // Each round says what it sent and where its time went; the scans found every commit once.
      expect(recovered.reduce((a, b) => a + b, 0)).toBe((streams * perStream) / 2);
      expect(rounds.reduce((n, r) => n + r.events, 0)).toBe(streams * perStream);
      expect(new Set(rounds.flatMap((r) => r.commits.map((c) => c._id))).size).toBe((streams * perStream) / 2);
      for (const r of rounds) {
        expect(r.events).toBe(r.commits.reduce((n, c) => n + c.events.length, 0));
        const times = [r.startedAt, r.sentAt, r.ackedAt, r.markedAt];
        expect(times).toEqual([...times].sort((x, y) => x - y));
      }
    } finally {
      await relay.stop();
    }
  });

  it('publishes each event once when its metrics callbacks throw', async () => {
    const { topic, store } = await freshStore();
    const failing = () => {
      throw new Error('metrics down');
    };
    const relay = new OutboxRelay(store, producer, { recoveryIntervalMs: 200, onRound: failing, onRecovered: failing });
    relay.start();
    try {
      for (let v = 0; v < 3; v++) await store.append('report-T', v, [Happened({ n: v + 1 })], meta());
      await readTopic(kafka, topic, (r) => r.length >= 3);
      await new Promise((r) => setTimeout(r, 1_000)); // a round put back would go out again meanwhile
      expect(versionsByStream(await readTopic(kafka, topic, (r) => r.length >= 3))).toEqual(new Map([['report-T', [1, 2, 3]]]));
      expect(await store.commits.countDocuments({ published: false })).toBe(0);
    } finally {
      await relay.stop();
    }
  });

  (ownsBroker ? it : it.skip)('loses nothing when the broker restarts in the middle of publishing', async () => {
    const { topic, store } = await freshStore();
    const relay = new OutboxRelay(store, producer, { recoveryIntervalMs: 200, batchSize: 50 });
    relay.start();
    const total = 600;
    let appended = 0;
    const writer = (async () => {
      for (let i = 0; i < total; i++) {
        await store.append(`s-${i}`, 0, [Happened({ n: i })], meta());
        appended++;
        if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
      }
    })();
    try {
      while (appended < total / 3) await new Promise((r) => setTimeout(r, 20));
      execFileSync('bash', ['infra/bin/infra', 'restart-kafka'], { stdio: 'inherit', env: process.env, timeout: 120_000 });
      await writer;
      const received = await readTopic(kafka, topic, (r) => new Set(r.map((m) => m.message.key!.toString())).size >= total, 90_000);
      const keys = new Set(received.map((m) => m.message.key!.toString()));
      expect(keys.size).toBe(total);
      expect(await store.commits.countDocuments({ published: false })).toBe(0);
    } finally {
      await writer.catch(() => undefined);
      await relay.stop();
    }
  });

  it('publishes another instance’s unpublished commits first, so a stream stays in order', async () => {
    const { topic, store } = await freshStore();
    // Instance 1 appends and crashes before its relay publishes anything.
    await store.append('report-X', 0, [Happened({ n: 1 }), Happened({ n: 2 })], meta());
    await store.append('report-X', 2, [Happened({ n: 3 })], meta());
    // Instance 2 (its own store object and relay, as another process would have) appends on top.
    const other = new MongoEventStore(mongo.db(dbName), { producer: 'test', topic, collection: store.commits.collectionName });
    const relay = new OutboxRelay(other, producer, { recoveryIntervalMs: 60_000 });
    relay.start();
    try {
      await other.append('report-X', 3, [Happened({ n: 4 })], meta());
      const received = await readTopic(kafka, topic, (r) => r.length >= 4);
      expect(versionsByStream(received).get('report-X')).toEqual([1, 2, 3, 4]);
      expect(await store.commits.countDocuments({ published: false })).toBe(0);
    } finally {
      await relay.stop();
    }
  });
});
