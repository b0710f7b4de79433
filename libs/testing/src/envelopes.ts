import { randomUUID } from 'node:crypto';
import { DomainEvent, EventDefinition, EventEnvelope, toEnvelopes } from '@callcenter/events';

/** Where and by whom a fixture event was recorded; everything but the stream has a test default. */
export interface RecordedAs {
  streamId: string;
  /** Its position in the stream (1-based). */
  streamVersion: number;
  producer: string;
  actor?: string;
  /** When it happened (default now). */
  at?: Date;
  /** When the store accepted it (default `at`). */
  recordedAt?: Date;
  correlationId?: string;
  causationId?: string | null;
}

/**
 * A fixture event in its envelope, built from the catalogue's typed constructor
 * (`envelopeOf(ReportClaimed, { … }, { streamId, streamVersion: 2, producer: 'triage' })`), so a
 * fixture is checked against the event's schema by the compiler and numbered by the event store's
 * own `toEnvelopes`: it cannot drift from what services write.
 */
export function envelopeOf<Type extends string, Data>(definition: EventDefinition<Type, Data>, data: Data, as: RecordedAs): EventEnvelope<Type, Data> {
  const at = as.at ?? new Date();
  const [envelope] = toEnvelopes(
    as.streamId,
    as.streamVersion - 1,
    [definition(data) as DomainEvent],
    { actor: as.actor ?? 'system', correlationId: as.correlationId ?? randomUUID(), causationId: as.causationId ?? null, now: at },
    {
      producer: as.producer,
      recordedAt: as.recordedAt ?? at,
      schemaVersionOf: () => definition.schemaVersion,
      newId: randomUUID,
    },
  );
  return envelope as EventEnvelope<Type, Data>;
}
