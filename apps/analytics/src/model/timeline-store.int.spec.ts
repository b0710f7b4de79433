import { deflateRawSync } from 'node:zlib';
import { Binary, MongoClient } from 'mongodb';
import { testInfra, testMongo, uniqueName } from '@callcenter/testing';
import { AnalyticsModel, TimelineEntry } from './analytics-model';
import { TimelineStore } from './timeline-store';

const entry = (streamVersion: number, type: string): TimelineEntry => ({
  at: `2026-12-02T03:00:0${streamVersion}.000Z`,
  type,
  actor: 'op-1',
  producer: 'triage',
  streamId: 'r-1',
  streamVersion,
  data: { n: streamVersion },
});

/** What TimelineStore reads of the model: its unsaved parts, its resident and held timelines. */
function modelWith(parts: [string, { reportId: string; entries: TimelineEntry[] }][]): AnalyticsModel {
  const model = new AnalyticsModel();
  for (const [id, part] of parts) model.unsaved.set(id, part);
  return model;
}

describe('TimelineStore, settled reports timelines (real database)', () => {
  let mongo: MongoClient;
  let store: TimelineStore;
  const dbName = uniqueName('it_timelines');

  beforeAll(async () => {
    mongo = await testMongo();
    store = new TimelineStore(mongo.db(dbName));
  });
  /** What each collection holds of a report: its whole timeline at settling, and what was added after. */
  const stored = async (id: string) => {
    const db = mongo.db(dbName);
    const [whole, added] = await Promise.all(
      ['analytics_timelines', 'analytics_timeline_additions'].map((c) => db.collection(c).findOne({ _id: id as never })),
    );
    return { whole, added };
  };
  const packedDoc = (id: string, version: number) => ({ _id: id, packed: expect.any(Binary), version });
  afterAll(async () => {
    await mongo.db(dbName).dropDatabase();
    await mongo.close();
  });

  it('merges the parts after settling into one document per report, and a replay of them changes nothing', async () => {
    const id = uniqueName('report');
    expect(await store.flush(modelWith([['a', { reportId: id, entries: [entry(1, 'ReportClaimed')] }]]))).toBe(1);
    await store.flush(modelWith([['b', { reportId: id, entries: [entry(2, 'ReportRejected')] }]]));
    await store.flush(modelWith([['c', { reportId: id, entries: [entry(1, 'ReportClaimed'), entry(2, 'ReportRejected')] }]]));
    expect(await stored(id)).toEqual({ whole: null, added: packedDoc(id, 2) });
    expect(await store.timeline(modelWith([]), id)).toEqual([entry(1, 'ReportClaimed'), entry(2, 'ReportRejected')]);
  });

  it('inserts a report settled whole without reading first; a replay of it after later entries does not take them away', async () => {
    const id = uniqueName('report');
    const watched = await new MongoClient(testInfra().mongoUri, { monitorCommands: true }).connect();
    const reads: string[] = [];
    watched.on('commandStarted', (c) => c.commandName === 'find' && reads.push(JSON.stringify(c.command.filter)));
    try {
      const watchedStore = new TimelineStore(watched.db(dbName));
      const whole = [entry(1, 'ReportClaimed'), entry(2, 'ReportRejected')];
      await watchedStore.flush(modelWith([[id, { reportId: id, entries: whole }]]));
      expect(reads).toEqual([]);
      await watchedStore.flush(modelWith([[`${id}|triage:r-1|3`, { reportId: id, entries: [entry(3, 'ReportSplit')] }]]));
      await watchedStore.flush(modelWith([[id, { reportId: id, entries: whole }]])); // a replay from before the entry after
    } finally {
      await watched.close();
    }
    expect(await stored(id)).toEqual({ whole: packedDoc(id, 2), added: packedDoc(id, 1) });
    expect(await store.timeline(modelWith([]), id)).toEqual([entry(1, 'ReportClaimed'), entry(2, 'ReportRejected'), entry(3, 'ReportSplit')]);
  });

  it('adds what a replay settled with that the stored timeline lacks (the topics read in another order), and only that', async () => {
    const id = uniqueName('report');
    await store.flush(modelWith([[id, { reportId: id, entries: [entry(1, 'ReportClaimed'), entry(2, 'ReportRejected')] }]]));
    await store.flush(modelWith([[id, { reportId: id, entries: [entry(1, 'ReportClaimed'), entry(2, 'ReportRejected'), entry(3, 'ReportSplit')] }]]));
    expect(await stored(id)).toEqual({ whole: packedDoc(id, 2), added: packedDoc(id, 1) });
    expect(await store.timeline(modelWith([]), id)).toEqual([entry(1, 'ReportClaimed'), entry(2, 'ReportRejected'), entry(3, 'ReportSplit')]);
  });

  it('holds back a whole timeline whose last entry is not before `ripeBefore`; an entry after is never held', async () => {
    const [early, late, after] = [uniqueName('report'), uniqueName('report'), uniqueName('report')];
    const model = modelWith([
      [early, { reportId: early, entries: [entry(1, 'ReportClaimed'), entry(2, 'ReportRejected')] }], // last entry 03:00:02
      [late, { reportId: late, entries: [entry(1, 'ReportClaimed'), entry(4, 'ReportRejected')] }], // last entry 03:00:04
      [`${after}|triage:r-1|3`, { reportId: after, entries: [entry(3, 'ReportSplit')] }],
    ]);
    expect(await store.flush(model, '2026-12-02T03:00:03.000Z')).toBe(2);
    expect([...model.unsaved].map(([id]) => id)).toEqual([late]);
    expect(await stored(early)).toEqual({ whole: packedDoc(early, 2), added: null });
    expect(await stored(late)).toEqual({ whole: null, added: null });
    expect((await stored(after)).added).toEqual(packedDoc(after, 1));
    expect(await store.flush(model)).toBe(1);
    expect(await stored(late)).toEqual({ whole: packedDoc(late, 2), added: null });
  });

  it('reads a timeline written before packing (entries as an array), with what is added after', async () => {
    const id = uniqueName('report');
    const timelines = mongo.db(dbName).collection('analytics_timelines');
    await timelines.insertOne({ _id: id as never, entries: [entry(1, 'ReportClaimed'), entry(2, 'ReportRejected')], version: 2 });
    expect(await store.timeline(modelWith([]), id)).toEqual([entry(1, 'ReportClaimed'), entry(2, 'ReportRejected')]);
    await store.flush(modelWith([[`${id}|triage:r-1|3`, { reportId: id, entries: [entry(3, 'ReportSplit')] }]]));
    expect((await stored(id)).added).toEqual(packedDoc(id, 1));
    expect(await store.timeline(modelWith([]), id)).toEqual([entry(1, 'ReportClaimed'), entry(2, 'ReportRejected'), entry(3, 'ReportSplit')]);
  });

  it("reads a timeline packed with zlib's default window (as builds before the smaller one wrote it)", async () => {
    const id = uniqueName('report');
    const entries = [entry(1, 'ReportClaimed'), entry(2, 'ReportRejected')];
    const packed = new Binary(deflateRawSync(JSON.stringify(entries), { level: 1 }));
    await mongo
      .db(dbName)
      .collection('analytics_timelines')
      .insertOne({ _id: id as never, packed, version: 2 });
    expect(await store.timeline(modelWith([]), id)).toEqual(entries);
  });
});
