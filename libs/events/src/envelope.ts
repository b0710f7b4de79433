/**
 * The envelope every event travels in, in the store and on Kafka (DESIGN.md, "Events").
 * Times are ISO-8601 UTC strings so an envelope survives JSON unchanged.
 */
export interface EventEnvelope<Type extends string = string, Data = unknown> {
  eventId: string;
  /** Past tense and stable, never derived from a class name. */
  type: Type;
  schemaVersion: number;
  /** reportId, unitId, incidentId …: Kafka key, so a stream stays in one partition. */
  streamId: string;
  /** 1-based position of the event in its stream. */
  streamVersion: number;
  /** When it happened in the domain (the command's time). */
  occurredAt: string;
  /** When the event store accepted it. */
  recordedAt: string;
  /** The service that wrote it. */
  producer: string;
  /** Who did it: operator/dispatcher id, calling system id, or `system`. */
  actor: string;
  correlationId: string;
  /** The event or request that caused this one; null when a person or system started it. */
  causationId: string | null;
  data: Data;
}

/** What a decider returns: the domain fact, without any metadata. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

/** Who, when and why of a command. It comes in with the command: domain code never reads a clock. */
export interface CommandMetadata {
  actor: string;
  correlationId: string;
  causationId?: string | null;
  now: Date;
}

export const SYSTEM_ACTOR = 'system';
