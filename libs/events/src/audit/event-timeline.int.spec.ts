import { randomUUID } from 'node:crypto';
import { Db, MongoClient } from 'mongodb';
import { testMongo, uniqueName } from '@callcenter/testing';
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
    db = mongo.db(uniqueName('timeline').replace(/-/g, '_'));
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
});
