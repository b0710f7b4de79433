import { randomUUID } from 'node:crypto';
import { Db, MongoClient } from 'mongodb';
import { testMongo, uniqueDbName } from '@callcenter/testing';
import { EventEnvelope } from '../envelope';
import { byRecordedTime, EventTimeline, TimelineFold } from './event-timeline';

/** A fold simple enough to check by hand: the last version seen of each stream, in order only. */
type Versions = Map<string, number>;
const versionsFold: TimelineFold<Versions, [string, number][]> = {
  schemaVersion: 1,
  initial: () => new Map(),
  apply(state, event) {
    if (event.streamVersion === (state.get(event.streamId) ?? 0) + 1) state.set(event.streamId, event.streamVersion);
  },
  save: (state) => [...state],
  load: (stored) => new Map(stored),
};

const T0 = Date.parse('2026-11-01T00:00:00Z');
const MINUTE = 60_000;

function event(streamId: string, streamVersion: number, recordedAt: number): EventEnvelope {
  const at = new Date(recordedAt).toISOString();
  return {
    eventId: randomUUID(),
    type: 'Something',
    schemaVersion: 1,
    streamId,
    streamVersion,
    occurredAt: at,
    recordedAt: at,
    producer: 'test',
    actor: 'system',
    correlationId: 'c',
    causationId: null,
    data: {},
  };
}

/** Streams of a few events each, over `spanMinutes`, in recording order. */
function history(streams: number, spanMinutes: number): EventEnvelope[] {
  const events: EventEnvelope[] = [];
  for (let s = 0; s < streams; s++) {
    let time = T0 + Math.random() * spanMinutes * MINUTE * 0.8;
    for (let v = 1; v <= 1 + Math.floor(Math.random() * 4); v++) {
      events.push(event(`stream-${s}`, v, Math.round(time)));
      time += Math.random() * 10 * MINUTE;
    }
  }
  return events.sort(byRecordedTime);
}

/** What the state at `at` must be: every event recorded by then, folded from the start. */
function expected(events: EventEnvelope[], at: number): Versions {
  const state = versionsFold.initial();
  for (const e of events) if (Date.parse(e.recordedAt) <= at) versionsFold.apply(state, e);
  return state;
}

describe('EventTimeline (the database): the state at a moment equals the whole log folded up to it', () => {
  let mongo: MongoClient;
  let db: Db;

  beforeAll(async () => {
    mongo = await testMongo();
    db = mongo.db(uniqueDbName('timeline'));
  });

  afterAll(async () => {
    await db.dropDatabase();
    await mongo.close();
  });

  it('with checkpoints, at any moment, whatever order and repeats the events came in', async () => {
    const timeline = new EventTimeline(db, 'a', versionsFold, { checkpointEveryMs: 15 * MINUTE, settleMs: MINUTE, slotMs: 10_000 });
    const events = history(60, 120);
    // Delivered out of order and partly twice, in batches, as consumers of several partitions do.
    const delivered = [...events, ...events.slice(0, 20)].sort(() => Math.random() - 0.5);
    for (let i = 0; i < delivered.length; i += 7) await timeline.record(delivered.slice(i, i + 7));

    expect(await timeline.checkpointUpTo(new Date(T0 + 130 * MINUTE))).toBeGreaterThanOrEqual(7);
    const moments = [T0 - 1, T0, ...Array.from({ length: 25 }, () => T0 + Math.random() * 130 * MINUTE), T0 + 30 * MINUTE, T0 + 45 * MINUTE - 1];
    for (const at of moments) {
      const answer = await timeline.stateAt(new Date(at));
      expect({ at: new Date(at).toISOString(), state: [...answer.state].sort() }).toEqual({
        at: new Date(at).toISOString(),
        state: [...expected(events, at)].sort(),
      });
      if (at >= T0 + 15 * MINUTE) expect(answer.checkpoint).not.toBeNull();
    }
  });

  it('takes the checkpoints back when an event older than them arrives late, and rebuilds them', async () => {
    const timeline = new EventTimeline(db, 'b', versionsFold, { checkpointEveryMs: 15 * MINUTE, settleMs: MINUTE, slotMs: 10_000 });
    const events = history(30, 90);
    const late = event('late-stream', 1, T0 + 20 * MINUTE);
    await timeline.record(events);
    await timeline.checkpointUpTo(new Date(T0 + 100 * MINUTE));
    const before = await timeline.stateAt(new Date(T0 + 80 * MINUTE));
    expect(before.state.has('late-stream')).toBe(false);

    await timeline.record([late]);
    // Right away (no checkpoint rebuilt yet) and after the rebuild, the late event is in from its time on.
    for (const rebuild of [false, true]) {
      if (rebuild) expect(await timeline.checkpointUpTo(new Date(T0 + 100 * MINUTE))).toBeGreaterThan(0);
      expect((await timeline.stateAt(new Date(T0 + 80 * MINUTE))).state.get('late-stream')).toBe(1);
      expect((await timeline.stateAt(new Date(T0 + 20 * MINUTE - 1))).state.has('late-stream')).toBe(false);
    }
  });

  it('jumps a stretch of years without events (imported history) instead of folding and storing every checkpoint in it', async () => {
    // Checkpoints every 10 s, as the time-travel e2e suites run: 8 years of them one by one would be 25 M.
    const timeline = new EventTimeline(db, 'c', versionsFold, { checkpointEveryMs: 10_000, settleMs: 2_000, slotMs: 1_000 });
    const YEAR = 365 * 24 * 60 * MINUTE;
    const imported = [event('old-1', 1, T0 - 8 * YEAR), event('old-1', 2, T0 - 8 * YEAR + 25_000), event('old-2', 1, T0 - 3 * YEAR)];
    const live = history(20, 10);
    const events = [...imported, ...live].sort(byRecordedTime);
    await timeline.record(live);
    await timeline.record(imported); // late: the chain goes back 8 years
    const now = T0 + 15 * MINUTE;
    const built = await timeline.checkpointUpTo(new Date(now));
    // A checkpoint at each stretch's end and at each jump's landing: a few hundred, not millions.
    expect(built).toBeGreaterThan(3);
    expect(built).toBeLessThan(200);
    const moments = [
      T0 - 8 * YEAR - 1,
      T0 - 8 * YEAR + 12_000,
      T0 - 5 * YEAR,
      T0 - 3 * YEAR,
      T0 - 1,
      ...Array.from({ length: 10 }, () => T0 + Math.random() * 15 * MINUTE),
    ];
    for (const at of moments) {
      const answer = await timeline.stateAt(new Date(at));
      expect({ at: new Date(at).toISOString(), state: [...answer.state].sort() }).toEqual({
        at: new Date(at).toISOString(),
        state: [...expected(events, at)].sort(),
      });
    }
    // A moment in the middle of the gap is read from the checkpoint before it, not folded from 8 years back.
    expect((await timeline.stateAt(new Date(T0 - 5 * YEAR))).checkpoint).not.toBeNull();

    // A late event inside the gap: in from its time on, before and after the chain is rebuilt.
    const late = event('late-in-gap', 1, T0 - 5 * YEAR);
    await timeline.record([late]);
    for (const rebuild of [false, true]) {
      if (rebuild) expect(await timeline.checkpointUpTo(new Date(now))).toBeGreaterThan(0);
      for (const at of [T0 - 5 * YEAR - 1, T0 - 4 * YEAR, T0 - 1, T0 + 5 * MINUTE]) {
        expect([...(await timeline.stateAt(new Date(at))).state].sort()).toEqual([...expected([...events, late].sort(byRecordedTime), at)].sort());
      }
    }
  });
});
