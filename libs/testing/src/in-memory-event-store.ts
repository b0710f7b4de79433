import { randomUUID } from 'node:crypto';
import { ConcurrencyConflict } from '@callcenter/contracts';
import {
  AppendResult,
  CommandMetadata,
  DomainEvent,
  EventEnvelope,
  EventRegistry,
  EventStore,
  LoadResult,
  SnapshotFold,
  toEnvelopes,
} from '@callcenter/events';

/**
 * The event store's contract in memory, for in-process tests of application services only: the
 * database's tests (event-store*.int.spec.ts) and the services' e2e tests keep the real one.
 * Events are copied in and out, as a database would, so a caller cannot change what is stored.
 */
export class InMemoryEventStore implements EventStore {
  private readonly streams = new Map<string, EventEnvelope[]>();
  private readonly registry: EventRegistry;
  /**
   * Runs before an append checks its version: a test makes a rival command land first here (a lost
   * race), or fails the append by throwing.
   */
  beforeAppend: ((streamId: string, events: DomainEvent[]) => Promise<void> | void) | null = null;

  constructor(private readonly options: { producer?: string; registry?: EventRegistry } = {}) {
    this.registry = options.registry ?? new EventRegistry();
  }

  async append(streamId: string, expectedVersion: number, events: DomainEvent[], meta: CommandMetadata): Promise<AppendResult> {
    if (events.length === 0) return { version: expectedVersion, events: [] };
    const hook = this.beforeAppend;
    if (hook) {
      this.beforeAppend = null;
      await hook(streamId, events);
    }
    const stream = this.streams.get(streamId) ?? [];
    if (stream.length !== expectedVersion) throw new ConcurrencyConflict(streamId, expectedVersion, stream.length);
    const envelopes = toEnvelopes(streamId, expectedVersion, events, meta, {
      producer: this.options.producer ?? 'test',
      recordedAt: meta.now,
      schemaVersionOf: (type) => this.registry.schemaVersionOf(type),
      newId: randomUUID,
    });
    this.streams.set(streamId, [...stream, ...structuredClone(envelopes)]);
    return { version: expectedVersion + events.length, events: envelopes };
  }

  async readStream(streamId: string): Promise<AppendResult> {
    const events = this.streams.get(streamId) ?? [];
    return { version: events.length, events: structuredClone(events).map((e) => this.registry.upcast(e)) };
  }

  async load<State>(streamId: string, fold: SnapshotFold<State>): Promise<LoadResult<State>> {
    const { version, events } = await this.readStream(streamId);
    return { state: events.reduce(fold.evolve, fold.initialState()), version, commitsRead: 0 };
  }

  /** The ids of the streams stored, in the order they were started. */
  streamIds(): string[] {
    return [...this.streams.keys()];
  }

  /** The types of a stream's events, in order: what a test usually asserts. */
  typesOf(streamId: string): string[] {
    return (this.streams.get(streamId) ?? []).map((e) => e.type);
  }
}
