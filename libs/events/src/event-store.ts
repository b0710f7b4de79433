import { randomUUID } from 'node:crypto';
import { Collection, Db, MongoBulkWriteError } from 'mongodb';
import { Model, Schema } from 'mongoose';
import { ConcurrencyConflict } from '@callcenter/contracts';
import { CommandMetadata, DomainEvent, EventEnvelope } from './envelope';
import { EventRegistry } from './event-registry';
import { documentSchemaOptions, modelOn } from './mongoose-models';

/**
 * A command's events, stored as one immutable document ("commit").
 *
 * `_id` is `<streamId>#<version the command was decided on>`, so the unique `_id` index is the
 * optimistic-concurrency check: two writers that read the same version cannot both insert, and a
 * command's events land together in one document, atomically, without multi-document transactions.
 * Only `_id` lookups and inserts are used on the write path: the embedded mongo-java-server (and a
 * MongoDB replica set) serve those from the `_id` index, while other filters would scan.
 *
 * A stream is read by following its commits: `<id>#0` holds versions 1..a, `<id>#a` holds a+1..b, …
 */
export interface CommitDocument {
  _id: string;
  streamId: string;
  /** Version of the stream before this commit; `_id` ends with it. */
  base: number;
  /** Version of the stream after this commit. */
  version: number;
  /** `_id` of the commit before this one, or null for the first: lets the relay keep stream order. */
  previous: string | null;
  events: EventEnvelope[];
  topic: string;
  /** False until Kafka acknowledged this commit's events (the outbox flag). */
  published: boolean;
  recordedAt: Date;
}

export function commitId(streamId: string, base: number): string {
  return `${streamId}#${base}`;
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
  /** Streams kept in memory (LRU) so re-reading them costs one lookup. */
  cacheSize?: number;
  /** `load` stores a snapshot once a stream is this many events past its last one (default 50). */
  snapshotEvery?: number;
  /**
   * Inserts commits through this mongoose model instead of the driver's collection. Only
   * bench/backbone sets it, to measure mongoose on the commit path; the services keep the driver
   * (docs/architecture.md, "Mongoose and the driver").
   */
  commitModel?: Model<CommitDocument>;
}

/**
 * How `load` folds one kind of stream into its state. `name` keeps snapshots of different folds of
 * one stream apart; bump `schemaVersion` whenever the state's shape or `evolve` changes, so that
 * snapshots taken by older code are ignored (and replaced) rather than trusted.
 */
export interface SnapshotFold<State> {
  name: string;
  schemaVersion: number;
  initialState: () => State;
  evolve: (state: State, event: any) => State;
}

/** A stream's folded state at a commit boundary (collection `<commits>_snapshots`, one per stream and fold). */
export interface SnapshotDocument {
  _id: string;
  streamId: string;
  fold: string;
  schemaVersion: number;
  version: number;
  /** `_id` of the commit the snapshot ends with. */
  lastCommit: string;
  state: unknown;
  takenAt: Date;
}

/** A fold's snapshot; its state is the fold's own (free-form, kept as written, empty objects too). */
function snapshotSchema(collection: string): Schema<SnapshotDocument> {
  return new Schema<SnapshotDocument>(
    {
      _id: { type: String, required: true },
      streamId: { type: String, required: true },
      fold: { type: String, required: true },
      schemaVersion: { type: Number, required: true, min: 1 },
      version: { type: Number, required: true, min: 1 },
      lastCommit: { type: String, required: true },
      state: { type: Schema.Types.Mixed },
      takenAt: { type: Schema.Types.Date, required: true },
    },
    { ...documentSchemaOptions, collection, minimize: false },
  );
}

export interface LoadResult<State> {
  state: State;
  version: number;
  /** Commits read from the database to get here (0 when the cache or a snapshot was current). */
  commitsRead: number;
}

const DUPLICATE_KEY = 11000;

/** A duplicate-key failure, whether a single write's error or one entry of a bulk write. */
export function isDuplicateKey(e: unknown): boolean {
  // mongoose copies a bulk write's errors to renumber them, keeping the driver's `err` but not its `code` getter
  const error = e as { code?: unknown; err?: { code?: unknown } } | null;
  return (error?.code ?? error?.err?.code) === DUPLICATE_KEY;
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

interface CachedStream {
  version: number;
  lastCommit: string | null;
  events: EventEnvelope[];
}

interface CachedState {
  version: number;
  lastCommit: string | null;
  state: unknown;
  /** Version of the last stored snapshot (or where the fold started from). */
  snapshotVersion: number;
}

/**
 * What command handling needs of an event store: append at an expected version, read a stream, fold
 * one. MongoEventStore is the store; libs/testing's InMemoryEventStore serves in-process tests only.
 */
export interface EventStore {
  /** Appends one command's events at `expectedVersion`; ConcurrencyConflict when the stream is elsewhere. */
  append(streamId: string, expectedVersion: number, events: DomainEvent[], meta: CommandMetadata): Promise<AppendResult>;
  /** All events of a stream, upcast; version 0 and no events if absent. */
  readStream(streamId: string): Promise<AppendResult>;
  /** A stream's folded state (equal to folding `readStream`). */
  load<State>(streamId: string, fold: SnapshotFold<State>): Promise<LoadResult<State>>;
}

export class MongoEventStore implements EventStore {
  readonly commits: Collection<CommitDocument>;
  /** Snapshots of folds (a mongoose model: read once per cold load, written every `snapshotEvery` events). */
  readonly snapshots: Model<SnapshotDocument>;
  readonly registry: EventRegistry;
  private readonly listeners = new Set<(commit: CommitDocument) => void>();
  /** Commits never change, so a stream read once only needs the lookups past what is cached. */
  private readonly cache = new Map<string, CachedStream>();
  private readonly cacheSize: number;
  /** Folded states `load` returned, by `<fold>:<streamId>`; LRU like `cache`. */
  private readonly states = new Map<string, CachedState>();
  /** The newest commit known per stream, so an append after a `load` need not read the stream. */
  private readonly tips = new Map<string, { version: number; lastCommit: string | null }>();
  private readonly snapshotEvery: number;
  private readonly pending: { commit: CommitDocument; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing = false;

  constructor(
    readonly db: Db,
    private readonly options: EventStoreOptions,
  ) {
    this.commits = db.collection<CommitDocument>(options.collection ?? 'event_commits');
    const snapshots = `${this.commits.collectionName}_snapshots`;
    this.snapshots = modelOn(db, `Snapshot:${snapshots}`, snapshotSchema(snapshots));
    this.registry = options.registry ?? new EventRegistry();
    this.cacheSize = options.cacheSize ?? 10_000;
    this.snapshotEvery = options.snapshotEvery ?? 50;
  }

  get producer(): string {
    return this.options.producer;
  }

  async ensureIndexes(): Promise<void> {
    // The `_id` index is all the write path needs; `streamId` serves operators' ad-hoc queries.
    await this.commits.createIndex({ streamId: 1 }, { name: 'streamId' });
  }

  /**
   * Appends the events of one command at `expectedVersion` (0 = the stream must not exist yet).
   * Throws ConcurrencyConflict when the stream is at another version; nothing is written then.
   */
  async append(streamId: string, expectedVersion: number, events: DomainEvent[], meta: CommandMetadata): Promise<AppendResult> {
    if (streamId.length === 0 || streamId.includes('#')) throw new RangeError(`stream id must be non-empty without '#': ${streamId}`);
    if (events.length === 0) return { version: expectedVersion, events: [] };
    // Versions are only ever decided on at a commit boundary; checking that `expectedVersion` is the
    // head now is race-free, because the head can only move past it through the `_id` inserted below.
    // At version 0 the insert of `<id>#0` is the whole check; later, `expectedVersion` must be the head.
    const head = expectedVersion === 0 ? { version: 0, lastCommit: null } : await this.tip(streamId);
    if (head.version !== expectedVersion) throw new ConcurrencyConflict(streamId, expectedVersion, head.version);

    const recordedAt = new Date();
    const envelopes = toEnvelopes(streamId, expectedVersion, events, meta, {
      producer: this.options.producer,
      recordedAt,
      schemaVersionOf: (type) => this.registry.schemaVersionOf(type),
      newId: randomUUID,
    });
    const commit: CommitDocument = {
      _id: commitId(streamId, expectedVersion),
      streamId,
      base: expectedVersion,
      version: expectedVersion + events.length,
      previous: head.lastCommit,
      events: envelopes,
      topic: this.options.topic,
      published: false,
      recordedAt,
    };
    try {
      await this.insert(commit);
    } catch (e) {
      if (isDuplicateKey(e)) {
        this.cache.delete(streamId);
        throw new ConcurrencyConflict(streamId, expectedVersion, (await this.tip(streamId)).version);
      }
      throw e;
    }
    const cached = this.cache.get(streamId);
    if (cached?.version === expectedVersion)
      this.remember(streamId, { version: commit.version, lastCommit: commit._id, events: [...cached.events, ...envelopes] });
    else if (expectedVersion === 0) this.remember(streamId, { version: commit.version, lastCommit: commit._id, events: envelopes });
    this.rememberTip(streamId, commit.version, commit._id);
    for (const listener of this.listeners) listener(commit);
    return { version: commit.version, events: envelopes };
  }

  /** All events of a stream, upcast to current schema versions; version 0 and no events if absent. */
  async readStream(streamId: string): Promise<AppendResult> {
    const head = await this.head(streamId);
    return { version: head.version, events: head.events.map((e) => this.registry.upcast(e)) };
  }

  /**
   * A stream's folded state, without reading it whole: from the cached state or the stored snapshot
   * of this fold (when its schema version matches), plus the commits after it. Folding
   * `snapshotEvery` commits or more stores a new snapshot, so a load never reads more than about
   * that many commits, however long the stream. Equal to folding `readStream` from the start.
   */
  async load<State>(streamId: string, fold: SnapshotFold<State>): Promise<LoadResult<State>> {
    const key = `${fold.name}:${streamId}`;
    let from = this.states.get(key);
    if (!from) {
      const snapshot = await this.snapshots.findById(key).lean<SnapshotDocument>().exec();
      from =
        snapshot && snapshot.schemaVersion === fold.schemaVersion
          ? { version: snapshot.version, lastCommit: snapshot.lastCommit, state: snapshot.state, snapshotVersion: snapshot.version }
          : { version: 0, lastCommit: null, state: fold.initialState(), snapshotVersion: 0 };
    }
    let { version, lastCommit, state } = from as { version: number; lastCommit: string | null; state: State };
    let commitsRead = 0;
    for (;;) {
      const next = await this.commits.findOne({ _id: commitId(streamId, version) });
      if (!next) break;
      for (const e of next.events) state = fold.evolve(state, this.registry.upcast(e));
      ({ version, lastCommit } = { version: next.version, lastCommit: next._id });
      commitsRead++;
    }
    let snapshotVersion = from.snapshotVersion;
    // Counted in events since the last snapshot (a commit holds at least one), whether they were read
    // now or folded into the cached state earlier: a cold load elsewhere then reads at most that many.
    if (lastCommit && version - snapshotVersion >= this.snapshotEvery) {
      await this.saveSnapshot({ _id: key, streamId, fold: fold.name, schemaVersion: fold.schemaVersion, version, lastCommit, state, takenAt: new Date() });
      snapshotVersion = version;
    }
    if (version > 0) {
      this.states.delete(key);
      this.states.set(key, { version, lastCommit, state, snapshotVersion });
      if (this.states.size > this.cacheSize) this.states.delete(this.states.keys().next().value!);
      this.rememberTip(streamId, version, lastCommit);
    }
    return { state, version, commitsRead };
  }

  /** Stores a snapshot unless a newer one of the same schema is there (two instances may take one at once). */
  private async saveSnapshot(snapshot: SnapshotDocument): Promise<void> {
    try {
      const older = { $or: [{ version: { $lt: snapshot.version } }, { schemaVersion: { $ne: snapshot.schemaVersion } }] };
      await this.snapshots.replaceOne({ _id: snapshot._id, ...older }, snapshot, { upsert: true, runValidators: true });
    } catch {
      // Duplicate key: a newer (or the same) snapshot is stored; keep it. Any other failure only
      // costs speed (the next load folds from the older snapshot and tries again).
    }
  }

  /** Called after every successful append in this process (the relay publishes at once). */
  onAppended(listener: (commit: CommitDocument) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Group commit: appends that arrive while an insert is in flight go to the database together in
   * one unordered insertMany; each commit still succeeds or fails (duplicate key) on its own.
   */
  private insert(commit: CommitDocument): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ commit, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, 500);
      const failed = new Map<number, unknown>();
      try {
        const commits = batch.map((p) => p.commit);
        if (this.options.commitModel) await this.options.commitModel.insertMany(commits, { ordered: false });
        else await this.commits.insertMany(commits, { ordered: false });
      } catch (e) {
        const writeErrors = e instanceof MongoBulkWriteError ? e.writeErrors : undefined;
        const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
        if (list.length === 0) batch.forEach((_, i) => failed.set(i, e));
        for (const w of list) failed.set(w.index, isDuplicateKey(w) ? w : e);
      }
      batch.forEach((p, i) => (failed.has(i) ? p.reject(failed.get(i)) : p.resolve()));
    }
    this.flushing = false;
  }

  private async head(streamId: string): Promise<CachedStream> {
    const cached = this.cache.get(streamId);
    let head: CachedStream = cached ?? { version: 0, lastCommit: null, events: [] };
    let grew = false;
    for (;;) {
      const next = await this.commits.findOne({ _id: commitId(streamId, head.version) });
      if (!next) break;
      head = { version: next.version, lastCommit: next._id, events: [...head.events, ...next.events] };
      grew = true;
    }
    if (grew || !cached) this.remember(streamId, head);
    return head;
  }

  /** The stream's newest commit, walked forward from the newest one known here (only `_id` lookups). */
  private async tip(streamId: string): Promise<{ version: number; lastCommit: string | null }> {
    const cached = this.cache.get(streamId);
    const known = this.tips.get(streamId);
    if (!cached && !known) return this.head(streamId);
    let tip = cached && (!known || cached.version >= known.version) ? { version: cached.version, lastCommit: cached.lastCommit } : known!;
    for (;;) {
      const next = await this.commits.findOne({ _id: commitId(streamId, tip.version) }, { projection: { version: 1 } });
      if (!next) break;
      tip = { version: next.version, lastCommit: next._id };
    }
    this.rememberTip(streamId, tip.version, tip.lastCommit);
    return tip;
  }

  private rememberTip(streamId: string, version: number, lastCommit: string | null): void {
    const known = this.tips.get(streamId);
    if (known && known.version >= version) return;
    this.tips.delete(streamId);
    this.tips.set(streamId, { version, lastCommit });
    if (this.tips.size > this.cacheSize * 4) this.tips.delete(this.tips.keys().next().value!);
  }

  private remember(streamId: string, stream: CachedStream): void {
    if (stream.version === 0) return;
    this.cache.delete(streamId); // re-insert: Map order is the LRU order
    this.cache.set(streamId, stream);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }
}
