import { Collection, Db, Filter } from 'mongodb';
import { EventEnvelope } from '../envelope';
import { isDuplicateKey } from '../event-store';

/**
 * How a service's picture (its queue, its board) is folded from its events, for `EventTimeline`.
 * `apply` gets each stream's events in order and must ignore what it does not know (and a
 * redelivered event: `EventTimeline` removes exact repeats, but not a stream's older versions).
 */
export interface TimelineFold<State, Stored> {
  /** Bump when the state's shape or the fold changes: checkpoints of another version are not used. */
  schemaVersion: number;
  initial(): State;
  /** Applies one event; may change `state` in place. */
  apply(state: State, event: EventEnvelope): void;
  save(state: State): Stored;
  load(stored: Stored): State;
}

export interface EventTimelineOptions {
  /** A checkpoint (the folded state) is stored at every multiple of this much event time (1 hour). */
  checkpointEveryMs?: number;
  /** A checkpoint is taken only once this long past its moment, so late events are in (2 minutes). */
  settleMs?: number;
  /**
   * Events are kept in documents of this much time each (1 s). Each write pushes into its slot's
   * document, which the embedded database copies, sizes and serialises whole: a slot of 10 s at
   * 50 reports/s cost that database more than the reports themselves (docs/performance.md).
   */
  slotMs?: number;
}

interface SlotDocument {
  /** ISO time the slot starts at: slots are read by `_id` only (the embedded database scans on anything else). */
  _id: string;
  events: EventEnvelope[];
}

interface CheckpointDocument {
  /** ISO time of the checkpoint: the state after every event recorded before it. */
  _id: string;
  schemaVersion: number;
  state: unknown;
  takenAt: Date;
}

interface TimelineMeta {
  _id: 'meta';
  /** The earliest `recordedAt` seen. */
  first: Date;
  /** The latest checkpoint stored (of `schemaVersion`). */
  last?: Date | null;
  schemaVersion?: number;
}

export interface StateAt<State> {
  state: State;
  /** The checkpoint the fold started from (ISO), or null when it started from the first event. */
  checkpoint: string | null;
  /** Events folded past the checkpoint. */
  eventsFolded: number;
}

/** Slots read by their listed ids at most (see slotFilters). */
const LISTED_SLOTS = 10_000;

const floorTo = (time: number, step: number) => Math.floor(time / step) * step;
const iso = (time: number) => new Date(time).toISOString();

/** Order of the fold: by the time the store accepted them, each stream's own events by version. */
export function byRecordedTime(a: EventEnvelope, b: EventEnvelope): number {
  return a.recordedAt < b.recordedAt
    ? -1
    : a.recordedAt > b.recordedAt
      ? 1
      : a.streamId < b.streamId
        ? -1
        : a.streamId > b.streamId
          ? 1
          : a.streamVersion - b.streamVersion;
}

/**
 * A service's events kept by the time they were recorded, with checkpoints of its folded state, so
 * that the picture at any past moment is a checkpoint plus at most `checkpointEveryMs` of events
 * (issue 17, "time travel"). Two collections: `<name>_slots` (the events of each `slotMs`,
 * `_id` = the slot's start) and `<name>_checkpoints` (`_id` = the checkpoint's time, plus `meta`).
 * Lookups and updates by `_id` (the embedded database scans on anything else), except around a
 * stretch without events, which gets no checkpoint of its own (see checkpointUpTo).
 *
 * "At T" means every event with `recordedAt` ≤ T: what the service's own in-memory view had
 * applied by then (it applies its own commands when stored and others' within the Kafka round trip).
 * Fed from the service's topic by a consumer (`record`, idempotent), so every instance's events are in.
 */
export class EventTimeline<State, Stored> {
  readonly slots: Collection<SlotDocument>;
  readonly checkpoints: Collection<CheckpointDocument | TimelineMeta>;
  readonly checkpointEveryMs: number;
  readonly settleMs: number;
  readonly slotMs: number;
  private knownFirst: number | null = null;

  constructor(
    db: Db,
    name: string,
    private readonly fold: TimelineFold<State, Stored>,
    options: EventTimelineOptions = {},
  ) {
    this.slots = db.collection(`${name}_slots`);
    this.checkpoints = db.collection(`${name}_checkpoints`);
    this.slotMs = options.slotMs ?? 1_000;
    this.checkpointEveryMs = Math.max(this.slotMs, floorTo(options.checkpointEveryMs ?? 3_600_000, this.slotMs));
    this.settleMs = options.settleMs ?? 120_000;
  }

  /** Adds events (any order, repeats allowed: the fold removes exact repeats). */
  async record(events: EventEnvelope[]): Promise<void> {
    const bySlot = new Map<string, EventEnvelope[]>();
    let earliest = Number.POSITIVE_INFINITY;
    for (const event of events) {
      const time = Date.parse(event.recordedAt);
      earliest = Math.min(earliest, time);
      const slot = iso(floorTo(time, this.slotMs));
      const list = bySlot.get(slot);
      if (list) list.push(event);
      else bySlot.set(slot, [event]);
    }
    for (const [slot, list] of bySlot) {
      await this.upsert(() => this.slots.updateOne({ _id: slot }, { $push: { events: { $each: list } } }, { upsert: true }));
    }
    if (earliest < (this.knownFirst ?? Number.POSITIVE_INFINITY)) {
      await this.upsert(() => this.checkpoints.updateOne({ _id: 'meta' } as any, { $min: { first: new Date(earliest) } }, { upsert: true }));
      this.knownFirst = earliest;
    }
    // An event older than the latest checkpoint (a late relay, a consumer catching up partition by
    // partition) makes the checkpoints after it wrong: the chain goes back to the one before it.
    const before = new Date(floorTo(earliest, this.checkpointEveryMs));
    // Read by `_id`, then `$min` by `_id`: a filter on `last` too would make the embedded database
    // read every checkpoint (each holds the whole folded state) on every call.
    const meta = await this.meta();
    if (meta?.last && meta.last > before) await this.checkpoints.updateOne({ _id: 'meta' } as any, { $min: { last: before } });
  }

  /** Two first writers of one document: one inserts, the other's upsert collides and is retried as an update. */
  private async upsert(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      await write();
    }
  }

  private async meta(): Promise<TimelineMeta | null> {
    return (await this.checkpoints.findOne({ _id: 'meta' } as any)) as TimelineMeta | null;
  }

  /**
   * The filters that read the slots of [from, to]: their ids, listed (the embedded database finds
   * each by its index), for a span of up to LISTED_SLOTS slots; a range of `_id` (ISO times sort as
   * they read) for a longer one, which that database answers by a scan: listing the ids of a span of
   * years (an event recorded years back: imported history) would not fit in memory.
   */
  private slotFilters(from: number, to: number): Filter<SlotDocument>[] {
    const first = floorTo(from, this.slotMs);
    if ((to - first) / this.slotMs >= LISTED_SLOTS) return [{ _id: { $gte: iso(first), $lte: iso(to) } }];
    const ids: string[] = [];
    for (let slot = first; slot <= to; slot += this.slotMs) ids.push(iso(slot));
    const filters: Filter<SlotDocument>[] = [];
    for (let k = 0; k < ids.length; k += 1_000) filters.push({ _id: { $in: ids.slice(k, k + 1_000) } });
    return filters;
  }

  /** Events recorded in [from, to], deduplicated and in fold order. */
  async between(from: number, to: number): Promise<EventEnvelope[]> {
    const seen = new Set<string>();
    const events: EventEnvelope[] = [];
    for (const filter of this.slotFilters(from, to)) {
      for await (const doc of this.slots.find(filter)) {
        for (const event of doc.events) {
          const time = Date.parse(event.recordedAt);
          if (time < from || time > to || seen.has(event.eventId)) continue;
          seen.add(event.eventId);
          events.push(event);
        }
      }
    }
    return events.sort(byRecordedTime);
  }

  /**
   * The start of the first slot in [from, to] that holds events, or null: by id for up to
   * LISTED_SLOTS slots, then one range query (only when the span is longer: a chain catching up,
   * not one waiting at the present for its next event).
   */
  private async firstSlotIn(from: number, to: number): Promise<number | null> {
    const listedUpTo = Math.min(to, floorTo(from, this.slotMs) + (LISTED_SLOTS - 1) * this.slotMs);
    for (const filter of this.slotFilters(from, listedUpTo)) {
      const found = await this.slots.find(filter, { projection: { _id: 1 } }).toArray();
      if (found.length > 0) return Math.min(...found.map((doc) => Date.parse(doc._id)));
    }
    if (listedUpTo >= to) return null;
    const next = await this.slots.findOne({ _id: { $gt: iso(listedUpTo), $lte: iso(to) } }, { sort: { _id: 1 }, projection: { _id: 1 } });
    return next ? Date.parse(next._id) : null;
  }

  /**
   * The checkpoint of this fold at `time`, or else the latest before it and at or after `from`: a
   * stretch without events gets none of its own (checkpointUpTo jumps it), so the one before it
   * stands for it. Only then a query other than by `_id` (a scan on the embedded database).
   */
  private async checkpointAtOrBefore(time: number, from: number): Promise<CheckpointDocument | null> {
    const exact = (await this.checkpoints.findOne({ _id: iso(time) })) as CheckpointDocument | null;
    if (exact) return exact.schemaVersion === this.fold.schemaVersion ? exact : null;
    const filter = { _id: { $gte: iso(from), $lt: iso(time) }, schemaVersion: this.fold.schemaVersion };
    return (await this.checkpoints.findOne(filter as any, { sort: { _id: -1 } })) as CheckpointDocument | null;
  }

  /** The folded state with every event recorded at or before `at`. */
  async stateAt(at: Date): Promise<StateAt<State>> {
    const meta = await this.meta();
    const time = at.getTime();
    if (!meta || time < meta.first.getTime()) return { state: this.fold.initial(), checkpoint: null, eventsFolded: 0 };
    let from = floorTo(meta.first.getTime(), this.checkpointEveryMs);
    let state = this.fold.initial();
    let checkpoint: string | null = null;
    if (meta.last && meta.schemaVersion === this.fold.schemaVersion) {
      const nearest = Math.min(floorTo(time, this.checkpointEveryMs), meta.last.getTime());
      const stored = nearest >= from ? await this.checkpointAtOrBefore(nearest, from) : null;
      if (stored) {
        state = this.fold.load(stored.state as Stored);
        from = Date.parse(stored._id);
        checkpoint = stored._id;
      }
    }
    const events = await this.between(from, time);
    for (const event of events) this.fold.apply(state, event);
    return { state, checkpoint, eventsFolded: events.length };
  }

  /**
   * Stores the checkpoints that are due at `now` (each `settleMs` after its moment), each folded on
   * from the one before. Returns how many it stored. Instances may run it at once: they store equal documents.
   */
  async checkpointUpTo(now: Date): Promise<number> {
    const meta = await this.meta();
    if (!meta) return 0;
    let at: number;
    let state: State;
    const first = floorTo(meta.first.getTime(), this.checkpointEveryMs);
    const current = meta.last && meta.schemaVersion === this.fold.schemaVersion ? meta.last.getTime() : null;
    const stored = current === null ? null : await this.checkpointAtOrBefore(current, first);
    if (stored) {
      at = Date.parse(stored._id);
      state = this.fold.load(stored.state as Stored);
    } else {
      at = first;
      state = this.fold.initial();
      await this.store(at, state, meta.schemaVersion !== this.fold.schemaVersion);
    }
    let built = 0;
    while (at + this.checkpointEveryMs + this.settleMs <= now.getTime()) {
      const events = await this.between(at, at + this.checkpointEveryMs - 1);
      if (events.length > 0) {
        for (const event of events) this.fold.apply(state, event);
        at += this.checkpointEveryMs;
      } else {
        // Nothing changes up to the next event (hours of a quiet night, or years before it when history
        // was imported): the next checkpoint is at the start of its stretch, once that is settled. So
        // every checkpoint borders a stretch with events, and one chain rebuilt after a late event
        // stores again at every place an older chain did (a moment between is read from the one before).
        const next = await this.firstSlotIn(at + this.checkpointEveryMs, now.getTime() - this.settleMs);
        if (next === null || floorTo(next, this.checkpointEveryMs) + this.settleMs > now.getTime()) break;
        at = floorTo(next, this.checkpointEveryMs);
      }
      await this.store(at, state, false);
      built++;
    }
    return built;
  }

  /**
   * Runs `checkpointUpTo` now and then every `everyMs` (never two at once) until the returned stop
   * is called; a failed round is reported to `onError` and the next one retries.
   */
  keepCheckpointing(everyMs: number, onError: (e: Error) => void, onBuilt: (count: number) => void = () => undefined): () => Promise<void> {
    let running: Promise<void> | undefined;
    const round = () => {
      running ??= this.checkpointUpTo(new Date())
        .then((built) => built > 0 && onBuilt(built))
        .catch((e) => onError(e as Error))
        .then(() => (running = undefined));
    };
    round();
    const timer = setInterval(round, everyMs);
    return async () => {
      clearInterval(timer);
      await running;
    };
  }

  private async store(at: number, state: State, restart: boolean): Promise<void> {
    const doc: CheckpointDocument = { _id: iso(at), schemaVersion: this.fold.schemaVersion, state: this.fold.save(state), takenAt: new Date() };
    await this.upsert(() => this.checkpoints.replaceOne({ _id: doc._id }, doc, { upsert: true }));
    // `last` only moves forward, except when a new fold version starts the chain again.
    const update = restart
      ? { $set: { last: new Date(at), schemaVersion: this.fold.schemaVersion } }
      : { $max: { last: new Date(at) }, $set: { schemaVersion: this.fold.schemaVersion } };
    await this.upsert(() => this.checkpoints.updateOne({ _id: 'meta' } as any, update));
  }
}
