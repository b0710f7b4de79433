import type { Kafka } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { dispatchEvents, EventRegistry, IncidentClosed, IncidentOpened, IncidentResolved, MongoEventStore, TOPICS } from '@callcenter/events';
import { testMongo, uniqueName } from '@callcenter/testing';
import { DispatchRules } from '../dispatch.rules';
import { UnitPositions } from '../positions/unit-positions';
import { DispatchBoardService } from './dispatch-board.service';

const INCIDENT_ID = '5f0e7c2a-3b1d-5e8f-9a4c-6d2b1e0f7a31';
const REPORT_ID = '0b6f3e1c-7d2a-4c5e-8f9b-1a2d3c4e5f60';
const rules = {
  jurisdiction: { districts: [{ code: 'TEBET', name: 'Tebet', latitude: -6.2265, longitude: 106.8583 }] },
  lookbackMinutes: 1,
  positionRefreshMs: 1_000,
} as unknown as DispatchRules;

/**
 * Issue 15: the board holds open incidents only. An open incident's detail (state and timeline)
 * comes from memory once read; a closed one has left memory and is answered from the event store.
 */
describe('DispatchBoardService.incidentRecord (real database and event store)', () => {
  let mongo: MongoClient;
  let store: MongoEventStore;
  let boards: DispatchBoardService;
  const dbName = uniqueName('it_dispatch_board');
  const meta = (n: number) => ({ actor: 'disp-rina', correlationId: `c-${n}`, now: new Date(Date.parse('2026-12-02T03:00:00Z') + n * 60_000) });

  beforeAll(async () => {
    mongo = await testMongo();
    const db = mongo.db(dbName);
    store = new MongoEventStore(db, { producer: 'dispatch', topic: TOPICS.dispatch, registry: new EventRegistry(dispatchEvents) });
    await store.ensureIndexes();
    boards = new DispatchBoardService({} as Kafka, db, store, rules, new UnitPositions(db));
  });
  afterAll(async () => {
    await mongo.db(dbName).dropDatabase();
    await mongo.close();
  });

  /** What the tail does with the stream's events as they come back from Kafka. */
  const tail = async (fromVersion: number) => {
    for (const e of (await store.readStream(INCIDENT_ID)).events.filter((e) => e.streamVersion > fromVersion)) boards.board.apply(e);
  };

  it('answers an open incident from memory once read, and a closed one from the event store after it left memory', async () => {
    await store.append(
      INCIDENT_ID,
      0,
      [
        IncidentOpened({
          incidentId: INCIDENT_ID,
          reportId: REPORT_ID,
          trackingCode: '7KQ2M-94XHD',
          category: 'KEBAKARAN',
          priority: 'P1',
          district: 'TEBET',
          location: { latitude: -6.2265, longitude: 106.8583, address: null, approximate: false },
          description: 'Kebakaran rumah di Jl. Tebet Raya',
          peopleInjured: 0,
          receivedAt: '2026-12-02T02:59:00.000Z',
          forwardedAt: '2026-12-02T03:00:00.000Z',
        }),
      ],
      meta(0),
    );
    await tail(0);
    expect(boards.board.size).toMatchObject({ openIncidents: 1, timelines: 0 });

    // First read: from the store; the board keeps the timeline while the incident is open.
    const first = await boards.incidentRecord(INCIDENT_ID);
    expect(first).toMatchObject({ version: 1, state: { status: 'AWAITING_UNIT' }, timeline: [{ version: 1, type: 'IncidentOpened', data: {} }] });
    expect(boards.board.size).toMatchObject({ openIncidents: 1, timelines: 1 });

    // The next event reaches the board by the tail and joins the kept timeline.
    await store.append(
      INCIDENT_ID,
      1,
      [IncidentResolved({ incidentId: INCIDENT_ID, reportId: REPORT_ID, unitId: null, outcome: 'FALSE_ALARM', summary: 'Api sudah padam' })],
      meta(1),
    );
    await tail(1);
    const resolved = await boards.incidentRecord(INCIDENT_ID);
    expect(resolved).toMatchObject({ version: 2, state: { status: 'RESOLVED' } });
    expect(resolved.timeline.map((t) => t.type)).toEqual(['IncidentOpened', 'IncidentResolved']);

    // Served from memory: a commit the board has not seen yet is not in the answer until the tail brings it.
    await store.append(INCIDENT_ID, 2, [IncidentClosed({ incidentId: INCIDENT_ID, reportId: REPORT_ID })], meta(2));
    expect((await boards.incidentRecord(INCIDENT_ID)).version).toBe(2);

    // Closed: the incident and its timeline leave memory; the detail now reads the event store.
    await tail(2);
    expect(boards.board.incident(INCIDENT_ID)).toBeUndefined();
    expect(boards.board.size).toMatchObject({ openIncidents: 0, timelines: 0 });
    const closed = await boards.incidentRecord(INCIDENT_ID);
    expect(closed).toMatchObject({ version: 3, state: { status: 'CLOSED', resolution: { outcome: 'FALSE_ALARM' } } });
    expect(closed.timeline).toEqual([
      expect.objectContaining({ version: 1, type: 'IncidentOpened', actor: 'disp-rina' }),
      expect.objectContaining({ version: 2, type: 'IncidentResolved', data: expect.objectContaining({ summary: 'Api sudah padam' }) }),
      expect.objectContaining({ version: 3, type: 'IncidentClosed', data: {} }),
    ]);
    // Reading it does not bring it back.
    expect(boards.board.size).toMatchObject({ openIncidents: 0, timelines: 0 });
  });

  it('answers 404 for an incident the store does not know', async () => {
    await expect(boards.incidentRecord('9d1c2b3a-4e5f-5a6b-8c7d-0e1f2a3b4c5d')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
