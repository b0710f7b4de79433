import { Collection, MongoClient } from 'mongodb';
import { handBuiltEnvelope, testMongo, uniqueName } from '@callcenter/testing';
import { EventEnvelope } from './envelope';
import { projectMany, projectOnce, Projected } from './projection';

type Tally = { count: number; last: number; seen: number[] };

const event = (streamId: string, streamVersion: number) => handBuiltEnvelope(streamId, streamVersion);

const evolve = (doc: Tally | null, e: EventEnvelope): Tally => ({
  count: (doc?.count ?? 0) + 1,
  last: e.streamVersion,
  seen: [...(doc?.seen ?? []), e.streamVersion],
});

/**
 * The collection as a late writer sees it: its read returns, then it stalls (a consumer that lost
 * its partition in a rebalance, or a slow instance) until `resume` is called, and writes afterwards.
 */
function stallingAfterRead<D extends Projected<Tally>>(collection: Collection<D>) {
  let resume!: () => void;
  const resumed = new Promise<void>((r) => (resume = r));
  let read!: () => void;
  const hasRead = new Promise<void>((r) => (read = r));
  let stalled = false;
  const late = new Proxy(collection, {
    get(target, property, receiver) {
      if (property !== 'findOne') return Reflect.get(target, property, receiver);
      return async (...args: unknown[]) => {
        const doc = await (target.findOne as (...a: unknown[]) => Promise<unknown>)(...args);
        if (!stalled) {
          stalled = true;
          read();
          await resumed;
        }
        return doc;
      };
    },
  });
  return { late, hasRead, resume };
}

describe('projectOnce: read-model writes conditional on the stored version (real database)', () => {
  let mongo: MongoClient;
  const dbName = uniqueName('it_projection');

  beforeAll(async () => {
    mongo = await testMongo();
  });
  afterAll(async () => {
    await mongo.db(dbName).dropDatabase();
    await mongo.close();
  });

  it('a late writer cannot put an older state over a newer one: it re-reads and finds its event applied', async () => {
    const tallies = mongo.db(dbName).collection<Projected<Tally>>(uniqueName('tallies'));
    await projectOnce(tallies, 'r1', event('r1', 1), evolve);
    const { late, hasRead, resume } = stallingAfterRead(tallies);
    // The late writer read version 1 for event 2 …
    const lateWrite = projectOnce(late, 'r1', event('r1', 2), evolve);
    await hasRead;
    // … meanwhile the partition's new owner applies events 2 and 3.
    expect(await projectOnce(tallies, 'r1', event('r1', 2), evolve)).toBe(true);
    expect(await projectOnce(tallies, 'r1', event('r1', 3), evolve)).toBe(true);
    resume();
    expect(await lateWrite).toBe(false);
    expect(await tallies.findOne({ _id: 'r1' })).toEqual({ _id: 'r1', _version: 3, count: 3, last: 3, seen: [1, 2, 3] });
  });

  it("inserts a stream's first event without reading first, and a redelivery of it still changes nothing", async () => {
    const tallies = mongo.db(dbName).collection<Projected<Tally>>(uniqueName('tallies'));
    let reads = 0;
    const counted = new Proxy(tallies, {
      get: (target, property, receiver) =>
        property === 'findOne'
          ? (...args: unknown[]) => (reads++, (target.findOne as (...a: unknown[]) => unknown)(...args))
          : Reflect.get(target, property, receiver),
    });
    expect(await projectOnce(counted, 'r9', event('r9', 1), evolve)).toBe(true);
    expect(reads).toBe(0);
    expect(await projectOnce(counted, 'r9', event('r9', 1), evolve)).toBe(false); // the insert collides, the read finds it applied
    expect(await projectOnce(counted, 'r9', event('r9', 2), evolve)).toBe(true);
    expect(await tallies.findOne({ _id: 'r9' })).toEqual({ _id: 'r9', _version: 2, count: 2, last: 2, seen: [1, 2] });
  });

  it('a late writer of a newer event applies it on top of what was written meanwhile, never instead of it', async () => {
    const tallies = mongo.db(dbName).collection<Projected<Tally>>(uniqueName('tallies'));
    await projectOnce(tallies, 'r2', event('r2', 1), evolve);
    const { late, hasRead, resume } = stallingAfterRead(tallies);
    const lateWrite = projectOnce(late, 'r2', event('r2', 3), evolve); // computed from version 1
    await hasRead;
    await projectOnce(tallies, 'r2', event('r2', 2), evolve);
    resume();
    expect(await lateWrite).toBe(true);
    expect(await tallies.findOne({ _id: 'r2' })).toEqual({ _id: 'r2', _version: 3, count: 3, last: 3, seen: [1, 2, 3] });
  });

  it('projectMany applies a batch like projectOnce one event at a time: redeliveries skipped, existing documents continued', async () => {
    const one = mongo.db(dbName).collection<Projected<Tally>>(uniqueName('tallies'));
    const many = mongo.db(dbName).collection<Projected<Tally>>(uniqueName('tallies'));
    for (const c of [one, many]) await projectOnce(c, 'a', event('a', 1), evolve);
    const batch = [event('a', 2), event('b', 1), event('a', 1), event('a', 3), event('b', 1), event('c', 1)];
    for (const e of batch) await projectOnce(one, e.streamId, e, evolve);
    const changed = await projectMany(
      many,
      batch.map((e) => ({ id: e.streamId, event: e })),
      evolve,
    );
    expect([...changed].sort()).toEqual(['a', 'b', 'c']);
    expect(await many.find().sort({ _id: 1 }).toArray()).toEqual(await one.find().sort({ _id: 1 }).toArray());
    expect((await many.findOne({ _id: 'a' }))?.seen).toEqual([1, 2, 3]);
    // all redelivered: nothing changes
    expect(
      (
        await projectMany(
          many,
          batch.map((e) => ({ id: e.streamId, event: e })),
          evolve,
        )
      ).size,
    ).toBe(0);
  });

  it("projectMany reads only the documents earlier events made: a stream's first event inserts without a read", async () => {
    const tallies = mongo.db(dbName).collection<Projected<Tally>>(uniqueName('tallies'));
    const read: unknown[] = [];
    const counted = new Proxy(tallies, {
      get: (target, property, receiver) =>
        property === 'find' ? (filter: unknown) => (read.push(filter), target.find(filter as object)) : Reflect.get(target, property, receiver),
    });
    const batch = (...events: EventEnvelope[]) => events.map((e) => ({ id: e.streamId, event: e }));
    expect([...(await projectMany(counted, batch(event('c', 1), event('d', 1), event('d', 2)), evolve))].sort()).toEqual(['c', 'd']);
    expect(read).toEqual([]);
    expect([...(await projectMany(counted, batch(event('c', 2), event('e', 1)), evolve))].sort()).toEqual(['c', 'e']);
    expect(read).toEqual([{ _id: { $in: ['c'] } }]);
    expect((await tallies.findOne({ _id: 'd' }))?.seen).toEqual([1, 2]);
    expect((await tallies.findOne({ _id: 'c' }))?.seen).toEqual([1, 2]);
  });

  it('projectMany removes what an earlier delivery wrote when a redelivery from the first event folds to nothing', async () => {
    const tallies = mongo.db(dbName).collection<Projected<Tally>>(uniqueName('tallies'));
    // A tally closes (its document goes) at its third event, like a case leaving the queue.
    const closing = (doc: Tally | null, e: EventEnvelope) => (e.streamVersion === 3 ? null : evolve(doc, e));
    const batch = (...events: EventEnvelope[]) => events.map((e) => ({ id: e.streamId, event: e }));
    await projectMany(tallies, batch(event('k', 1)), closing);
    // Redelivered from the first event (a rebalance), with what came after it and a new stream.
    const changed = await projectMany(tallies, batch(event('k', 1), event('p', 1), event('k', 2), event('k', 3)), closing);
    expect([...changed].sort()).toEqual(['k', 'p']);
    expect(await tallies.find().toArray()).toEqual([{ _id: 'p', _version: 1, count: 1, last: 1, seen: [1] }]);
    // Opened and closed within one batch, never written: nothing to remove, nothing changed.
    expect((await projectMany(tallies, batch(event('n', 1), event('n', 2), event('n', 3)), closing)).size).toBe(0);
    expect(await tallies.countDocuments()).toBe(1);
    // A stream that makes no document here (another service's part of a report) is not read for it.
    const read: unknown[] = [];
    const counted = new Proxy(tallies, {
      get: (target, property, receiver) =>
        property === 'find' ? (filter: unknown) => (read.push(filter), target.find(filter as object)) : Reflect.get(target, property, receiver),
    });
    expect((await projectMany(counted, batch(event('q', 1), event('q', 2)), (doc) => doc)).size).toBe(0);
    expect(read).toEqual([]);
  });

  it('projectMany, when another writer got in between its read and its write, re-applies one by one and loses nothing', async () => {
    const tallies = mongo.db(dbName).collection<Projected<Tally>>(uniqueName('tallies'));
    await projectOnce(tallies, 'x', event('x', 1), evolve);
    let interfered = false;
    const racing = new Proxy(tallies, {
      get(target, property, receiver) {
        if (property !== 'bulkWrite') return Reflect.get(target, property, receiver);
        return async (...args: unknown[]) => {
          if (!interfered) {
            interfered = true; // another writer applies x@2 and inserts y between the read and the write
            await projectOnce(tallies, 'x', event('x', 2), evolve);
            await projectOnce(tallies, 'y', event('y', 1), evolve);
          }
          return (target.bulkWrite as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      },
    });
    await projectMany(
      racing,
      [event('x', 2), event('x', 3), event('y', 1), event('y', 2)].map((e) => ({ id: e.streamId, event: e })),
      evolve,
    );
    expect(await tallies.findOne({ _id: 'x' })).toEqual({ _id: 'x', _version: 3, count: 3, last: 3, seen: [1, 2, 3] });
    expect(await tallies.findOne({ _id: 'y' })).toEqual({ _id: 'y', _version: 2, count: 2, last: 2, seen: [1, 2] });
  });
});
