import { incidentIdFor, NotFound, ValidationFailed } from '@callcenter/contracts';
import { EventEnvelope, SYSTEM_ACTOR } from '@callcenter/events';
import { AuthenticatedUser } from '@callcenter/platform';
import { rejectionOf, reportForwarded } from '@callcenter/testing';
import { AssignUnit } from './assignment/assignment.commands';
import { IncidentBoardQuery, UnitBoardQuery } from './board/board.queries';
import { DispatchRules } from './dispatch.rules';
import { andi, dispatchInProcess, FORWARDED, INCIDENT_ID, meta, OTHER_UNIT, REPORT_ID, UNIT } from './in-process.testing';
import { DeclineAssignment, FinishIncident, FollowIncidentGroup, OpenIncident, ProgressIncident } from './incident/incident.commands';
import { IncidentActor } from './incident/incident.decider';
import { MarkDispatchOverdue, ReleaseOrphanedUnit, TimeOutAssignment } from './timers/timer.commands';
import { RegisterUnit, ReportUnitStatus, UpdateUnit } from './unit/unit.commands';
import { OpenIncidentConsumer } from './triage-feed/open-incident.consumer';
import { IncidentGroupFollower } from './triage-feed/incident-group-follower';
import { UnitDetails } from './unit/unit.decider';

// Every dispatch command and query handler, in process on Nest's buses over the in-memory event
// store (in-process.testing.ts); the assignment saga has its own (assignment/assignment.saga.unit.spec.ts).
// The real store and Kafka are the e2e tests' (apps/dispatch/test/dispatch.e2e.spec.ts).

const DETAILS: UnitDetails = { type: 'PATROL_CAR', capabilities: ['FIRST_AID'], homeDistrict: 'TEBET' };
const unitActor = (unitId: string): IncidentActor => ({ kind: 'unit', unitId });

const worlds: { app: { close(): Promise<void> } }[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.app.close()));
});

async function setUp(rules: Partial<DispatchRules> = {}) {
  const world = await dispatchInProcess(rules);
  worlds.push(world);
  return world;
}

async function withIncidentAndUnits(rules: Partial<DispatchRules> = {}, forwarded: OpenIncident['forwarded'] = FORWARDED) {
  const world = await setUp(rules);
  await world.commands.execute(new RegisterUnit(UNIT, DETAILS, true, meta));
  await world.commands.execute(new RegisterUnit(OTHER_UNIT, DETAILS, true, meta));
  await world.commands.execute(new OpenIncident(forwarded, meta));
  return world;
}

describe('dispatch command handlers: units', () => {
  it('RegisterUnit registers a unit, and refuses it twice (409) or in an unknown district (400 naming the field)', async () => {
    const { store, commands } = await setUp();
    const unit = await commands.execute(new RegisterUnit(UNIT, DETAILS, true, meta));
    expect(unit).toMatchObject({ unitId: UNIT, status: 'AVAILABLE' });
    expect(store.typesOf(UNIT)).toEqual(['UnitRegistered']);
    expect(await rejectionOf(commands.execute(new RegisterUnit(UNIT, DETAILS, true, meta)))).toMatchObject({ rule: 'UNIT_ALREADY_REGISTERED' });
    const bad = await rejectionOf(commands.execute(new RegisterUnit('PATROL-X', { ...DETAILS, homeDistrict: 'ATLANTIS' }, true, meta)));
    expect(bad).toBeInstanceOf(ValidationFailed);
    expect(JSON.stringify(bad)).toContain('homeDistrict');
  });

  it('UpdateUnit updates a unit, and answers an unknown one with 404', async () => {
    const { commands } = await setUp();
    await commands.execute(new RegisterUnit(UNIT, DETAILS, true, meta));
    expect(await commands.execute(new UpdateUnit(UNIT, { capabilities: ['K9'] }, false, meta))).toMatchObject({
      status: 'OFF_DUTY',
      details: { capabilities: ['K9'] },
    });
    expect(await rejectionOf(commands.execute(new UpdateUnit('PATROL-NONE', {}, true, meta)))).toBeInstanceOf(NotFound);
  });

  it("ReportUnitStatus: a unit reports only its own status; a dispatcher reports any unit's", async () => {
    const { commands, queries } = await setUp();
    await commands.execute(new RegisterUnit(UNIT, DETAILS, true, meta));
    const other: AuthenticatedUser = { id: `unit:${OTHER_UNIT}`, roles: ['unit'] } as AuthenticatedUser;
    expect(await rejectionOf(commands.execute(new ReportUnitStatus(UNIT, other, { status: 'OFF_DUTY' }, meta)))).toMatchObject({ rule: 'NOT_YOUR_UNIT' });
    const dispatcher = { id: 'dsp-andi', roles: ['dispatcher'] } as AuthenticatedUser;
    const position = { latitude: -6.2, longitude: 106.85 };
    expect(await commands.execute(new ReportUnitStatus(UNIT, dispatcher, { status: 'OFF_DUTY', position }, meta))).toMatchObject({ status: 'OFF_DUTY' });
    expect(await rejectionOf(commands.execute(new ReportUnitStatus('PATROL-NONE', dispatcher, { status: 'OFF_DUTY' }, meta)))).toBeInstanceOf(NotFound);
    expect((await queries.execute(new UnitBoardQuery(andi))).items).toEqual([expect.objectContaining({ unitId: UNIT, status: 'OFF_DUTY', position })]);
  });
});

describe('dispatch command handlers: incidents', () => {
  it("OpenIncident opens a report's incident once, at its district's centre when it has no coordinates", async () => {
    const { store, commands } = await setUp();
    const first = await commands.execute(new OpenIncident(FORWARDED, meta));
    expect(first.opened).toBe(true);
    expect(first.incident.incident).toMatchObject({ incidentId: INCIDENT_ID, location: { latitude: -6.2264, longitude: 106.8584, approximate: true } });
    expect((await commands.execute(new OpenIncident(FORWARDED, meta))).opened).toBe(false);
    expect(store.typesOf(INCIDENT_ID)).toEqual(['IncidentOpened']);
  });

  it('answers commands on an unknown incident with 404', async () => {
    const { commands } = await withIncidentAndUnits();
    const unknown = incidentIdFor('no-such-report');
    for (const command of [
      new ProgressIncident(unknown, 'AcknowledgeAssignment', unitActor(UNIT), meta),
      FinishIncident.resolve(unknown, andi, 'FALSE_ALARM', 'none', meta),
      FinishIncident.close(unknown, andi, meta),
      new DeclineAssignment(unknown, unitActor(UNIT), 'no', meta),
    ]) {
      expect(await rejectionOf(commands.execute(command))).toBeInstanceOf(NotFound);
    }
  });

  it('ProgressIncident and FinishIncident follow the assigned unit from acknowledgement to resolution, then close', async () => {
    const { store, commands, dispatching } = await withIncidentAndUnits();
    await commands.execute(new AssignUnit(INCIDENT_ID, UNIT, andi, meta));
    // Another unit's incident does not exist for it.
    expect(await rejectionOf(commands.execute(new ProgressIncident(INCIDENT_ID, 'AcknowledgeAssignment', unitActor(OTHER_UNIT), meta)))).toBeInstanceOf(
      NotFound,
    );
    await commands.execute(new ProgressIncident(INCIDENT_ID, 'AcknowledgeAssignment', unitActor(UNIT), meta));
    await commands.execute(new ProgressIncident(INCIDENT_ID, 'MarkEnRoute', unitActor(UNIT), meta));
    expect((await dispatching.unitState(UNIT)).status).toBe('EN_ROUTE');
    await commands.execute(new ProgressIncident(INCIDENT_ID, 'MarkArrived', unitActor(UNIT), meta));
    expect((await dispatching.unitState(UNIT)).status).toBe('ON_SCENE');
    const resolved = await commands.execute(FinishIncident.resolve(INCIDENT_ID, unitActor(UNIT), 'HANDLED_ON_SCENE', 'motor found', meta));
    expect(resolved).toMatchObject({ status: 'RESOLVED' });
    expect(store.typesOf(UNIT).at(-1)).toBe('UnitReleased');
    expect(await commands.execute(FinishIncident.close(INCIDENT_ID, andi, meta))).toMatchObject({ status: 'CLOSED' });
    expect(await rejectionOf(commands.execute(FinishIncident.close(INCIDENT_ID, andi, meta)))).toMatchObject({ rule: 'INCIDENT_CLOSED' });
  });

  it('DeclineAssignment releases the unit and the incident awaits a unit again', async () => {
    const { store, commands } = await withIncidentAndUnits();
    await commands.execute(new AssignUnit(INCIDENT_ID, UNIT, andi, meta));
    expect(await commands.execute(new DeclineAssignment(INCIDENT_ID, unitActor(UNIT), 'flat tyre', meta))).toMatchObject({ status: 'AWAITING_UNIT' });
    expect(store.typesOf(UNIT).at(-1)).toBe('UnitReleased');
  });

  it('after a decline, a P1 goes to the next recommended unit when auto-assignment is on', async () => {
    const { store, commands } = await withIncidentAndUnits({ autoAssignP1: true }, { ...FORWARDED, priority: 'P1' });
    await commands.execute(new AssignUnit(INCIDENT_ID, UNIT, andi, meta));
    const after = await commands.execute(new DeclineAssignment(INCIDENT_ID, unitActor(UNIT), 'flat tyre', meta));
    expect(after).toMatchObject({ status: 'ASSIGNED', assignment: { unitId: OTHER_UNIT, automatic: true } });
    expect(store.typesOf(OTHER_UNIT)).toEqual(['UnitRegistered', 'UnitCommitted']);
  });

  it('a P1 forward delivered again after a crash between its open and its auto-assignment is assigned then, once', async () => {
    const { store, commands } = await withIncidentAndUnits({ autoAssignP1: true }, { ...FORWARDED, priority: 'P1' }); // opened, not assigned: the crash
    const consumer = new OpenIncidentConsumer(commands, { attachMembers: async () => undefined } as unknown as IncidentGroupFollower);
    // The same forward as the one that opened it (its report, its data), delivered again.
    const again: EventEnvelope = { ...reportForwarded('P1', { latitude: -6.2297, longitude: 106.8532 }), data: { ...FORWARDED, priority: 'P1' } };
    await (consumer as unknown as { handle(e: EventEnvelope): Promise<void> }).handle(again);
    expect(store.typesOf(INCIDENT_ID)).toEqual(['IncidentOpened', 'UnitAssigned']);
    await (consumer as unknown as { handle(e: EventEnvelope): Promise<void> }).handle(again); // and a third delivery changes nothing
    expect(store.typesOf(INCIDENT_ID)).toEqual(['IncidentOpened', 'UnitAssigned']);
  });

  it('FollowIncidentGroup records a merge on an open incident, and nothing on one not open yet', async () => {
    const { store, commands } = await withIncidentAndUnits();
    const merge = { type: 'MergeReport' as const, reportId: '9a41d7c0-2b6e-4f15-8c3d-71e0b5a4c902', mergedAt: '2026-12-02T10:05:00.000Z', mergedBy: 'op-budi' };
    await commands.execute(new FollowIncidentGroup(INCIDENT_ID, merge, { actor: SYSTEM_ACTOR, correlationId: 'c' }));
    expect(store.typesOf(INCIDENT_ID)).toEqual(['IncidentOpened', 'IncidentReportMerged']);
    await commands.execute(new FollowIncidentGroup(incidentIdFor('not-forwarded'), merge, { actor: SYSTEM_ACTOR, correlationId: 'c' }));
    expect(store.typesOf(incidentIdFor('not-forwarded'))).toEqual([]);
  });

  it('IncidentBoardQuery lists open incidents; a field unit sees only the ones assigned to it', async () => {
    const { commands, queries } = await withIncidentAndUnits();
    expect(await queries.execute(new IncidentBoardQuery(andi, {}, 0, 10))).toMatchObject({
      total: 1,
      items: [{ incidentId: INCIDENT_ID, status: 'AWAITING_UNIT' }],
    });
    expect((await queries.execute(new IncidentBoardQuery(unitActor(UNIT), {}, 0, 10))).total).toBe(0);
    await commands.execute(new AssignUnit(INCIDENT_ID, UNIT, andi, meta));
    expect((await queries.execute(new IncidentBoardQuery(unitActor(UNIT), {}, 0, 10))).items).toEqual([expect.objectContaining({ incidentId: INCIDENT_ID })]);
    expect((await queries.execute(new IncidentBoardQuery(andi, { status: ['AWAITING_UNIT'] }, 0, 10))).total).toBe(0);
  });
});

describe('dispatch command handlers: timers', () => {
  it('TimeOutAssignment frees the unit of an unacknowledged assignment; a second tick changes nothing', async () => {
    const { store, commands, dispatching } = await withIncidentAndUnits({ acknowledgeSeconds: 0 });
    await commands.execute(new AssignUnit(INCIDENT_ID, UNIT, andi, meta));
    await commands.execute(new TimeOutAssignment(INCIDENT_ID));
    expect((await dispatching.incidentState(INCIDENT_ID)).status).toBe('AWAITING_UNIT');
    const after = store.typesOf(UNIT);
    expect(after.at(-1)).toBe('UnitReleased');
    await commands.execute(new TimeOutAssignment(INCIDENT_ID));
    expect(store.typesOf(UNIT)).toEqual(after);
  });

  it('MarkDispatchOverdue records DispatchOverdue once, past the target', async () => {
    const { store, commands } = await withIncidentAndUnits();
    await commands.execute(new MarkDispatchOverdue(INCIDENT_ID));
    await commands.execute(new MarkDispatchOverdue(INCIDENT_ID));
    expect(store.typesOf(INCIDENT_ID)).toEqual(['IncidentOpened', 'DispatchOverdue']);
  });

  it('ReleaseOrphanedUnit releases a committed unit its incident does not hold, only after the grace period', async () => {
    const { store, commands, dispatching } = await withIncidentAndUnits();
    // A crash between the saga's two appends: the unit is committed, the incident never recorded it.
    await dispatching.onUnit(UNIT, { type: 'CommitUnit', now: new Date(), incidentId: INCIDENT_ID, reportId: REPORT_ID }, meta, new Date());
    const t0 = Date.now();
    expect(await commands.execute(new ReleaseOrphanedUnit(UNIT, INCIDENT_ID, t0))).toBe(false);
    expect(await commands.execute(new ReleaseOrphanedUnit(UNIT, INCIDENT_ID, t0 + 500))).toBe(false);
    expect(await commands.execute(new ReleaseOrphanedUnit(UNIT, INCIDENT_ID, t0 + 1_100))).toBe(true);
    expect(store.typesOf(UNIT)).toEqual(['UnitRegistered', 'UnitCommitted', 'UnitReleased']);
  });

  it('ReleaseOrphanedUnit leaves a unit its incident holds', async () => {
    const { store, commands } = await withIncidentAndUnits();
    await commands.execute(new AssignUnit(INCIDENT_ID, UNIT, andi, meta));
    const t0 = Date.now();
    expect(await commands.execute(new ReleaseOrphanedUnit(UNIT, INCIDENT_ID, t0))).toBe(false);
    expect(await commands.execute(new ReleaseOrphanedUnit(UNIT, INCIDENT_ID, t0 + 2_000))).toBe(false);
    expect(store.typesOf(UNIT)).toEqual(['UnitRegistered', 'UnitCommitted']);
  });
});
