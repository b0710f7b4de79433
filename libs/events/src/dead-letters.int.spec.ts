import { Admin } from 'kafkajs';
import { eventually, handBuiltEnvelope, holdsFor, kafkaForSpec, uniqueName } from '@callcenter/testing';
import { toKafkaMessage } from './codec';
import { ensureDeadLetterTopic, topicConfig } from './dead-letters';
import { ensureTopics, KafkaLogger } from './kafka';
import { consumerMetrics } from './metrics';
import { deadLetterTopic } from './topics';

const event = (streamId: string, streamVersion: number, type = 'Counted') => handBuiltEnvelope(streamId, streamVersion, { type });

/** What a MongoDB driver throws while the server is away. */
function databaseAway(): Error {
  return Object.assign(new Error('connection refused'), { name: 'MongoNetworkError' });
}

async function members(admin: Admin, groupId: string): Promise<string[]> {
  const { groups } = await admin.describeGroups([groupId]);
  return groups[0].state === 'Stable' ? groups[0].members.map((m) => m.memberId) : [];
}

describe('dead letters and consumer liveness (real Kafka)', () => {
  const bus = kafkaForSpec();
  const freshTopic = (partitions = 1) => bus.freshTopic('it.dlt', partitions);

  it('keeps its group membership while a handler waits out a database outage longer than the session timeout, and handles everything once', async () => {
    const handled: string[] = [];
    let outageUntil = 0;
    const { topic, groupId } = await bus.consumeFresh('it.dlt', 1, {
      sessionTimeoutMs: 6_000,
      maxBackoffMs: 1_000,
      lagIntervalMs: 0,
      handle: async (e) => {
        if (e.streamVersion === 4 && outageUntil === 0) outageUntil = Date.now() + 12_000; // twice the session timeout
        if (Date.now() < outageUntil) throw databaseAway();
        handled.push(e.eventId);
      },
    });
    const before = await eventually(
      () => members(bus.admin, groupId),
      (m) => m.length === 1,
      30_000,
    );
    // Events 1–3 are handled before the outage, in the same batch as 4 (resolved, not yet committed).
    await bus.producer.send({ topic, messages: [1, 2, 3, 4, 5, 6].map((v) => toKafkaMessage(event('r', v))) });
    await eventually(
      async () => handled.length,
      (n) => n >= 6,
      40_000,
      200,
    );
    await holdsFor(
      async () => handled.length,
      (n) => n === 6,
      2_000,
    ); // a redelivery after a rebalance would show by now
    expect(Date.now()).toBeGreaterThan(outageUntil);
    expect(handled).toEqual(['r-1', 'r-2', 'r-3', 'r-4', 'r-5', 'r-6']);
    expect(await members(bus.admin, groupId)).toEqual(before);
  }, 90_000);

  it('logs every dead letter at error level with its topic, key, event type and reason, and counts it', async () => {
    const errors: { message: string; context: any }[] = [];
    const logger: KafkaLogger = { log() {}, warn() {}, error: (message, context) => void errors.push({ message, context }) };
    const { topic, groupId } = await bus.consumeFresh('it.dlt', 3, {
      maxAttempts: 2,
      initialBackoffMs: 10,
      lagIntervalMs: 0,
      logger,
      handle: async (e) => {
        if (e.streamId === 'poison') throw new TypeError("Cannot read properties of undefined (reading 'reportId')");
      },
    });
    await bus.producer.send({ topic, messages: [toKafkaMessage(event('poison', 1, 'ReportClaimed'))] });
    const [logged] = await eventually(
      async () => errors.filter((e) => e.message.startsWith('dead-lettered')),
      (e) => e.length === 1,
    );
    expect(logged.context).toMatchObject({
      group: groupId,
      topic,
      key: 'poison',
      eventType: 'ReportClaimed',
      reason: 'handler-failed',
      attempts: 2,
      error: "TypeError: Cannot read properties of undefined (reading 'reportId')",
    });
    const counted = (await consumerMetrics.deadLettered.get()).values.find((v) => v.labels.group === groupId && v.labels.reason === 'handler-failed');
    expect(counted?.value).toBe(1);
  });

  it('gives a dead-letter topic a bounded retention, read back from the broker, also one created before it was bounded', async () => {
    const topic = await freshTopic();
    const groupId = uniqueName('group');
    const dlt = deadLetterTopic(groupId);
    bus.topics.push(dlt);
    const threeDays = String(3 * 86_400_000);
    await bus.startConsumer({
      groupId,
      topics: [topic],
      lagIntervalMs: 0,
      deadLetterRetentionMs: 3 * 86_400_000,
      handle: async () => undefined,
    });
    expect((await topicConfig(bus.admin, dlt))['retention.ms']).toBe(threeDays);
    expect((await topicConfig(bus.admin, topic))['retention.ms']).toBe('-1'); // event topics keep everything

    const older = deadLetterTopic(uniqueName('group'));
    bus.topics.push(older);
    await ensureTopics(bus.admin, [{ topic: older }]); // as dead-letter topics were created before
    expect((await topicConfig(bus.admin, older))['retention.ms']).toBe('-1');
    await ensureDeadLetterTopic(bus.admin, older, 3 * 86_400_000);
    expect((await topicConfig(bus.admin, older))['retention.ms']).toBe(threeDays);
  });
});
