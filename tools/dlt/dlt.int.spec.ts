import { eventually, handBuiltEnvelope, holdsFor, kafkaForSpec, uniqueName } from '@callcenter/testing';
import { EventConsumer, headerString, readWholeTopic, REPLAYED_FROM_HEADER, toKafkaMessage } from '@callcenter/events';
import { deadLetterTopic } from '@callcenter/events';
import { runDeadLetterTool } from './dlt.cli';

// Built by hand on purpose, not with envelopeOf: the dead-letter tool moves any envelope whatever its
// type, so the test uses a type no catalogue has, numbered so each replayed letter can be recognised.
const event = (streamId: string, streamVersion: number) => handBuiltEnvelope(streamId, streamVersion, { type: 'ReportReceivedLike', correlationId: 'corr-1' });

describe('npm run dlt: list, show and replay dead letters after a fix (real Kafka)', () => {
  const bus = kafkaForSpec();
  let topic: string;
  const group = uniqueName('dlt-group');
  const handled: string[] = [];
  let fixed = false;

  const tool = async (...argv: string[]) => {
    const lines: string[] = [];
    const code = await runDeadLetterTool(argv, bus.kafka, (l) => lines.push(l));
    return { code, text: lines.join('\n') };
  };

  beforeAll(async () => {
    topic = await bus.freshTopic('it.dlt-tool', 3);
    bus.topics.push(deadLetterTopic(group));
    const consumer = new EventConsumer({
      kafka: bus.kafka,
      groupId: group,
      topics: [topic],
      maxAttempts: 2,
      initialBackoffMs: 10,
      lagIntervalMs: 0,
      topicOwners: { [topic]: 'test' },
      handle: async (e) => {
        if (e.streamId === 'broken' && !fixed) throw new Error('a bug in the handler');
        handled.push(e.eventId);
      },
    });
    bus.stopAfterAll(consumer);
    await consumer.start();
  });

  it('lists and shows a parked event, replays it once to its source topic with its key and headers, and a second replay changes nothing', async () => {
    const original = toKafkaMessage(event('broken', 1));
    await bus.producer.send({ topic, messages: [original, toKafkaMessage(event('fine', 1))] });
    await eventually(
      async () => handled,
      (h) => h.includes('fine-1'),
    );
    const listed = await eventually(
      () => tool('list', '--group', group),
      (r) => / ReportReceivedLike  key broken  handler-failed /.test(r.text),
    );
    expect(listed.text).toContain(`${deadLetterTopic(group)}: 1 parked, 1 not replayed`);
    const id = /^\s+(\d+:\d+)  ReportReceivedLike/m.exec(listed.text)![1];

    const shown = await tool('show', id, '--group', group);
    expect(shown.code).toBe(0);
    expect(shown.text).toContain('error: Error: a bug in the handler');
    expect(shown.text).toContain(`from: ${topic}/`);
    expect(shown.text).toContain('"streamId": "broken"');
    expect((await tool('show', '9:999', '--group', group)).code).toBe(1);
    expect((await tool('list', '--group', 'no-such-group')).text).toMatch(/no dead-letter topic callcenter.no-such-group.dead-letter.v1/);

    fixed = true; // the fix is deployed
    const replayed = await tool('replay', '--offset', id, '--group', group);
    expect(replayed.text).toMatch(new RegExp(`replayed ${id} → ${topic.replace(/\./g, '\\.')}/\\d+@\\d+`));
    await eventually(
      async () => handled,
      (h) => h.includes('broken-1'),
    );

    const again = await tool('replay', '--from', '2000-01-01T00:00:00Z', '--group', group);
    expect(again.text).toMatch(new RegExp(`skipped ${id}: already replayed at `));
    expect(again.text).toContain('0 replayed, 1 skipped');
    expect((await tool('list', '--group', group)).text).toContain('1 parked, 0 not replayed');

    await holdsFor(
      async () => handled.filter((h) => h === 'broken-1').length,
      (n) => n === 1,
      1_500,
    ); // the skipped replay is not handled again
    // On the source topic: the original and its one replay, with the same key and headers.
    const copies = (await readWholeTopic(bus.kafka, topic)).filter((m) => m.key?.toString() === 'broken');
    expect(copies).toHaveLength(2);
    const replay = copies.find((m) => headerString(m.headers, REPLAYED_FROM_HEADER))!;
    expect(copies[0].partition).toBe(replay.partition);
    for (const name of Object.keys(original.headers!)) expect(headerString(replay.headers, name)).toBe(String(original.headers![name]));
    expect(Object.keys(replay.headers!).filter((h) => h.startsWith('dlt-'))).toEqual([]);
  });

  it('refuses what it cannot do, naming what is wrong', async () => {
    await expect(tool('replay', '--group', group)).rejects.toThrow(/--offset P:O, or --from TIME/);
    await expect(tool('replay', '--from', 'yesterday', '--group', group)).rejects.toThrow(/--from must be a time/);
    await expect(tool('replay', '--offset', '1:2')).rejects.toThrow(/--group or --topic/);
    await expect(tool('frobnicate')).rejects.toThrow(/unknown command frobnicate/);
  });
});
