import { DomainEvent, EventEnvelope } from './envelope';

/** Turns the data of schema version N into the data of version N+1. Pure. */
export type Upcaster = (data: any) => unknown;

/**
 * One event type: its current schema version and how every older version is read as the current one.
 * `upcasters[n]` lifts version n to n+1.
 */
export interface EventDefinition<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly schemaVersion: number;
  readonly upcasters: Readonly<Record<number, Upcaster>>;
  /** Builds the domain event; typed, so a decider cannot emit malformed data. */
  (data: Data): DomainEvent<Type, Data>;
}

export function defineEvent<Data>() {
  return <Type extends string>(type: Type, options: { schemaVersion?: number; upcasters?: Record<number, Upcaster> } = {}): EventDefinition<Type, Data> => {
    const schemaVersion = options.schemaVersion ?? 1;
    const upcasters = options.upcasters ?? {};
    for (let v = 1; v < schemaVersion; v++) {
      if (!upcasters[v]) throw new Error(`${type}: no upcaster from schema version ${v} to ${v + 1}`);
    }
    const create = ((data: Data) => ({ type, data })) as EventDefinition<Type, Data>;
    return Object.assign(create, { type, schemaVersion, upcasters });
  };
}

/** The envelope of a defined event, as consumers see it. */
export type EventOf<D> = D extends EventDefinition<infer T, infer Data> ? EventEnvelope<T, Data> : never;
/** The bare domain event of a defined event, as deciders emit and evolve it. */
export type DomainEventOf<D> = D extends EventDefinition<infer T, infer Data> ? DomainEvent<T, Data> : never;

export class UnknownSchemaVersion extends Error {
  constructor(
    readonly type: string,
    readonly version: number,
    readonly known: number,
  ) {
    super(`${type} schema version ${version} is newer than this reader knows (${known})`);
  }
}

/** The event types a service knows. Reading upcasts old versions; unknown types pass through untouched. */
export class EventRegistry {
  private readonly definitions = new Map<string, EventDefinition<string, any>>();

  constructor(definitions: Iterable<EventDefinition<string, any>> = []) {
    for (const d of definitions) this.register(d);
  }

  register(definition: EventDefinition<string, any>): this {
    const existing = this.definitions.get(definition.type);
    if (existing && existing !== definition) throw new Error(`event type ${definition.type} registered twice`);
    this.definitions.set(definition.type, definition);
    return this;
  }

  schemaVersionOf(type: string): number {
    return this.definitions.get(type)?.schemaVersion ?? 1;
  }

  knows(type: string): boolean {
    return this.definitions.has(type);
  }

  /** The envelope as the current schema version; the input is not modified. */
  upcast<E extends EventEnvelope>(envelope: E): E {
    const definition = this.definitions.get(envelope.type);
    if (!definition || envelope.schemaVersion === definition.schemaVersion) return envelope;
    if (envelope.schemaVersion > definition.schemaVersion) {
      throw new UnknownSchemaVersion(envelope.type, envelope.schemaVersion, definition.schemaVersion);
    }
    let data: unknown = envelope.data;
    for (let v = envelope.schemaVersion; v < definition.schemaVersion; v++) data = definition.upcasters[v](data);
    return { ...envelope, schemaVersion: definition.schemaVersion, data };
  }
}
