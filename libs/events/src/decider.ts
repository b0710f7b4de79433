import { ConcurrencyConflict } from '@callcenter/contracts';
import { CommandMetadata, DomainEvent, EventEnvelope } from './envelope';
import { EventStore } from './event-store';

/**
 * An aggregate as pure functions: no clock, no ids, no I/O. Business rules throw the error
 * vocabulary of libs/contracts (IllegalState …).
 */
export interface Decider<Command, Event extends DomainEvent, State> {
  initialState: () => State;
  decide: (command: Command, state: State) => Event[];
  evolve: (state: State, event: Event) => State;
}

export interface CommandResult<State> {
  /** The state the command was decided on (after any retry). */
  before: State;
  state: State;
  version: number;
  events: EventEnvelope[];
}

export interface HandleCommandOptions<Event extends DomainEvent> {
  /** Attempts after a lost race (default 3; none with `expectedVersion`). */
  retries?: number;
  /** The client's If-Match: decide on this version only, and never retry. */
  expectedVersion?: number;
  /** Fold the stream with the store's snapshots (MongoEventStore.load) instead of reading it whole. */
  snapshots?: { name: string; schemaVersion: number };
  /**
   * The stream is expected not to exist (its id is derived from the request): the first attempt
   * decides on the initial state and appends at version 0 without reading, so the append is the
   * check; a stream that does exist (a repeat) is then read and decided on as usual.
   */
  assumeNew?: boolean;
  /** How the decided events are written (intake seals personal fields); the state evolves from them as decided. */
  toStored?: (events: Event[]) => DomainEvent[];
}

/**
 * Folds the stream, decides, appends at the version it read. On a lost race it re-reads and
 * decides again (the rules may now refuse), up to `retries` times. With `expectedVersion` (a
 * client's If-Match) there is no retry: the caller asked for that exact version.
 */
export async function handleCommand<Command, Event extends DomainEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  streamId: string,
  command: Command,
  meta: CommandMetadata,
  options: HandleCommandOptions<Event> = {},
): Promise<CommandResult<State>> {
  const retries = options.expectedVersion === undefined ? (options.retries ?? 3) : 0;
  for (let attempt = 0; ; attempt++) {
    const stream =
      options.assumeNew && attempt === 0
        ? { version: 0, state: decider.initialState() }
        : options.snapshots
          ? await store.load(streamId, { ...options.snapshots, initialState: decider.initialState, evolve: decider.evolve })
          : await store.readStream(streamId).then(({ version, events }) => ({
              version,
              state: events.reduce((s, e) => decider.evolve(s, e as unknown as Event), decider.initialState()),
            }));
    if (options.expectedVersion !== undefined && stream.version !== options.expectedVersion) {
      throw new ConcurrencyConflict(streamId, options.expectedVersion, stream.version);
    }
    const state = stream.state;
    const decided = decider.decide(command, state);
    try {
      const appended = await store.append(streamId, stream.version, options.toStored ? options.toStored(decided) : decided, meta);
      const next = decided.reduce((s: State, e: Event) => decider.evolve(s, e), state);
      return { before: state, state: next, version: appended.version, events: appended.events };
    } catch (e) {
      if (!(e instanceof ConcurrencyConflict) || attempt >= retries) throw e;
    }
  }
}
