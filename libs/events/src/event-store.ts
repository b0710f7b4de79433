import { randomUUID } from 'node:crypto';
import { Collection, Db, MongoServerError } from 'mongodb';
import { ConcurrencyConflict } from '@callcenter/contracts';
import { CommandMetadata, DomainEvent, EventEnvelope } from './envelope';
import { EventRegistry } from './event-registry';

/**
 * One document per stream holds all of its events. Appending a command's events is a single
 * document write, so it is atomic without multi-document transactions (FerretDB and a MongoDB
 * replica set behave alike), and the version guard in the filter is the optimistic-concurrency
 * check: two writers expecting the same version cannot both match.
 *
 * `pending` marks streams with events the relay has not yet published; the relay clears it.
 * Caveat: a stream is capped by the 16 MiB document limit (≈ 30,000 typical events) — far above
 * a report's or incident's lifetime; long-lived streams (units) must stay within it.
 */
export interface StreamDocument {
  _id: string;
  version: number;
  events: EventEnvelope[];
  topic: string;
  publishedVersion: number;
  pending?: true;
  createdAt: Date;
  updatedAt: Date;
}

export interface AppendResult {
  /** The stream's version after the append. */
  version: number;
  events: EventEnvelope[];
}

export interface EventStoreOptions {
  /** This service's name, written as `producer` on every event. */
  producer: string;
  /** The Kafka topic the relay publishes this store's events to. */
  topic: string;
  registry?: EventRegistry;
  collection?: string;
}

const DUPLICATE_KEY = 11000;

export function isDuplicateKey(e: unknown): boolean {
  return e instanceof MongoServerError && e.code === DUPLICATE_KEY;
}

/**
 * Wraps a command's events in envelopes numbered on from `expectedVersion`. Pure: the clock and
 * the id generator come in as arguments.
 */
export function toEnvelopes(
  streamId: string,
  expectedVersion: number,
  events: DomainEvent[],
  meta: CommandMetadata,
  context: { producer: string; recordedAt: Date; schemaVersionOf: (type: string) => number; newId: () => string },
): EventEnvelope[] {
  if (!Number.isInteger(expectedVersion) || expectedVersion < 0) {
    throw new RangeError(`expected version must be a whole number ≥ 0, got ${expectedVersion}`);
  }
  return events.map((e, i) => ({
    eventId: context.newId(),
    type: e.type,
    schemaVersion: context.schemaVersionOf(e.type),
    streamId,
    streamVersion: expectedVersion + i + 1,
    occurredAt: meta.now.toISOString(),
    recordedAt: context.recordedAt.toISOString(),
    producer: context.producer,
    actor: meta.actor,
    correlationId: meta.correlationId,
    causationId: meta.causationId ?? null,
    data: e.data,
  }));
}

export class MongoEventStore {
  readonly streams: Collection<StreamDocument>;
  readonly registry: EventRegistry;
  private readonly listeners = new Set<() => void>();

  constructor(readonly db: Db, private readonly options: EventStoreOptions) {
    this.streams = db.collection<StreamDocument>(options.collection ?? 'event_streams');
    this.registry = options.registry ?? new EventRegistry();
  }

  get producer(): string {
    return this.options.producer;
  }

  async ensureIndexes(): Promise<void> {
    await this.streams.createIndex({ pending: 1 }, { name: 'pending' });
  }

  /**
   * Appends the events of one command at `expectedVersion` (0 = the stream must not exist).
   * Throws ConcurrencyConflict when the stream is elsewhere; nothing is written then.
   */
  async append(
    streamId: string,
    expectedVersion: number,
    events: DomainEvent[],
    meta: CommandMetadata,
  ): Promise<AppendResult> {
    if (events.length === 0) return { version: expectedVersion, events: [] };
    const recordedAt = new Date();
    const envelopes = toEnvelopes(streamId, expectedVersion, events, meta, {
      producer: this.options.producer,
      recordedAt,
      schemaVersionOf: (type) => this.registry.schemaVersionOf(type),
      newId: randomUUID,
    });
    const version = expectedVersion + events.length;

    if (expectedVersion === 0) {
      try {
        await this.streams.insertOne({
          _id: streamId,
          version,
          events: envelopes,
          topic: this.options.topic,
          publishedVersion: 0,
          pending: true,
          createdAt: recordedAt,
          updatedAt: recordedAt,
        });
      } catch (e) {
        if (isDuplicateKey(e)) throw new ConcurrencyConflict(streamId, 0, await this.versionOf(streamId));
        throw e;
      }
    } else {
      const result = await this.streams.updateOne(
        { _id: streamId, version: expectedVersion },
        { $push: { events: { $each: envelopes } }, $set: { version, pending: true, updatedAt: recordedAt } },
      );
      if (result.matchedCount === 0) {
        throw new ConcurrencyConflict(streamId, expectedVersion, await this.versionOf(streamId));
      }
    }
    for (const listener of this.listeners) listener();
    return { version, events: envelopes };
  }

  /** All events of a stream, upcast to current schema versions; version 0 and no events if absent. */
  async readStream(streamId: string): Promise<AppendResult> {
    const doc = await this.streams.findOne({ _id: streamId }, { projection: { version: 1, events: 1 } });
    if (!doc) return { version: 0, events: [] };
    return { version: doc.version, events: doc.events.map((e) => this.registry.upcast(e)) };
  }

  async versionOf(streamId: string): Promise<number> {
    const doc = await this.streams.findOne({ _id: streamId }, { projection: { version: 1 } });
    return doc?.version ?? 0;
  }

  /** Called after every successful append in this process (the relay uses it to publish at once). */
  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
