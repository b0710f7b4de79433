import {
  ConcurrencyConflict,
  DEFAULT_PRIORITY_TARGETS,
  parsePriorityTargets,
  IllegalState,
  incidentIdFor,
  Jurisdiction,
  NotFound,
  ValidationFailed,
} from '@callcenter/contracts';
import { IncidentOpened, SYSTEM_ACTOR } from '@callcenter/events';
import { AuthenticatedUser } from '@callcenter/platform';
import { InMemoryEventStore, rejectionOf } from '@callcenter/testing';
import { DispatchBoard } from './board/dispatch-board';
import { DispatchBoardService } from './board/dispatch-board.service';
import { DispatchRules } from './dispatch.rules';
import { Dispatching } from './dispatching';
import { IncidentActor, incidentDecider, IncidentState } from './incident/incident.decider';
import { UnitPositions } from './positions/unit-positions';
import { DEFAULT_SPEEDS_KMH } from './recommendation';
import { UnitDetails, UnitState } from './unit/unit.decider';

// In process, without I/O: the application service over the in-memory event store and the board
// read model; the real store and Kafka are the e2e tests' (apps/dispatch/test/dispatch.e2e.spec.ts).

const JURISDICTION: Jurisdiction = {
  name: 'Polres Test',
  districts: [
    { code: 'TEBET', name: 'Tebet', latitude: -6.2264, longitude: 106.8584 },
    { code: 'MENTENG', name: 'Menteng', latitude: -6.1963, longitude: 106.8322 },
  ],
};
const REPORT_ID = '3f2b8c1e-7a4d-4e9b-9c2a-5d8e1f6a7b01';
const INCIDENT_ID = incidentIdFor(REPORT_ID);
const UNIT = 'PATROL-TEBET-01';
const OTHER_UNIT = 'PATROL-TEBET-02';
const DETAILS: UnitDetails = { type: 'PATROL_CAR', capabilities: ['FIRST_AID'], homeDistrict: 'TEBET' };
const meta = { actor: 'dsp-andi', correlationId: 'corr-1' };
const andi: IncidentActor = { kind: 'dispatcher', id: 'dsp-andi' };
const unitActor = (unitId: string): IncidentActor => ({ kind: 'unit', unitId });

const FORWARDED = {
  reportId: REPORT_ID,
  trackingCode: 'PLR-0001',
  category: 'KEJAHATAN' as const,
  priority: 'P2' as const,
  district: 'TEBET',
  location: { latitude: null, longitude: null, address: 'Jl. Tebet Raya 1' },
  description: 'Pencurian motor',
  peopleInjured: 0,
  receivedAt: '2026-12-02T10:00:00.000Z',
  forwardedAt: '2026-12-02T10:01:00.000Z',
};

function setUp(rules: Partial<DispatchRules> = {}) {
  const store = new InMemoryEventStore();
  const board = new DispatchBoard(JURISDICTION);
  // The board read model itself; its Kafka tail and snapshots are the service's I/O, left out here.
  const boards = {
    board,
    acceptUnit: (state: UnitState, version: number) => state.status !== 'UNREGISTERED' && board.loadUnit({ state, version }),
    acceptIncident: (state: IncidentState, version: number) => state.status !== 'NONE' && board.loadIncident({ state, version }),
  } as unknown as DispatchBoardService;
  const positions = { record: async () => true } as unknown as UnitPositions;
  const allRules = {
    targets: parsePriorityTargets(DEFAULT_PRIORITY_TARGETS),
    jurisdiction: JURISDICTION,
    speedsKmh: { ...DEFAULT_SPEEDS_KMH },
    acknowledgeSeconds: 120,
    autoAssignP1: false,
    orphanGraceMs: 1_000,
    ...rules,
  } as DispatchRules;
  return { store, board, dispatching: new Dispatching(store, boards, allRules, positions) };
}

async function withIncidentAndUnits(rules: Partial<DispatchRules> = {}) {
  const world = setUp(rules);
  await world.dispatching.registerUnit(UNIT, DETAILS, true, meta);
  await world.dispatching.registerUnit(OTHER_UNIT, DETAILS, true, meta);
  await world.dispatching.openIncident(FORWARDED, meta);
  return world;
}

describe('Dispatching: units', () => {
  it('registers a unit, and refuses it twice (409) or in an unknown district (400 naming the field)', async () => {
    const { store, dispatching } = setUp();
    const unit = await dispatching.registerUnit(UNIT, DETAILS, true, meta);
    expect(unit).toMatchObject({ unitId: UNIT, status: 'AVAILABLE' });
    expect(store.typesOf(UNIT)).toEqual(['UnitRegistered']);
    expect(await rejectionOf(dispatching.registerUnit(UNIT, DETAILS, true, meta))).toMatchObject({ rule: 'UNIT_ALREADY_REGISTERED' });
    const bad = await rejectionOf(dispatching.registerUnit('PATROL-X', { ...DETAILS, homeDistrict: 'ATLANTIS' }, true, meta));
    expect(bad).toBeInstanceOf(ValidationFailed);
    expect(JSON.stringify(bad)).toContain('homeDistrict');
  });

  it('updates a unit, and answers an unknown one with 404', async () => {
    const { dispatching } = setUp();
    await dispatching.registerUnit(UNIT, DETAILS, true, meta);
    expect(await dispatching.updateUnit(UNIT, { capabilities: ['K9'] }, false, meta)).toMatchObject({ status: 'OFF_DUTY', details: { capabilities: ['K9'] } });
    expect(await rejectionOf(dispatching.updateUnit('PATROL-NONE', {}, true, meta))).toBeInstanceOf(NotFound);
  });

  it("lets a unit report only its own status; a dispatcher reports any unit's", async () => {
    const { dispatching } = setUp();
    await dispatching.registerUnit(UNIT, DETAILS, true, meta);
    const other: AuthenticatedUser = { id: `unit:${OTHER_UNIT}`, roles: ['unit'] } as AuthenticatedUser;
    expect(await rejectionOf(dispatching.reportUnitStatus(UNIT, other, { status: 'OFF_DUTY' }, meta))).toMatchObject({ rule: 'NOT_YOUR_UNIT' });
    const dispatcher = { id: 'dsp-andi', roles: ['dispatcher'] } as AuthenticatedUser;
    expect(await dispatching.reportUnitStatus(UNIT, dispatcher, { status: 'OFF_DUTY' }, meta)).toMatchObject({ status: 'OFF_DUTY' });
    expect(await rejectionOf(dispatching.reportUnitStatus('PATROL-NONE', dispatcher, { status: 'OFF_DUTY' }, meta))).toBeInstanceOf(NotFound);
  });
});

describe('Dispatching: incidents', () => {
  it("opens a report's incident once, at its district's centre when it has no coordinates", async () => {
    const { store, dispatching } = setUp();
    const first = await dispatching.openIncident(FORWARDED, meta);
    expect(first.opened).toBe(true);
    expect(first.incident.incident).toMatchObject({ incidentId: INCIDENT_ID, location: { latitude: -6.2264, longitude: 106.8584, approximate: true } });
    expect((await dispatching.openIncident(FORWARDED, meta)).opened).toBe(false);
    expect(store.typesOf(INCIDENT_ID)).toEqual(['IncidentOpened']);
  });

  it('assigns a unit: the unit is committed and the incident records it', async () => {
    const { store, dispatching } = await withIncidentAndUnits();
    const incident = await dispatching.assign(INCIDENT_ID, UNIT, andi, meta);
    expect(incident).toMatchObject({ status: 'ASSIGNED', assignment: { unitId: UNIT } });
    expect(store.typesOf(UNIT)).toEqual(['UnitRegistered', 'UnitCommitted']);
    expect(store.typesOf(INCIDENT_ID)).toEqual(['IncidentOpened', 'UnitAssigned']);
  });

  it('decides an assignment once', async () => {
    const { dispatching } = await withIncidentAndUnits();
    const decide = jest.spyOn(incidentDecider, 'decide');
    try {
      await dispatching.assign(INCIDENT_ID, UNIT, andi, meta);
      expect(decide.mock.calls.map(([command]) => command.type)).toEqual(['AssignUnit']);
    } finally {
      decide.mockRestore();
    }
  });

  it('answers an unknown incident or unit with 404, touching nothing', async () => {
    const { store, dispatching } = await withIncidentAndUnits();
    expect(await rejectionOf(dispatching.assign(incidentIdFor('no-such-report'), UNIT, andi, meta))).toBeInstanceOf(NotFound);
    expect(await rejectionOf(dispatching.assign(INCIDENT_ID, 'PATROL-NONE', andi, meta))).toBeInstanceOf(NotFound);
    expect(store.typesOf(UNIT)).toEqual(['UnitRegistered']);
    for (const command of [
      () => dispatching.acknowledge(incidentIdFor('no-such-report'), unitActor(UNIT), meta),
      () => dispatching.resolve(incidentIdFor('no-such-report'), andi, 'FALSE_ALARM', 'none', meta),
      () => dispatching.close(incidentIdFor('no-such-report'), andi, meta),
    ]) {
      expect(await rejectionOf(command())).toBeInstanceOf(NotFound);
    }
  });

  it('refuses an illegal assignment (409 naming the rule) before the unit is committed', async () => {
    const { store, dispatching } = await withIncidentAndUnits();
    await dispatching.assign(INCIDENT_ID, UNIT, andi, meta);
    expect(await rejectionOf(dispatching.assign(INCIDENT_ID, OTHER_UNIT, andi, meta))).toMatchObject({ rule: 'INCIDENT_ALREADY_ASSIGNED' });
    expect(await rejectionOf(dispatching.assign(INCIDENT_ID, OTHER_UNIT, unitActor(OTHER_UNIT), meta))).toBeInstanceOf(IllegalState);
    expect(store.typesOf(OTHER_UNIT)).toEqual(['UnitRegistered']);
  });

  it('loses a race on the incident with 409 and releases the unit it had committed', async () => {
    const { store, dispatching } = await withIncidentAndUnits();
    store.beforeAppend = async (streamId) => {
      // The unit's commitment goes through; meanwhile another instance records on the incident.
      expect(streamId).toBe(UNIT);
      store.beforeAppend = async () => {
        await store.append(
          INCIDENT_ID,
          1,
          [IncidentOpened({ ...FORWARDED, incidentId: INCIDENT_ID, location: { latitude: 0, longitude: 0, address: null, approximate: true } })],
          {
            ...meta,
            now: new Date(),
          },
        );
      };
    };
    expect(await rejectionOf(dispatching.assign(INCIDENT_ID, UNIT, andi, meta))).toBeInstanceOf(ConcurrencyConflict);
    expect(store.typesOf(UNIT)).toEqual(['UnitRegistered', 'UnitCommitted', 'UnitReleased']);
    expect((await dispatching.unitState(UNIT)).status).toBe('AVAILABLE');
  });

  it('reassigns: the new unit is committed and the previous one released', async () => {
    const { store, dispatching } = await withIncidentAndUnits();
    await dispatching.assign(INCIDENT_ID, UNIT, andi, meta);
    expect(await dispatching.reassign(INCIDENT_ID, OTHER_UNIT, andi, meta)).toMatchObject({ assignment: { unitId: OTHER_UNIT } });
    expect(store.typesOf(UNIT)).toEqual(['UnitRegistered', 'UnitCommitted', 'UnitReleased']);
    expect(store.typesOf(OTHER_UNIT)).toEqual(['UnitRegistered', 'UnitCommitted']);
  });

  it('follows the assigned unit from acknowledgement to resolution, then closes', async () => {
    const { store, dispatching } = await withIncidentAndUnits();
    await dispatching.assign(INCIDENT_ID, UNIT, andi, meta);
    expect(await rejectionOf(dispatching.acknowledge(INCIDENT_ID, unitActor(OTHER_UNIT), meta))).toBeInstanceOf(IllegalState);
    await dispatching.acknowledge(INCIDENT_ID, unitActor(UNIT), meta);
    await dispatching.enRoute(INCIDENT_ID, unitActor(UNIT), meta);
    expect((await dispatching.unitState(UNIT)).status).toBe('EN_ROUTE');
    await dispatching.arrive(INCIDENT_ID, unitActor(UNIT), meta);
    expect((await dispatching.unitState(UNIT)).status).toBe('ON_SCENE');
    expect(await dispatching.resolve(INCIDENT_ID, unitActor(UNIT), 'HANDLED_ON_SCENE', 'motor found', meta)).toMatchObject({ status: 'RESOLVED' });
    expect(store.typesOf(UNIT).at(-1)).toBe('UnitReleased');
    expect(await dispatching.close(INCIDENT_ID, andi, meta)).toMatchObject({ status: 'CLOSED' });
    expect(await rejectionOf(dispatching.close(INCIDENT_ID, andi, meta))).toMatchObject({ rule: 'INCIDENT_CLOSED' });
  });

  it('after a decline the unit is released and the incident awaits a unit again', async () => {
    const { store, dispatching } = await withIncidentAndUnits();
    await dispatching.assign(INCIDENT_ID, UNIT, andi, meta);
    expect(await dispatching.decline(INCIDENT_ID, unitActor(UNIT), 'flat tyre', meta)).toMatchObject({ status: 'AWAITING_UNIT' });
    expect(store.typesOf(UNIT).at(-1)).toBe('UnitReleased');
  });

  it('times out an unacknowledged assignment and frees the unit; a second tick changes nothing', async () => {
    const { store, dispatching } = await withIncidentAndUnits({ acknowledgeSeconds: 0 });
    await dispatching.assign(INCIDENT_ID, UNIT, andi, meta);
    await dispatching.timeOutAssignment(INCIDENT_ID);
    expect((await dispatching.incidentState(INCIDENT_ID)).status).toBe('AWAITING_UNIT');
    const after = store.typesOf(UNIT);
    expect(after.at(-1)).toBe('UnitReleased');
    await dispatching.timeOutAssignment(INCIDENT_ID);
    expect(store.typesOf(UNIT)).toEqual(after);
  });

  it('records a merge on an open incident, and nothing on one not open yet', async () => {
    const { store, dispatching } = await withIncidentAndUnits();
    const merge = { type: 'MergeReport' as const, reportId: '9a41d7c0-2b6e-4f15-8c3d-71e0b5a4c902', mergedAt: '2026-12-02T10:05:00.000Z', mergedBy: 'op-budi' };
    await dispatching.followGroup(INCIDENT_ID, merge, { actor: SYSTEM_ACTOR, correlationId: 'c' });
    expect(store.typesOf(INCIDENT_ID).length).toBe(2);
    await dispatching.followGroup(incidentIdFor('not-forwarded'), merge, { actor: SYSTEM_ACTOR, correlationId: 'c' });
    expect(store.typesOf(incidentIdFor('not-forwarded'))).toEqual([]);
  });
});
