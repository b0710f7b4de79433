import { ConcurrencyConflict, IllegalState, incidentIdFor, NotFound } from '@callcenter/contracts';
import { IncidentOpened } from '@callcenter/events';
import { rejectionOf } from '@callcenter/testing';
import { andi, dispatchInProcess, FORWARDED as FORWARDED_WITHOUT_COORDINATES, INCIDENT_ID, meta, OTHER_UNIT, UNIT } from '../in-process.testing';
import { OpenIncident } from '../incident/incident.commands';
import { IncidentActor, incidentDecider } from '../incident/incident.decider';
import { RegisterUnit } from '../unit/unit.commands';
import { AssignUnit, ReassignUnit } from './assignment.commands';

// The assignment saga (assignment.saga.ts) through the AssignUnit and ReassignUnit handlers, in
// process on Nest's CommandBus over the in-memory event store: each step, and the compensation.

const FORWARDED = { ...FORWARDED_WITHOUT_COORDINATES, location: { latitude: -6.2264, longitude: 106.8584, address: 'Jl. Tebet Raya 1' } };

let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

async function world() {
  const w = await dispatchInProcess();
  close = () => w.app.close();
  for (const unit of [UNIT, OTHER_UNIT])
    await w.commands.execute(new RegisterUnit(unit, { type: 'PATROL_CAR', capabilities: [], homeDistrict: 'TEBET' }, true, meta));
  await w.commands.execute(new OpenIncident(FORWARDED, meta));
  return w;
}

describe('AssignmentSaga', () => {
  it('commits the unit, then records the assignment on the incident', async () => {
    const { store, commands, board } = await world();
    const incident = await commands.execute(new AssignUnit(INCIDENT_ID, UNIT, andi, meta));
    expect(incident).toMatchObject({ status: 'ASSIGNED', assignment: { unitId: UNIT, callSign: UNIT } });
    expect(store.typesOf(UNIT)).toEqual(['UnitRegistered', 'UnitCommitted']);
    expect(store.typesOf(INCIDENT_ID)).toEqual(['IncidentOpened', 'UnitAssigned']);
    expect(board.incident(INCIDENT_ID)?.state.status).toBe('ASSIGNED');
  });

  it('decides the assignment once, on the incident as read', async () => {
    const { commands } = await world();
    const decide = jest.spyOn(incidentDecider, 'decide');
    try {
      await commands.execute(new AssignUnit(INCIDENT_ID, UNIT, andi, meta));
      expect(decide.mock.calls.map(([command]) => command.type)).toEqual(['AssignUnit']);
    } finally {
      decide.mockRestore();
    }
  });

  it('step 1: an assignment the incident refuses (409 naming the rule) commits no unit', async () => {
    const { store, commands } = await world();
    await commands.execute(new AssignUnit(INCIDENT_ID, UNIT, andi, meta));
    expect(await rejectionOf(commands.execute(new AssignUnit(INCIDENT_ID, OTHER_UNIT, andi, meta)))).toMatchObject({ rule: 'INCIDENT_ALREADY_ASSIGNED' });
    const self: IncidentActor = { kind: 'unit', unitId: OTHER_UNIT };
    expect(await rejectionOf(commands.execute(new AssignUnit(INCIDENT_ID, OTHER_UNIT, self, meta)))).toBeInstanceOf(IllegalState);
    expect(store.typesOf(OTHER_UNIT)).toEqual(['UnitRegistered']);
  });

  it('step 1: an unknown incident or unit is a 404, touching nothing', async () => {
    const { store, commands } = await world();
    expect(await rejectionOf(commands.execute(new AssignUnit(incidentIdFor('no-such-report'), UNIT, andi, meta)))).toBeInstanceOf(NotFound);
    expect(await rejectionOf(commands.execute(new AssignUnit(INCIDENT_ID, 'PATROL-NONE', andi, meta)))).toBeInstanceOf(NotFound);
    expect(store.typesOf(UNIT)).toEqual(['UnitRegistered']);
    expect(store.typesOf(INCIDENT_ID)).toEqual(['IncidentOpened']);
  });

  it('step 2: a unit committed elsewhere refuses, and the incident records nothing', async () => {
    const { store, commands } = await world();
    await commands.execute(new OpenIncident({ ...FORWARDED, reportId: '7d0c5a8e-1b2f-4c3d-9e4f-5a6b7c8d9e0f' }, meta));
    await commands.execute(new AssignUnit(incidentIdFor('7d0c5a8e-1b2f-4c3d-9e4f-5a6b7c8d9e0f'), UNIT, andi, meta));
    expect(await rejectionOf(commands.execute(new AssignUnit(INCIDENT_ID, UNIT, andi, meta)))).toBeInstanceOf(IllegalState);
    expect(store.typesOf(INCIDENT_ID)).toEqual(['IncidentOpened']);
  });

  it('step 3 lost to a rival on the incident: 409, and the compensation releases the unit it had committed', async () => {
    const { store, commands, dispatching } = await world();
    store.beforeAppend = async (streamId) => {
      // The unit's commitment goes through; meanwhile another instance records on the incident.
      expect(streamId).toBe(UNIT);
      store.beforeAppend = async () => {
        const opened = IncidentOpened({ ...FORWARDED, incidentId: INCIDENT_ID, location: { ...FORWARDED.location, approximate: false } });
        await store.append(INCIDENT_ID, 1, [opened], { ...meta, now: new Date() });
      };
    };
    expect(await rejectionOf(commands.execute(new AssignUnit(INCIDENT_ID, UNIT, andi, meta)))).toBeInstanceOf(ConcurrencyConflict);
    expect(store.typesOf(UNIT)).toEqual(['UnitRegistered', 'UnitCommitted', 'UnitReleased']);
    expect((await dispatching.unitState(UNIT)).status).toBe('AVAILABLE');
  });

  it("step 3 failing otherwise (the database): the compensation runs and the failure is the request's answer", async () => {
    const { store, commands } = await world();
    store.beforeAppend = async () => {
      store.beforeAppend = async () => {
        throw new Error('database unreachable');
      };
    };
    expect(await rejectionOf(commands.execute(new AssignUnit(INCIDENT_ID, UNIT, andi, meta)))).toMatchObject({ message: 'database unreachable' });
    expect(store.typesOf(UNIT).at(-1)).toBe('UnitReleased');
  });

  it('step 4: a reassignment commits the new unit and releases the one it replaced', async () => {
    const { store, commands } = await world();
    await commands.execute(new AssignUnit(INCIDENT_ID, UNIT, andi, meta));
    expect(await commands.execute(new ReassignUnit(INCIDENT_ID, OTHER_UNIT, andi, meta))).toMatchObject({ assignment: { unitId: OTHER_UNIT } });
    expect(store.typesOf(UNIT)).toEqual(['UnitRegistered', 'UnitCommitted', 'UnitReleased']);
    expect(store.typesOf(OTHER_UNIT)).toEqual(['UnitRegistered', 'UnitCommitted']);
  });
});
