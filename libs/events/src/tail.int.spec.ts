import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { eventually, handBuiltEnvelope, holdsFor, kafkaForSpec, readTopic, uniqueName } from '@callcenter/testing';
import { headerString, toKafkaMessage } from './codec';
import { whileBrokerSettles } from './kafka';
import { TopicTail } from './tail';
import { deadLetterTopic } from './topics';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../..');

const event = (streamId: string, streamVersion: number, type = 'Counted', data: unknown = { n: streamVersion }) =>
  handBuiltEnvelope(streamId, streamVersion, { type, data });

const owners = (topic: string) => ({ [topic]: 'test' });

describe('TopicTail: in-memory views (real Kafka)', () => {
  const bus = kafkaForSpec();
  const freshTopic = () => bus.freshTopic('it.tail', 3);

  it('skips and dead-letters an event that is JSON but invalid, and one the view throws on, and goes on with the next', async () => {
    const topic = await freshTopic();
    const group = uniqueName('view');
    bus.topics.push(deadLetterTopic(group));
    const handed: string[] = [];
    const refused: string[] = [];
    const tail = new TopicTail({
      kafka: bus.kafka,
      topic,
      since: 'earliest',
      groupPrefix: group,
      deadLetterGroup: group,
      topicOwners: owners(topic),
      onRefused: (r) => refused.push(r.reason),
      handle: (events) => {
        for (const e of events) if ((e.data as { explode?: boolean }).explode) throw new TypeError('the view cannot apply this');
        handed.push(...events.map((e) => e.eventId));
      },
    });
    bus.stopAfterAll(tail);
    await tail.start();
    // One stream, so one partition and this order.
    await bus.producer.send({
      topic,
      messages: [
        event('s', 1),
        event('s', 2, 'TriageCaseOpened', {}), // an envelope, but no report in it
        event('s', 3, 'Counted', { explode: true }),
        event('s', 4),
      ].map(toKafkaMessage),
    });
    await eventually(
      async () => handed,
      (h) => h.includes('s-4'),
    );
    expect(handed).toEqual(['s-1', 's-4']);
    expect(refused.sort()).toEqual(['handler-failed', 'invalid']);
    const parked = await readTopic(bus.kafka, deadLetterTopic(group), (r) => r.length >= 2);
    expect(parked.map((p) => headerString(p.message.headers, 'dlt-reason')).sort()).toEqual(['handler-failed', 'invalid']);
    expect(headerString(parked.find((p) => headerString(p.message.headers, 'dlt-reason') === 'invalid')!.message.headers, 'dlt-error')).toMatch(
      /InvalidEvent: TriageCaseOpened s@2: data\.reportId must be string/,
    );
  });

  it('starts at given offsets (a view restored from a snapshot), and at the beginning of a partition not named', async () => {
    const topic = await freshTopic();
    // Two streams, each keyed to its own partition.
    await bus.producer.send({ topic, messages: [1, 2, 3, 4].map((v) => ({ ...toKafkaMessage(event('p0', v)), partition: 0 })) });
    await bus.producer.send({ topic, messages: [1, 2].map((v) => ({ ...toKafkaMessage(event('p1', v)), partition: 1 })) });
    const handed: string[] = [];
    const tail = new TopicTail({
      kafka: bus.kafka,
      topic,
      since: { offsets: new Map([[`${topic}/0`, '2']]) },
      groupPrefix: uniqueName('view'),
      topicOwners: owners(topic),
      handle: (events) => void handed.push(...events.map((e) => e.eventId)),
    });
    bus.stopAfterAll(tail);
    await tail.start();
    await eventually(
      async () => handed,
      (h) => h.length >= 4,
    );
    expect(handed.filter((id) => id.startsWith('p0'))).toEqual(['p0-3', 'p0-4']);
    expect(handed.filter((id) => id.startsWith('p1'))).toEqual(['p1-1', 'p1-2']);
  });

  // It restarts the broker: only the project's own local Kafka (scripts/test.sh starts one, INFRA_DATA_DIR says where).
  (process.env.INFRA_DATA_DIR ? it : it.skip)(
    'resumes from its position after a broker restart: nothing handed twice, nothing lost',
    async () => {
      const topic = await freshTopic();
      const handed: string[] = [];
      const tail = new TopicTail({
        kafka: bus.kafka,
        topic,
        since: 'earliest',
        groupPrefix: uniqueName('view'),
        topicOwners: owners(topic),
        handle: (events) => void handed.push(...events.map((e) => e.eventId)),
      });
      bus.stopAfterAll(tail);
      await tail.start();
      const batch = (from: number) => Array.from({ length: 30 }, (_, i) => toKafkaMessage(event(`s${i % 6}`, from + Math.floor(i / 6))));
      await bus.producer.send({ topic, messages: batch(1) });
      await eventually(
        async () => handed.length,
        (n) => n === 30,
      );
      await run('bash', [resolve(ROOT, 'infra/bin/infra'), 'restart-kafka'], { env: process.env, timeout: 120_000 });
      // One send once the broker answers again, by an idempotent producer: its own retries cannot
      // write a message twice, so the topic holds exactly 60 and any extra is the tail's doing.
      await whileBrokerSettles(() => bus.admin.fetchTopicOffsets(topic), 30);
      const once = bus.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await once.connect();
      await once.send({ topic, messages: batch(6) });
      await once.disconnect();
      const stored = (await bus.admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
      expect(stored).toBe(60);
      await eventually(
        async () => handed.length,
        (n) => n >= 60,
        90_000,
        500,
      );
      await holdsFor(
        async () => handed.length,
        (n) => n === 60,
        3_000,
      ); // a re-read from the start would show by now
      expect(handed).toHaveLength(60);
      expect(new Set(handed).size).toBe(60);
    },
    240_000,
  );
});
