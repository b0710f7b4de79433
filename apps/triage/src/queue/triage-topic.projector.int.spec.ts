import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { EventEnvelope, MongoEventStore } from '@callcenter/events';
import { openedCaseData, testMongo, uniqueName } from '@callcenter/testing';
import { CallersStore } from '../callers/callers.store';
import { TriageCommand } from '../case/triage-case.decider';
import { caseRecorder } from '../case/triage-case.testing';
import { TriageTopicProjector } from './triage-topic.projector';
import { QUEUE_SNAPSHOT_COLLECTION } from './triage-queue';

const T0 = Date.parse('2026-12-06T01:00:00Z');
const by = { id: 'op-sari', supervisor: true };

/** Cases made by the decider, some claimed, classified, escalated or closed; every event as the store records it, in offset order. */
function traffic(cases: number): EventEnvelope[] {
  const events: EventEnvelope[] = [];
  for (let i = 0; i < cases; i++) {
    const reportId = randomUUID();
    let time = T0 + i * 1_000;
    const record = caseRecorder(reportId, events);
    const run = (command: TriageCommand) => record(command, new Date(time));
    const description = 'Motor dicuri di parkiran';
    const location = { latitude: -6.24, longitude: 106.85, address: 'Jl. Tebet Raya', reportedDistrict: null };
    run({
      type: 'OpenCase',
      data: openedCaseData({
        reportId,
        trackingCode: reportId.slice(0, 10),
        receivedAt: new Date(time).toISOString(),
        description,
        location,
        callerRef: `caller-${i % 3}`,
      }),
    });
    const now = () => new Date((time += 1_000));
    if (i % 2 === 0) run({ type: 'Claim', by, now: now(), leaseSeconds: 300 });
    if (i % 3 === 0) run({ type: 'Classify', by, now: now(), category: 'KEJAHATAN', priority: 'P2', district: null });
    if (i % 4 === 1) run({ type: 'Escalate', by, now: now(), reason: 'Perlu supervisor' });
    if (i % 5 === 2) run({ type: 'Reject', by, now: now(), reason: 'PRANK', explanation: 'Iseng' });
  }
  return events.sort((a, b) => a.recordedAt.localeCompare(b.recordedAt) || a.streamVersion - b.streamVersion);
}

describe('the triage topic projector on the real database', () => {
  let mongo: MongoClient;
  const dbNames = [uniqueName('it_triage_proj_batch'), uniqueName('it_triage_proj_each')].map((n) => n.replace(/-/g, '_'));

  beforeAll(async () => {
    mongo = await testMongo();
  });
  afterAll(async () => {
    for (const name of dbNames) await mongo.db(name).dropDatabase();
    await mongo.close();
  });

  const projectorOn = (dbName: string) => {
    const db = mongo.db(dbName);
    // Not started: the test hands it the events a consumer would fetch. A split would read this store.
    const store = new MongoEventStore(db, { producer: 'triage', topic: 'triage' });
    return new TriageTopicProjector(db, new CallersStore(db), store) as unknown as {
      handle(e: EventEnvelope): Promise<void>;
      handleBatch(es: EventEnvelope[]): Promise<void>;
    };
  };
  const stored = async (dbName: string, collection: string) => mongo.db(dbName).collection(collection).find({}).sort({ _id: 1 }).toArray();

  it('keeps the same queue snapshot and prank record from fetched batches, redelivered ones too, as event by event', async () => {
    const events = traffic(40);
    const [batched, each] = dbNames.map(projectorOn);
    // Batches of 1–16 events, each batch after the first also redelivering the end of the one before (a rebalance's overlap).
    for (let start = 0, size = 1; start < events.length; start += size, size = (size * 7) % 17 || 1) {
      await batched.handleBatch(events.slice(Math.max(0, start - 3), start + size));
    }
    for (const event of events) await each.handle(event);

    const [snapshot, expected] = await Promise.all(dbNames.map((name) => stored(name, QUEUE_SNAPSHOT_COLLECTION)));
    expect(snapshot).toEqual(expected);
    // Closed cases (rejected) left the snapshot; the others are there at their last version.
    expect(snapshot).toHaveLength(40 - 8);
    const lastVersion = new Map(events.map((e) => [e.streamId, e.streamVersion]));
    for (const doc of snapshot) expect(doc._version).toBe(lastVersion.get(doc._id as unknown as string));
    const [pranks, expectedPranks] = await Promise.all(dbNames.map((name) => stored(name, 'caller_reputation')));
    expect(pranks).toEqual(expectedPranks);
  });
});
