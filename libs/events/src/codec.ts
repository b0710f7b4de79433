import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { EventEnvelope } from './envelope';

/** Kafka headers carried by every event, so tools (kcat, DLT readers) need not parse the value. */
export const HEADERS = {
  type: 'event-type',
  schemaVersion: 'schema-version',
  eventId: 'event-id',
  correlationId: 'correlation-id',
  producer: 'producer',
  contentType: 'content-type',
} as const;

export function toKafkaMessage(envelope: EventEnvelope): Message {
  return {
    key: envelope.streamId,
    value: JSON.stringify(envelope),
    timestamp: String(Date.parse(envelope.recordedAt)),
    headers: {
      [HEADERS.type]: envelope.type,
      [HEADERS.schemaVersion]: String(envelope.schemaVersion),
      [HEADERS.eventId]: envelope.eventId,
      [HEADERS.correlationId]: envelope.correlationId,
      [HEADERS.producer]: envelope.producer,
      [HEADERS.contentType]: 'application/json',
    },
  };
}

export class UndecodableMessage extends Error {}

const REQUIRED: (keyof EventEnvelope)[] = ['eventId', 'type', 'schemaVersion', 'streamId', 'streamVersion', 'data'];

export function fromKafkaMessage(message: Pick<KafkaMessage, 'value'>): EventEnvelope {
  if (!message.value) throw new UndecodableMessage('empty message value');
  let parsed: any;
  try {
    parsed = JSON.parse(message.value.toString('utf8'));
  } catch (e) {
    throw new UndecodableMessage(`value is not JSON: ${(e as Error).message}`);
  }
  const missing = REQUIRED.filter((k) => parsed?.[k] === undefined);
  if (missing.length) throw new UndecodableMessage(`not an event envelope, missing ${missing.join(', ')}`);
  if (!Number.isInteger(parsed.streamVersion) || parsed.streamVersion < 1) {
    throw new UndecodableMessage('streamVersion must be a positive integer');
  }
  return parsed as EventEnvelope;
}

export function headerString(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  if (v === undefined) return undefined;
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined ? undefined : first.toString();
}
