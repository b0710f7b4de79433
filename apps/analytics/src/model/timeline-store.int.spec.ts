import { MongoClient } from 'mongodb';
import { testMongo, uniqueName } from '@callcenter/testing';
import type { AnalyticsModel, TimelineEntry } from './analytics-model';
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
  return { unsaved: new Map(parts), timelines: new Map(), heldTimeline: () => [] } as unknown as AnalyticsModel;
}

describe('TimelineStore, settled reports timelines (real database)', () => {
  let mongo: MongoClient;
  let store: TimelineStore;
  const dbName = uniqueName('it_timelines');

  beforeAll(async () => {
    mongo = await testMongo();
    store = new TimelineStore(mongo.db(dbName));
  });
  afterAll(async () => {
    await mongo.db(dbName).dropDatabase();
    await mongo.close();
  });

  it('merges parts into one document per report, and a replay of them changes nothing', async () => {
    const id = uniqueName('report');
    expect(await store.flush(modelWith([['a', { reportId: id, entries: [entry(1, 'ReportClaimed')] }]]))).toBe(1);
    await store.flush(modelWith([['b', { reportId: id, entries: [entry(2, 'ReportRejected')] }]]));
    await store.flush(modelWith([['c', { reportId: id, entries: [entry(1, 'ReportClaimed'), entry(2, 'ReportRejected')] }]]));
    const stored = await mongo
      .db(dbName)
      .collection('analytics_timelines')
      .findOne({ _id: id as never });
    expect(stored).toEqual({ _id: id, entries: [entry(1, 'ReportClaimed'), entry(2, 'ReportRejected')], version: 2 });
    expect(await store.timeline(modelWith([]), id)).toEqual([entry(1, 'ReportClaimed'), entry(2, 'ReportRejected')]);
  });
});
