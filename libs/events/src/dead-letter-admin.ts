import { randomUUID } from 'node:crypto';
import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { headerString } from './codec';
import { withoutDeadLetterHeaders } from './dead-letters';
import { createEventProducer, whileBrokerSettles } from './kafka';

/** Every dead-letter topic is named so (topics.ts deadLetterTopic). */
export const DEAD_LETTER_TOPIC_PATTERN = /^callcenter\.(.+)\.dead-letter\.v1$/;

/** On a replayed event (and on the mark left on the dead-letter topic): which parked copy it came from. */
export const REPLAYED_FROM_HEADER = 'replayed-from-dead-letter';
/** A mark on a dead-letter topic: `<partition>:<offset>` of the parked copy that was replayed. */
export const REPLAY_MARK_HEADER = 'dlt-replay-of';

/** One parked message, as a dead-letter topic holds it. */
export interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  /** `<partition>:<offset>`, how the tool names it. */
  id: string;
  key: string | null;
  value: Buffer | null;
  headers: IHeaders;
  sourceTopic: string | null;
  sourcePartition: number | null;
  sourceOffset: string | null;
  group: string | null;
  eventType: string;
  reason: string;
  error: string;
  attempts: number;
  failedAt: string | null;
  /** Where it was republished, when it was, if it has been replayed. */
  replayed: { at: string; to: string } | null;
}

/** Reasons whose parked event may go back on its topic: the event itself was accepted, its handling failed. */
export const REPLAYABLE_REASONS = new Set(['handler-failed', 'invalid']);

export async function listDeadLetterTopics(kafka: Kafka): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).filter((t) => DEAD_LETTER_TOPIC_PATTERN.test(t)).sort();
  } finally {
    await admin.disconnect();
  }
}

/** Reads a whole topic, every partition from its first to its last offset, with a throw-away group. */
export async function readWholeTopic(kafka: Kafka, topic: string): Promise<(KafkaMessage & { partition: number })[]> {
  const admin = kafka.admin();
  await admin.connect();
  const last = new Map<number, bigint>();
  try {
    for (const p of await whileBrokerSettles(() => admin.fetchTopicOffsets(topic))) {
      if (BigInt(p.high) > BigInt(p.low)) last.set(p.partition, BigInt(p.high) - 1n);
    }
  } finally {
    await admin.disconnect();
  }
  const messages: (KafkaMessage & { partition: number })[] = [];
  if (last.size === 0) return messages;
  const groupId = `dlt-tool-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const end = last.get(batch.partition);
            if (end === undefined) return;
            for (const m of batch.messages) {
              if (BigInt(m.offset) > end) break;
              messages.push({ ...m, partition: batch.partition });
              if (BigInt(m.offset) === end) {
                last.delete(batch.partition);
                if (last.size === 0) resolve();
              }
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    const cleanup = kafka.admin();
    await cleanup.connect();
    await cleanup.deleteGroups([groupId]).catch(() => undefined);
    await cleanup.disconnect();
  }
  return messages.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

/** The parked messages of a dead-letter topic, each with whether (and where) it has been replayed. */
export async function readDeadLetters(kafka: Kafka, topic: string): Promise<DeadLetter[]> {
  const all = await readWholeTopic(kafka, topic);
  const replays = new Map<string, { at: string; to: string }>();
  for (const m of all) {
    const of = headerString(m.headers, REPLAY_MARK_HEADER);
    if (of) replays.set(of, { at: headerString(m.headers, 'dlt-replayed-at') ?? '', to: headerString(m.headers, 'dlt-replayed-to') ?? '' });
  }
  return all
    .filter((m) => !headerString(m.headers, REPLAY_MARK_HEADER))
    .map((m) => {
      const h = (name: string) => headerString(m.headers, name) ?? null;
      const id = `${m.partition}:${m.offset}`;
      return {
        topic,
        partition: m.partition,
        offset: m.offset,
        id,
        key: m.key?.toString() ?? null,
        value: m.value,
        headers: m.headers ?? {},
        sourceTopic: h('dlt-source-topic'),
        sourcePartition: h('dlt-source-partition') === null ? null : Number(h('dlt-source-partition')),
        sourceOffset: h('dlt-source-offset'),
        group: h('dlt-consumer-group'),
        eventType: h('dlt-event-type') ?? 'unknown',
        reason: h('dlt-reason') ?? 'unknown',
        error: h('dlt-error') ?? '',
        attempts: Number(h('dlt-attempts') ?? 0),
        failedAt: h('dlt-failed-at'),
        replayed: replays.get(id) ?? null,
      };
    });
}

export interface ReplayOutcome {
  replayed: { id: string; to: string }[];
  /** Already replayed before (a second replay changes nothing), or not replayable, with why. */
  skipped: { id: string; why: string }[];
}

/**
 * Puts parked events back on their source topic, once each: the original key, value and headers
 * (without the `dlt-*` ones, plus `replayed-from-dead-letter`), on the partition they came from.
 * Each replay leaves a mark on the dead-letter topic, so a second replay of the same letter is
 * skipped. The mark is written after the event: a crash between the two can republish one event
 * twice, which the consumers' idempotence (by stream version) absorbs. Every consumer group of the
 * source topic sees the replayed event; those that had handled it ignore it.
 * Refuses events parked as undecodable (they would fail again) or from a foreign producer (that
 * would publish a forgery under the operator's name).
 */
export async function replayDeadLetters(kafka: Kafka, letters: DeadLetter[], now: () => Date = () => new Date()): Promise<ReplayOutcome> {
  const outcome: ReplayOutcome = { replayed: [], skipped: [] };
  const producer = createEventProducer(kafka);
  await producer.connect();
  try {
    for (const letter of letters) {
      if (letter.replayed) {
        outcome.skipped.push({ id: letter.id, why: `already replayed at ${letter.replayed.at} to ${letter.replayed.to}` });
        continue;
      }
      if (!REPLAYABLE_REASONS.has(letter.reason)) {
        outcome.skipped.push({ id: letter.id, why: `parked as ${letter.reason}: not replayable` });
        continue;
      }
      if (!letter.sourceTopic) {
        outcome.skipped.push({ id: letter.id, why: 'no dlt-source-topic header' });
        continue;
      }
      const from = `${letter.topic}:${letter.id}`;
      const [sent] = await producer.send({
        topic: letter.sourceTopic,
        acks: -1,
        messages: [
          {
            key: letter.key,
            value: letter.value,
            partition: letter.sourcePartition ?? undefined,
            headers: { ...withoutDeadLetterHeaders(letter.headers), [REPLAYED_FROM_HEADER]: from },
          },
        ],
      });
      const to = `${letter.sourceTopic}/${sent.partition}@${sent.baseOffset ?? sent.offset}`;
      await producer.send({
        topic: letter.topic,
        acks: -1,
        messages: [
          { key: letter.key, value: null, headers: { [REPLAY_MARK_HEADER]: letter.id, 'dlt-replayed-at': now().toISOString(), 'dlt-replayed-to': to } },
        ],
      });
      outcome.replayed.push({ id: letter.id, to });
    }
  } finally {
    await producer.disconnect();
  }
  return outcome;
}

/**
 * The one place a dead letter is turned into text for a person (the `dlt` tool's `show` and
 * `list`). Anything that must not be shown as stored (sealed or erased personal data, "[dihapus]")
 * is handled here, by `revealPayload`, so every output of the tool goes through it.
 */
export function renderDeadLetter(
  letter: DeadLetter,
  options: { payload?: boolean; revealPayload?: (value: unknown, letter: DeadLetter) => unknown } = {},
): string {
  const lines = [
    `${letter.id}  ${letter.eventType}  key ${letter.key ?? '-'}  ${letter.reason}  ${letter.failedAt ?? '-'}${letter.replayed ? `  replayed ${letter.replayed.at} → ${letter.replayed.to}` : ''}`,
  ];
  if (!options.payload) return lines[0];
  lines.push(
    `  dead-letter topic: ${letter.topic}`,
    `  from: ${letter.sourceTopic ?? '-'}/${letter.sourcePartition ?? '-'}@${letter.sourceOffset ?? '-'} (group ${letter.group ?? '-'}, ${letter.attempts} attempt(s))`,
    `  error: ${letter.error}`,
  );
  const text = letter.value?.toString('utf8') ?? '';
  let payload: unknown = text;
  try {
    payload = JSON.parse(text);
  } catch {
    // not JSON (parked as undecodable): shown as the text it is
  }
  const shown = options.revealPayload ? options.revealPayload(payload, letter) : payload;
  lines.push('  payload:', ...(typeof shown === 'string' ? shown : JSON.stringify(shown, null, 2)).split('\n').map((l) => `    ${l}`));
  return lines.join('\n');
}
