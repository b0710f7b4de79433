import type { Admin, IHeaders, KafkaMessage, Message } from 'kafkajs';
import { headerString, HEADERS } from './codec';
import type { KafkaLogger } from './kafka';
import { whileBrokerSettles } from './kafka';
import { consumerMetrics } from './metrics';

export const DEAD_LETTER_REASONS = ['handler-failed', 'undecodable', 'foreign-producer', 'invalid'] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/**
 * How long a dead-letter topic keeps what it parked. Event topics keep everything (replay from
 * offset 0); a dead letter is a copy of an event that is still on its source topic, kept for
 * someone to look at and replay (npm run dlt), so it need not outlive the personal data it holds.
 * `DEAD_LETTER_RETENTION_DAYS` (validated by PlatformConfig) sets it; default 30 days.
 */
export function deadLetterRetentionMs(env: Record<string, string | undefined> = process.env): number {
  const days = Number(env.DEAD_LETTER_RETENTION_DAYS ?? 30);
  return Math.round((Number.isFinite(days) && days > 0 ? days : 30) * 86_400_000);
}

/**
 * Creates a dead-letter topic with a bounded retention, or bounds the retention of one that exists
 * (created before retention was bounded, or with another setting).
 */
export async function ensureDeadLetterTopic(admin: Admin, topic: string, retentionMs = deadLetterRetentionMs(), partitions = 6): Promise<void> {
  const configEntries = [
    { name: 'retention.ms', value: String(retentionMs) },
    { name: 'retention.bytes', value: '-1' },
    { name: 'cleanup.policy', value: 'delete' },
  ];
  await whileBrokerSettles(async () => {
    if (!(await admin.listTopics()).includes(topic)) {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: -1, configEntries }] });
      await admin.fetchTopicMetadata({ topics: [topic] });
      return;
    }
    if ((await topicConfig(admin, topic))['retention.ms'] === String(retentionMs)) return;
    // ResourceTypes.TOPIC = 2. alterConfigs replaces the topic's overrides: all three are given.
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: topic, configEntries }] });
  });
}

/** A topic's configuration as the broker answers it (name → value). */
export async function topicConfig(admin: Admin, topic: string): Promise<Record<string, string>> {
  const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic }] });
  return Object.fromEntries(described.resources[0].configEntries.map((e) => [e.configName, e.configValue]));
}

/** What failed, where and why: the `dlt-*` headers of a parked message. */
export interface DeadLetterFailure {
  error: string;
  attempts: number;
  group: string;
  reason: DeadLetterReason;
}

/** The parked copy of a message: its key, value and headers, plus what failed, where and why (`dlt-*`). */
export function deadLetterMessage(
  message: Pick<KafkaMessage, 'key' | 'value' | 'headers'>,
  context: { topic: string; partition: number; offset: string },
  failure: DeadLetterFailure,
): Message {
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...withoutDeadLetterHeaders(message.headers),
      'dlt-error': failure.error.slice(0, 4_000),
      'dlt-attempts': String(failure.attempts),
      'dlt-consumer-group': failure.group,
      'dlt-source-topic': context.topic,
      'dlt-source-partition': String(context.partition),
      'dlt-source-offset': context.offset,
      'dlt-failed-at': new Date().toISOString(),
      'dlt-event-type': headerString(message.headers, HEADERS.type) ?? 'unknown',
      'dlt-reason': failure.reason,
    },
  };
}

/** The headers of the original event: a parked copy's `dlt-*` headers (and replay marks) removed. */
export function withoutDeadLetterHeaders(headers: IHeaders | undefined): IHeaders {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !name.startsWith('dlt-')));
}

/**
 * Every dead letter is counted (`callcenter_events_dead_lettered_total`, alert EventDeadLettered)
 * and logged at error level with where it came from, its key, its event type and why: a parked
 * ReportReceived is a report nobody will see until someone replays it.
 */
export function recordDeadLetter(
  logger: KafkaLogger | undefined,
  where: { group: string; topic: string; partition: number; offset: string },
  message: Pick<KafkaMessage, 'key' | 'headers'>,
  failure: { reason: DeadLetterReason; error: string; attempts: number },
): void {
  consumerMetrics.deadLettered.inc({ group: where.group, topic: where.topic, reason: failure.reason });
  logger?.error(`dead-lettered ${where.topic}/${where.partition}@${where.offset}`, {
    ...where,
    key: message.key?.toString() ?? null,
    eventType: headerString(message.headers, HEADERS.type) ?? 'unknown',
    reason: failure.reason,
    attempts: failure.attempts,
    error: failure.error,
  });
}
