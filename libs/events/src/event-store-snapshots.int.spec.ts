import { MongoClient } from 'mongodb';
import { ConcurrencyConflict } from '@callcenter/contracts';
import { testMongo, uniqueName } from '@callcenter/testing';
import { defineEvent } from './event-registry';
import { MongoEventStore, SnapshotFold } from './event-store';

const meta = () => ({ actor: 'unit:PATROL-01', correlationId: 'c-1', now: new Date() });
const Moved = defineEvent<{ km: number }>()('PatrolLegDriven');

interface Odometer {
  legs: number;
  km: number;
}
const odometer = (schemaVersion: number): SnapshotFold<Odometer> => ({
  name: 'odometer',
  schemaVersion,
  initialState: () => ({ legs: 0, km: 0 }),
  evolve: (s, e) => ({ legs: s.legs + 1, km: s.km + e.data.km }),
});
const replay = async (store: MongoEventStore, id: string) =>
  (await store.readStream(id)).events.reduce((s, e) => odometer(1).evolve(s, e), odometer(1).initialState());

describe('MongoEventStore snapshots (real database)', () => {
  let mongo: MongoClient;
  const dbName = uniqueName('it_snap');
  /** A store as a freshly started instance has it: nothing cached. */
  const freshStore = () => new MongoEventStore(mongo.db(dbName), { producer: 'test', topic: 'unused', snapshotEvery: 50 });

  async function streamOf(commits: number): Promise<string> {
    const id = uniqueName('s');
    const store = freshStore();
    for (let v = 0; v < commits; v++) await store.append(id, v, [Moved({ km: v % 7 })], meta());
    return id;
  }

  beforeAll(async () => {
    mongo = await testMongo();
  });
  afterAll(async () => {
    await mongo.db(dbName).dropDatabase();
    await mongo.close();
  });

  it('loads from the latest snapshot plus later commits, equal to a full replay', async () => {
    const id = await streamOf(130);
    const first = await freshStore().load(id, odometer(1));
    expect(first).toMatchObject({ version: 130, commitsRead: 130, state: await replay(freshStore(), id) });
    const snapshot = await freshStore().snapshots.findById(`odometer:${id}`).lean();
    expect(snapshot).toMatchObject({ streamId: id, schemaVersion: 1, version: 130, state: first.state });

    // 20 more commits: a cold load reads only those, and still equals the replay
    const writer = freshStore();
    for (let v = 130; v < 150; v++) await writer.append(id, v, [Moved({ km: 3 })], meta());
    const cold = await freshStore().load(id, odometer(1));
    expect(cold).toMatchObject({ version: 150, commitsRead: 20, state: await replay(freshStore(), id) });
  });

  it('takes a snapshot every 50 events, so a cold load never reads more than that many commits', async () => {
    const id = uniqueName('s');
    const store = freshStore();
    for (let v = 0; v < 260; v++) {
      await store.append(id, v, [Moved({ km: 1 })], meta());
      if (v % 10 === 9) await store.load(id, odometer(1)); // commands load between appends
    }
    const cold = await freshStore().load(id, odometer(1));
    expect(cold.commitsRead).toBeLessThanOrEqual(50);
    expect(cold.state).toEqual({ legs: 260, km: 260 });
  });

  it('ignores a snapshot of another schema version, folds from the start and replaces it', async () => {
    const id = await streamOf(60);
    await freshStore().snapshots.replaceOne(
      { _id: `odometer:${id}` },
      { streamId: id, fold: 'odometer', schemaVersion: 1, version: 60, lastCommit: `${id}#59`, state: { legs: -1, km: -1 }, takenAt: new Date() },
      { upsert: true },
    );
    const trusted = await freshStore().load(id, odometer(1));
    expect(trusted).toMatchObject({ commitsRead: 0, state: { legs: -1, km: -1 } }); // proves the snapshot is used when it matches

    const upgraded = await freshStore().load(id, odometer(2));
    expect(upgraded).toMatchObject({ version: 60, commitsRead: 60, state: await replay(freshStore(), id) });
    expect(await freshStore().snapshots.findById(`odometer:${id}`).lean()).toMatchObject({ schemaVersion: 2, version: 60, state: upgraded.state });
  });

  it('keeps snapshots to their schema: one without its stream or with version 0 is refused, an empty state kept as written', async () => {
    const id = uniqueName('s');
    const snapshots = freshStore().snapshots;
    const valid = {
      _id: `odometer:${id}`,
      streamId: id,
      fold: 'odometer',
      schemaVersion: 1,
      version: 3,
      lastCommit: `${id}#2`,
      state: {},
      takenAt: new Date(),
    };
    await expect(snapshots.replaceOne({ _id: valid._id }, { ...valid, streamId: undefined }, { upsert: true, runValidators: true })).rejects.toThrow(
      /streamId/,
    );
    await expect(snapshots.replaceOne({ _id: valid._id }, { ...valid, version: 0 }, { upsert: true, runValidators: true })).rejects.toThrow(/version/);
    await snapshots.replaceOne({ _id: valid._id }, valid, { upsert: true, runValidators: true });
    expect(await snapshots.findById(valid._id).lean()).toEqual(valid);
  });

  it('appends after a cold load without reading the stream, and still refuses a stale version', async () => {
    const id = await streamOf(80);
    const store = freshStore();
    const { version } = await store.load(id, odometer(1));
    expect((await store.append(id, version, [Moved({ km: 5 })], meta())).version).toBe(81);
    await expect(freshStore().append(id, 80, [Moved({ km: 5 })], meta())).rejects.toBeInstanceOf(ConcurrencyConflict);
    await expect(store.append(id, 80, [Moved({ km: 5 })], meta())).rejects.toMatchObject({ actualVersion: 81 });
    expect((await store.load(id, odometer(1))).state).toEqual(await replay(freshStore(), id));
  });
});
