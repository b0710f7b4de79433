import { toKafkaMessage } from '@callcenter/events';
import { handBuiltEnvelope, kafkaForSpec, uniqueName } from './index';
import { readToEnd, tailToEnd } from './read-to-end';

describe('reading topics to where they end (real Kafka)', () => {
  const bus = kafkaForSpec();

  it('readToEnd hands over each message on the topics once, not one written after it started, and counts them', async () => {
    const [three, one] = [await bus.freshTopic('it.read-to-end', 3), await bus.freshTopic('it.read-to-end', 1)];
    await bus.producer.send({ topic: three, messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `three-${i}` })) });
    await bus.producer.send({ topic: one, messages: Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: `one-${i}` })) });
    const seen: string[] = [];
    const late = uniqueName('late');
    const { read } = await readToEnd(bus.kafka, [three, one], (m, topic) => {
      seen.push(`${topic === one ? 'one' : 'three'}:${m.value}`);
      if (seen.length === 1) void bus.producer.send({ topic: one, messages: [{ key: late, value: late }] });
    });
    expect(read).toBe(35);
    expect(new Set(seen).size).toBe(35);
    expect(seen.filter((s) => s.includes(late))).toEqual([]);
    expect((await readToEnd(bus.kafka, [await bus.freshTopic('it.read-to-end.empty')], () => undefined)).read).toBe(0);
  });

  it('tailToEnd is through when the tail has passed the end of every partition, though it refused the last event (never handed over)', async () => {
    const topic = await bus.freshTopic('it.tail-to-end', 2);
    // The last event of one stream is not a valid envelope of its type: the tail refuses it, and a count of handed events never ends.
    const events = [1, 2, 3].map((v) => handBuiltEnvelope('s', v, { type: 'Counted', data: { n: v } }));
    const refusedLast = handBuiltEnvelope('s', 4, { type: 'TriageCaseOpened', data: {} });
    await bus.producer.send({ topic, messages: [...events, refusedLast, handBuiltEnvelope('t', 1, { type: 'Counted', data: {} })].map(toKafkaMessage) });
    const [handed, refused] = [[] as string[], [] as string[]];
    await tailToEnd(bus.kafka, [topic], (batch) => handed.push(...batch.map((e) => e.eventId)), {
      onRefused: (r) => refused.push(r.reason),
      timeoutMs: 60_000,
    });
    expect(handed.sort()).toEqual(['s-1', 's-2', 's-3', 't-1']);
    expect(refused).toEqual(['invalid']);
  });
});
