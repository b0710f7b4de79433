import { ConcurrencyConflict } from '@callcenter/contracts';
import { MongoClient } from 'mongodb';
import { testMongo, uniqueName } from '@callcenter/testing';
import { defineEvent, EventRegistry } from './event-registry';
import { MongoEventStore } from './event-store';

const meta = () => ({ actor: 'operator-1', correlationId: 'c-1', now: new Date() });
const Noted = defineEvent<{ text: string }>()('NoteAdded');
const OldNoted = defineEvent<{ note: string }>()('LegacyNoted');

describe('MongoEventStore (real database)', () => {
  let mongo: MongoClient;
  let store: MongoEventStore;
  const dbName = uniqueName('it_store');

  beforeAll(async () => {
    mongo = await testMongo();
    store = new MongoEventStore(mongo.db(dbName), { producer: 'test', topic: 'unused' });
    await store.ensureIndexes();
  });
  afterAll(async () => {
    await mongo.db(dbName).dropDatabase();
    await mongo.close();
  });

  it('appends a command’s events together and reads the stream back in order', async () => {
    const id = uniqueName('s');
    await store.append(id, 0, [Noted({ text: 'a' })], meta());
    const second = await store.append(id, 1, [Noted({ text: 'b' }), Noted({ text: 'c' })], meta());
    expect(second.version).toBe(3);
    const stream = await store.readStream(id);
    expect(stream.version).toBe(3);
    expect(stream.events.map((e: any) => [e.streamVersion, (e.data as any).text])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
    expect(stream.events[0]).toMatchObject({ producer: 'test', actor: 'operator-1', correlationId: 'c-1', streamId: id });
  });

  it('lets exactly one of ten writers racing on the same version win', async () => {
    const id = uniqueName('s');
    await store.append(id, 0, [Noted({ text: 'created' })], meta());
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store.append(id, 1, [Noted({ text: `w${i}` }), Noted({ text: `w${i}'` })], meta())),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(9);
    for (const r of lost) {
      expect(r.reason).toBeInstanceOf(ConcurrencyConflict);
      expect(r.reason).toMatchObject({ streamId: id, expectedVersion: 1, actualVersion: 3 });
    }
    const stream = await store.readStream(id);
    expect(stream.version).toBe(3); // the winner's two events, nothing of the losers
    expect(stream.events).toHaveLength(3);
  });

  it('refuses to create a stream twice', async () => {
    const id = uniqueName('s');
    const both = await Promise.allSettled([store.append(id, 0, [Noted({ text: 'x' })], meta()), store.append(id, 0, [Noted({ text: 'y' })], meta())]);
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await store.readStream(id)).events).toHaveLength(1);
  });

  it('refuses an append to a version the stream has not reached', async () => {
    const id = uniqueName('s');
    await expect(store.append(id, 2, [Noted({ text: 'x' })], meta())).rejects.toBeInstanceOf(ConcurrencyConflict);
    expect(await store.readStream(id)).toEqual({ version: 0, events: [] });
  });

  it('reads old schema versions as the current one through the registry', async () => {
    const v2 = defineEvent<{ text: string }>()('LegacyNoted', { schemaVersion: 2, upcasters: { 1: (d: { note: string }) => ({ text: d.note }) } });
    const id = uniqueName('s');
    await store.append(id, 0, [OldNoted({ note: 'written as v1' })], meta()); // store knows no registry: schema 1
    const reader = new MongoEventStore(mongo.db(dbName), { producer: 'test', topic: 'unused', registry: new EventRegistry([v2]) });
    const [event] = (await reader.readStream(id)).events;
    expect(event).toMatchObject({ type: 'LegacyNoted', schemaVersion: 2, data: { text: 'written as v1' } });
  });
});
