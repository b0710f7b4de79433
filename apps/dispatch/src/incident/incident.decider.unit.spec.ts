import { DEFAULT_PRIORITY_TARGETS, parsePriorityTargets, Priority, ResolutionOutcome } from '@callcenter/contracts';
import {
  AssignmentAcknowledged,
  AssignmentDeclined,
  AssignmentTimedOut,
  DispatchOverdue,
  IncidentClosed,
  IncidentEvent,
  IncidentOpened,
  IncidentOpenedV1,
  IncidentResolved,
  UnitArrived,
  UnitAssigned,
  UnitEnRoute,
} from '@callcenter/events';
import { deciderSpec } from '@callcenter/testing';
import { dispatchDueAt, Incident, IncidentActor, IncidentCommand, incidentDecider, IncidentState, UnitChoice } from './incident.decider';

// ---------------------------------------------------------------------------------------------
// given(events).when(command).then(events) | .thenNothing() | .thenThrows(rule)
// ---------------------------------------------------------------------------------------------

const { given, fold } = deciderSpec(incidentDecider);

/** The state as an incident, failing the test if there is none. */
const asIncident = (state: IncidentState): Incident => {
  if (state.status === 'NONE') throw new Error('expected an incident, found none');
  return state;
};

// ---------------------------------------------------------------------------------------------
// Test data
// ---------------------------------------------------------------------------------------------

const INCIDENT_ID = '5c0e9d3a-8b1f-4a6e-9d27-3e4f5a6b7c81';
const REPORT_ID = '3f2b8c1e-7a4d-4e9b-9c2a-5d8e1f6a7b01';
const IDS = { incidentId: INCIDENT_ID, reportId: REPORT_ID };

const andi: IncidentActor = { kind: 'dispatcher', id: 'dsp-andi' };
const system: IncidentActor = { kind: 'dispatcher', id: 'system' };
const tebet01: UnitChoice = { unitId: 'PATROL-TEBET-01', callSign: 'PATROL-TEBET-01', distanceMeters: 850, etaSeconds: 102 };
const tebet02: UnitChoice = { unitId: 'PATROL-TEBET-02', callSign: 'PATROL-TEBET-02', distanceMeters: 2140, etaSeconds: 257 };
const byUnit = (unit: UnitChoice): IncidentActor => ({ kind: 'unit', unitId: unit.unitId });

const targets = parsePriorityTargets(DEFAULT_PRIORITY_TARGETS); // to dispatch: P1 180 s, P2 600 s, P3 1800 s, P4 none

const at = (iso: string) => new Date(iso);
const RECEIVED_AT = '2026-11-28T03:00:00.000Z'; // 10:00 WIB
const ASSIGN_AT = at('2026-11-28T03:02:00Z');
const ACK_SECONDS = 60;
const ACK_BY = '2026-11-28T03:03:00.000Z'; // ASSIGN_AT + 60 s
const REASSIGN_AT = at('2026-11-28T03:06:00Z');

/** A motorcycle theft reported near Stasiun Tebet, forwarded as P2 with coordinates. */
function incident(overrides: Partial<IncidentOpenedV1> = {}): IncidentOpenedV1 {
  return {
    incidentId: INCIDENT_ID,
    reportId: REPORT_ID,
    trackingCode: '7KQ2M-94XHD',
    category: 'KEJAHATAN',
    priority: 'P2',
    district: 'TEBET',
    location: { latitude: -6.2265, longitude: 106.8583, address: 'Jl. Tebet Raya, dekat Stasiun Tebet', approximate: false },
    description: 'Sepeda motor pelapor dicuri di parkiran minimarket dekat Stasiun Tebet, pelaku dua orang naik motor hitam',
    peopleInjured: 0,
    receivedAt: RECEIVED_AT,
    forwardedAt: '2026-11-28T03:01:30.000Z',
    ...overrides,
  };
}

// Events of the incident's history
const opened = (data = incident()) => IncidentOpened(data);
const assigned = (unit = tebet01, acknowledgeBy = ACK_BY, previousUnitId: string | null = null, automatic = false) =>
  UnitAssigned({
    ...IDS,
    unitId: unit.unitId,
    callSign: unit.callSign,
    previousUnitId,
    distanceMeters: unit.distanceMeters,
    etaSeconds: unit.etaSeconds,
    automatic,
    acknowledgeBy,
  });
const acknowledged = (unit = tebet01) => AssignmentAcknowledged({ ...IDS, unitId: unit.unitId });
const declined = (unit = tebet01, reason = 'Sedang menangani kecelakaan di Jl. Casablanca') => AssignmentDeclined({ ...IDS, unitId: unit.unitId, reason });
const timedOut = (unit = tebet01) => AssignmentTimedOut({ ...IDS, unitId: unit.unitId });
const enRoute = (unit = tebet01) => UnitEnRoute({ ...IDS, unitId: unit.unitId });
const arrived = (unit = tebet01) => UnitArrived({ ...IDS, unitId: unit.unitId });
const resolved = (
  unitId: string | null = tebet01.unitId,
  outcome: ResolutionOutcome = 'HANDLED_ON_SCENE',
  summary = 'Pelapor dibantu membuat laporan polisi, olah TKP selesai',
) => IncidentResolved({ ...IDS, unitId, outcome, summary });
const closed = () => IncidentClosed(IDS);
const overdue = () => DispatchOverdue({ ...IDS, priority: 'P2', targetSeconds: 600, dueAt: '2026-11-28T03:10:00.000Z' });

/** The history that leaves the incident in each state. */
const states = {
  AWAITING_UNIT: [opened()],
  ASSIGNED: [opened(), assigned()],
  ACKNOWLEDGED: [opened(), assigned(), acknowledged()],
  EN_ROUTE: [opened(), assigned(), acknowledged(), enRoute()],
  ON_SCENE: [opened(), assigned(), acknowledged(), enRoute(), arrived()],
  RESOLVED: [opened(), assigned(), acknowledged(), enRoute(), arrived(), resolved()],
  CLOSED: [opened(), assigned(), acknowledged(), enRoute(), arrived(), resolved(), closed()],
} satisfies Record<Incident['status'], IncidentEvent[]>;
type Status = keyof typeof states;
const finished: Status[] = ['RESOLVED', 'CLOSED'];
const holding: Status[] = ['ASSIGNED', 'ACKNOWLEDGED', 'EN_ROUTE', 'ON_SCENE'];

// Commands
const assign = (by: IncidentActor = andi, unit = tebet01, now = ASSIGN_AT, automatic = false): IncidentCommand => ({
  type: 'AssignUnit',
  by,
  now,
  unit,
  automatic,
  acknowledgeSeconds: ACK_SECONDS,
});
const reassign = (by: IncidentActor = andi, unit = tebet02, now = REASSIGN_AT): IncidentCommand => ({
  type: 'ReassignUnit',
  by,
  now,
  unit,
  acknowledgeSeconds: ACK_SECONDS,
});
const acknowledge = (by: IncidentActor): IncidentCommand => ({ type: 'AcknowledgeAssignment', by });
const decline = (by: IncidentActor, reason = 'Sedang menangani kecelakaan di Jl. Casablanca'): IncidentCommand => ({ type: 'DeclineAssignment', by, reason });
const markEnRoute = (by: IncidentActor): IncidentCommand => ({ type: 'MarkEnRoute', by });
const markArrived = (by: IncidentActor): IncidentCommand => ({ type: 'MarkArrived', by });
const resolve = (
  by: IncidentActor,
  outcome: ResolutionOutcome = 'HANDLED_ON_SCENE',
  summary = 'Pelapor dibantu membuat laporan polisi, olah TKP selesai',
): IncidentCommand => ({
  type: 'ResolveIncident',
  by,
  outcome,
  summary,
});
const close = (by: IncidentActor = andi): IncidentCommand => ({ type: 'CloseIncident', by });
const timeOut = (now: Date): IncidentCommand => ({ type: 'TimeOutAssignment', now });
const markOverdue = (now: Date): IncidentCommand => ({ type: 'MarkDispatchOverdue', now, targets });

// ---------------------------------------------------------------------------------------------

describe('incident decider', () => {
  describe('OpenIncident', () => {
    it('opens an incident on a new stream, awaiting a unit', () => {
      const state = given()
        .when({ type: 'OpenIncident', data: incident() })
        .then([IncidentOpened(incident())]);
      expect(state).toMatchObject({ status: 'AWAITING_UNIT', assignment: null });
    });

    it.each(Object.keys(states) as Status[])('does nothing when the incident exists (%s; a redelivered forward)', (status) => {
      given(...states[status])
        .when({ type: 'OpenIncident', data: incident() })
        .thenNothing();
    });
  });

  describe('AssignUnit', () => {
    it('assigns a unit chosen by a dispatcher, to be acknowledged by now + acknowledgeSeconds', () => {
      const state = given(opened())
        .when(assign(andi, tebet01))
        .then([
          UnitAssigned({
            incidentId: INCIDENT_ID,
            reportId: REPORT_ID,
            unitId: 'PATROL-TEBET-01',
            callSign: 'PATROL-TEBET-01',
            previousUnitId: null,
            distanceMeters: 850,
            etaSeconds: 102,
            automatic: false,
            acknowledgeBy: '2026-11-28T03:03:00.000Z',
          }),
        ]);
      expect(state).toMatchObject({
        status: 'ASSIGNED',
        everAssigned: true,
        assignment: { unitId: 'PATROL-TEBET-01', callSign: 'PATROL-TEBET-01', acknowledgeBy: ACK_BY, automatic: false },
      });
    });

    it('marks an automatic assignment (P1 auto-assign) as automatic', () => {
      const p1 = incident({ priority: 'P1', peopleInjured: 2, description: 'Perampokan bersenjata tajam di minimarket Jl. Tebet Barat Dalam, korban luka' });
      given(opened(p1))
        .when(assign(system, tebet01, ASSIGN_AT, true))
        .then([assigned(tebet01, ACK_BY, null, true)]);
    });

    it('assigns a unit with no known position (distance and ETA null)', () => {
      const unknown: UnitChoice = { unitId: 'MOTOR-TEBET-03', callSign: 'MOTOR-TEBET-03', distanceMeters: null, etaSeconds: null };
      given(opened())
        .when(assign(andi, unknown))
        .then([assigned(unknown)]);
    });

    it('assigns again after a decline or a time-out', () => {
      given(opened(), assigned(), declined())
        .when(assign(andi, tebet02, REASSIGN_AT))
        .then([assigned(tebet02, '2026-11-28T03:07:00.000Z')]);
      given(opened(), assigned(), timedOut())
        .when(assign(andi, tebet02, REASSIGN_AT))
        .then([assigned(tebet02, '2026-11-28T03:07:00.000Z')]);
    });

    it('refuses a unit assigning itself', () => {
      given(opened())
        .when(assign(byUnit(tebet01)))
        .thenThrows('DISPATCHER_REQUIRED');
    });

    it.each(holding)('refuses when a unit already holds the incident (%s)', (status) => {
      given(...states[status])
        .when(assign(andi, tebet02))
        .thenThrows('INCIDENT_ALREADY_ASSIGNED');
    });
  });

  describe('ReassignUnit', () => {
    it.each(holding)('replaces the unit holding a %s incident, naming the previous unit', (status) => {
      const state = given(...states[status])
        .when(reassign(andi, tebet02))
        .then([
          UnitAssigned({
            incidentId: INCIDENT_ID,
            reportId: REPORT_ID,
            unitId: 'PATROL-TEBET-02',
            callSign: 'PATROL-TEBET-02',
            previousUnitId: 'PATROL-TEBET-01',
            distanceMeters: 2140,
            etaSeconds: 257,
            automatic: false,
            acknowledgeBy: '2026-11-28T03:07:00.000Z',
          }),
        ]);
      expect(state).toMatchObject({
        status: 'ASSIGNED',
        assignment: { unitId: 'PATROL-TEBET-02', acknowledgeBy: '2026-11-28T03:07:00.000Z', automatic: false },
      });
    });

    it('makes a reassignment manual even when the first assignment was automatic', () => {
      given(opened(), assigned(tebet01, ACK_BY, null, true))
        .when(reassign(andi, tebet02))
        .then([assigned(tebet02, '2026-11-28T03:07:00.000Z', 'PATROL-TEBET-01', false)]);
    });

    it('refuses the unit that already holds the incident', () => {
      given(opened(), assigned(tebet01)).when(reassign(andi, tebet01)).thenThrows('SAME_UNIT');
    });

    it('refuses when no unit holds the incident', () => {
      given(opened()).when(reassign(andi, tebet02)).thenThrows('NO_UNIT_TO_REPLACE');
      given(opened(), assigned(), declined()).when(reassign(andi, tebet02)).thenThrows('NO_UNIT_TO_REPLACE');
    });

    it('refuses a unit', () => {
      given(opened(), assigned())
        .when(reassign(byUnit(tebet02), tebet02))
        .thenThrows('DISPATCHER_REQUIRED');
    });
  });

  describe('AcknowledgeAssignment', () => {
    it('is acknowledged by the assigned unit', () => {
      const state = given(opened(), assigned())
        .when(acknowledge(byUnit(tebet01)))
        .then([AssignmentAcknowledged({ incidentId: INCIDENT_ID, reportId: REPORT_ID, unitId: 'PATROL-TEBET-01' })]);
      expect(state).toMatchObject({ status: 'ACKNOWLEDGED', assignment: { unitId: 'PATROL-TEBET-01' } });
    });

    it('refuses the replaced unit after a reassignment', () => {
      given(opened(), assigned(tebet01), assigned(tebet02, '2026-11-28T03:07:00.000Z', 'PATROL-TEBET-01'))
        .when(acknowledge(byUnit(tebet01)))
        .thenNotFound();
    });
  });

  describe('DeclineAssignment', () => {
    it.each<Status>(['ASSIGNED', 'ACKNOWLEDGED'])('is declined by the unit holding a %s incident, which then awaits another unit', (status) => {
      const state = given(...states[status])
        .when(decline(byUnit(tebet01), 'Ban kempes di Jl. MT Haryono'))
        .then([AssignmentDeclined({ incidentId: INCIDENT_ID, reportId: REPORT_ID, unitId: 'PATROL-TEBET-01', reason: 'Ban kempes di Jl. MT Haryono' })]);
      expect(state).toMatchObject({ status: 'AWAITING_UNIT', assignment: null, excludedUnitIds: ['PATROL-TEBET-01'], everAssigned: true });
    });
  });

  describe('MarkEnRoute', () => {
    it('sets an acknowledged unit en route', () => {
      const state = given(...states.ACKNOWLEDGED)
        .when(markEnRoute(byUnit(tebet01)))
        .then([UnitEnRoute({ incidentId: INCIDENT_ID, reportId: REPORT_ID, unitId: 'PATROL-TEBET-01' })]);
      expect(state).toMatchObject({ status: 'EN_ROUTE' });
    });
  });

  describe('MarkArrived', () => {
    it.each<Status>(['ACKNOWLEDGED', 'EN_ROUTE'])('puts the unit of a %s incident on scene', (status) => {
      const state = given(...states[status])
        .when(markArrived(byUnit(tebet01)))
        .then([UnitArrived({ incidentId: INCIDENT_ID, reportId: REPORT_ID, unitId: 'PATROL-TEBET-01' })]);
      expect(state).toMatchObject({ status: 'ON_SCENE' });
    });
  });

  describe('ResolveIncident', () => {
    it('is resolved by the unit on scene, naming it', () => {
      const state = given(...states.ON_SCENE)
        .when(resolve(byUnit(tebet01), 'ARREST_MADE', 'Satu pelaku diamankan, dibawa ke Polsek Tebet'))
        .then([
          IncidentResolved({
            incidentId: INCIDENT_ID,
            reportId: REPORT_ID,
            unitId: 'PATROL-TEBET-01',
            outcome: 'ARREST_MADE',
            summary: 'Satu pelaku diamankan, dibawa ke Polsek Tebet',
          }),
        ]);
      expect(state).toMatchObject({ status: 'RESOLVED', resolution: { outcome: 'ARREST_MADE', summary: 'Satu pelaku diamankan, dibawa ke Polsek Tebet' } });
    });

    it.each<Status>(['ASSIGNED', 'ACKNOWLEDGED', 'EN_ROUTE'])('refuses the unit of a %s incident (not on scene yet)', (status) => {
      given(...states[status])
        .when(resolve(byUnit(tebet01)))
        .thenThrows('ILLEGAL_TRANSITION');
    });

    it('refuses a unit even with a CANCELLED outcome before it is on scene', () => {
      given(...states.EN_ROUTE)
        .when(resolve(byUnit(tebet01), 'CANCELLED', 'Pelapor membatalkan, motor ternyata dipinjam saudara'))
        .thenThrows('ILLEGAL_TRANSITION');
    });

    it('refuses another unit', () => {
      given(...states.ON_SCENE)
        .when(resolve(byUnit(tebet02)))
        .thenNotFound();
    });

    it('does not show a unit an incident awaiting a unit', () => {
      given(opened())
        .when(resolve(byUnit(tebet01), 'CANCELLED'))
        .thenNotFound();
    });

    it('is resolved by a dispatcher when the unit is on scene, naming the unit', () => {
      given(...states.ON_SCENE)
        .when(resolve(andi, 'REFERRED', 'Diteruskan ke Unit Reskrim Polres'))
        .then([resolved('PATROL-TEBET-01', 'REFERRED', 'Diteruskan ke Unit Reskrim Polres')]);
    });

    it.each<ResolutionOutcome>(['HANDLED_ON_SCENE', 'ARREST_MADE', 'REFERRED', 'FALSE_ALARM', 'NO_TRACE', 'CANCELLED'])(
      'is resolved by a dispatcher while awaiting a unit, with no unit (%s)',
      (outcome) => {
        given(opened())
          .when(resolve(andi, outcome, 'Ditangani lewat telepon'))
          .then([resolved(null, outcome, 'Ditangani lewat telepon')]);
      },
    );

    it('is resolved by a dispatcher after a decline, with no unit', () => {
      given(opened(), assigned(), declined())
        .when(resolve(andi, 'CANCELLED', 'Pelapor membatalkan'))
        .then([resolved(null, 'CANCELLED', 'Pelapor membatalkan')]);
    });

    describe.each<ResolutionOutcome>(['CANCELLED', 'FALSE_ALARM'])('%s', (outcome) => {
      it.each<Status>(['ASSIGNED', 'ACKNOWLEDGED', 'EN_ROUTE'])('is resolved by a dispatcher while %s, naming the holding unit', (status) => {
        given(...states[status])
          .when(resolve(andi, outcome, 'Pelapor menelepon lagi: motor ternyata dipinjam saudara'))
          .then([resolved('PATROL-TEBET-01', outcome, 'Pelapor menelepon lagi: motor ternyata dipinjam saudara')]);
      });
    });

    describe.each<ResolutionOutcome>(['HANDLED_ON_SCENE', 'ARREST_MADE', 'REFERRED', 'NO_TRACE'])('%s', (outcome) => {
      it.each<Status>(['ASSIGNED', 'ACKNOWLEDGED', 'EN_ROUTE'])('is refused to a dispatcher while %s', (status) => {
        given(...states[status])
          .when(resolve(andi, outcome))
          .thenThrows('RESOLVE_REQUIRES_ON_SCENE');
      });
    });
  });

  describe('CloseIncident', () => {
    it('closes a resolved incident', () => {
      const state = given(...states.RESOLVED)
        .when(close(andi))
        .then([IncidentClosed({ incidentId: INCIDENT_ID, reportId: REPORT_ID })]);
      expect(state).toMatchObject({ status: 'CLOSED' });
    });

    it('closes an incident resolved without a unit', () => {
      given(opened(), resolved(null, 'FALSE_ALARM', 'Laporan palsu'))
        .when(close(andi))
        .then([closed()]);
    });

    it('refuses a unit', () => {
      given(...states.RESOLVED)
        .when(close(byUnit(tebet01)))
        .thenThrows('DISPATCHER_REQUIRED');
    });

    it.each<Status>(['AWAITING_UNIT', 'ASSIGNED', 'ACKNOWLEDGED', 'EN_ROUTE', 'ON_SCENE'])('refuses a %s incident (resolve first)', (status) => {
      given(...states[status])
        .when(close(andi))
        .thenThrows('RESOLVE_BEFORE_CLOSE');
    });
  });

  // The unit's steps: only the unit holding the assignment takes them, or a dispatcher in its name, each in its turn.
  describe.each<{ step: string; command: (by: IncidentActor) => IncidentCommand; inTurn: Status; outOfTurn: Status[]; inUnitsName: IncidentEvent }>([
    {
      step: 'AcknowledgeAssignment',
      command: acknowledge,
      inTurn: 'ASSIGNED',
      outOfTurn: ['AWAITING_UNIT', 'ACKNOWLEDGED', 'EN_ROUTE', 'ON_SCENE'],
      inUnitsName: acknowledged(tebet01),
    },
    {
      step: 'DeclineAssignment',
      command: decline,
      inTurn: 'ASSIGNED',
      outOfTurn: ['AWAITING_UNIT', 'EN_ROUTE', 'ON_SCENE'],
      inUnitsName: declined(tebet01),
    },
    {
      step: 'MarkEnRoute',
      command: markEnRoute,
      inTurn: 'ACKNOWLEDGED',
      outOfTurn: ['AWAITING_UNIT', 'ASSIGNED', 'EN_ROUTE', 'ON_SCENE'],
      inUnitsName: enRoute(tebet01),
    },
    { step: 'MarkArrived', command: markArrived, inTurn: 'EN_ROUTE', outOfTurn: ['AWAITING_UNIT', 'ASSIGNED', 'ON_SCENE'], inUnitsName: arrived(tebet01) },
  ])('$step: by the unit holding the assignment, in its turn', ({ command, inTurn, outOfTurn, inUnitsName }) => {
    it(`is taken by a dispatcher on behalf of the unit (by radio), in the unit’s name (${inTurn})`, () => {
      given(...states[inTurn])
        .when(command(andi))
        .then([inUnitsName]);
    });

    it(`refuses another unit (${inTurn})`, () => {
      given(...states[inTurn])
        .when(command(byUnit(tebet02)))
        .thenNotFound();
    });

    it.each(outOfTurn)(`refuses a %s incident (needs ${inTurn}); one awaiting a unit is not the unit's to see`, (status) => {
      const step = given(...states[status]).when(command(byUnit(tebet01)));
      if (status === 'AWAITING_UNIT') step.thenNotFound();
      else step.thenThrows('ILLEGAL_TRANSITION');
    });
  });

  // Every step after the opening is refused once the incident is finished (closing: once it is closed) and when there is none.
  describe.each<{ step: string; command: IncidentCommand; finishedIn: Status[] }>([
    { step: 'AssignUnit', command: assign(andi, tebet02), finishedIn: finished },
    { step: 'ReassignUnit', command: reassign(andi, tebet02), finishedIn: finished },
    { step: 'AcknowledgeAssignment', command: acknowledge(byUnit(tebet01)), finishedIn: finished },
    { step: 'DeclineAssignment', command: decline(byUnit(tebet01)), finishedIn: finished },
    { step: 'MarkEnRoute', command: markEnRoute(byUnit(tebet01)), finishedIn: finished },
    { step: 'MarkArrived', command: markArrived(byUnit(tebet01)), finishedIn: finished },
    { step: 'ResolveIncident', command: resolve(andi, 'CANCELLED'), finishedIn: finished },
    { step: 'CloseIncident', command: close(andi), finishedIn: ['CLOSED'] },
  ])('$step on a finished incident, or none', ({ command, finishedIn }) => {
    it.each(finishedIn)('refuses a %s incident', (status) => {
      given(...states[status])
        .when(command)
        .thenThrows('INCIDENT_CLOSED');
    });

    it('refuses when there is no incident', () => {
      given().when(command).thenThrows('INCIDENT_NOT_OPENED');
    });
  });

  describe('TimeOutAssignment', () => {
    // Assigned 03:02:00 with 60 s to acknowledge → acknowledge by 03:03:00.
    it('does nothing before acknowledgeBy', () => {
      given(...states.ASSIGNED)
        .when(timeOut(at('2026-11-28T03:02:59.999Z')))
        .thenNothing();
    });

    it('times the assignment out exactly at acknowledgeBy', () => {
      const state = given(...states.ASSIGNED)
        .when(timeOut(at(ACK_BY)))
        .then([AssignmentTimedOut({ incidentId: INCIDENT_ID, reportId: REPORT_ID, unitId: 'PATROL-TEBET-01' })]);
      expect(state).toMatchObject({ status: 'AWAITING_UNIT', assignment: null, excludedUnitIds: ['PATROL-TEBET-01'] });
    });

    it('times the assignment out when the timer fires late', () => {
      given(...states.ASSIGNED)
        .when(timeOut(at('2026-11-28T03:15:00Z')))
        .then([timedOut(tebet01)]);
    });

    it('uses the acknowledgeBy of the current assignment after a reassignment', () => {
      const history = [opened(), assigned(tebet01), assigned(tebet02, '2026-11-28T03:07:00.000Z', 'PATROL-TEBET-01')];
      given(...history)
        .when(timeOut(at('2026-11-28T03:05:00Z')))
        .thenNothing();
      given(...history)
        .when(timeOut(at('2026-11-28T03:07:00Z')))
        .then([timedOut(tebet02)]);
    });

    it('does nothing after the assignment timed out already', () => {
      given(opened(), assigned(), timedOut())
        .when(timeOut(at('2026-11-28T03:15:00Z')))
        .thenNothing();
    });
  });

  describe('MarkDispatchOverdue', () => {
    // Received 03:00:00; P2 → a unit due by 03:10:00 (600 s).
    it('does nothing before the dispatch target', () => {
      given(opened())
        .when(markOverdue(at('2026-11-28T03:09:59.999Z')))
        .thenNothing();
    });

    it('marks an incident still awaiting a unit overdue exactly at the target', () => {
      const state = given(opened())
        .when(markOverdue(at('2026-11-28T03:10:00Z')))
        .then([DispatchOverdue({ incidentId: INCIDENT_ID, reportId: REPORT_ID, priority: 'P2', targetSeconds: 600, dueAt: '2026-11-28T03:10:00.000Z' })]);
      expect(state).toMatchObject({ status: 'AWAITING_UNIT', overdue: true });
    });

    it('marks it overdue when the timer fires late', () => {
      given(opened())
        .when(markOverdue(at('2026-11-28T03:42:00Z')))
        .then([overdue()]);
    });

    it.each<[Priority, number, string]>([
      ['P1', 180, '2026-11-28T03:03:00.000Z'],
      ['P2', 600, '2026-11-28T03:10:00.000Z'],
      ['P3', 1800, '2026-11-28T03:30:00.000Z'],
    ])('uses the dispatch target of %s (%i s)', (priority, targetSeconds, dueAt) => {
      given(opened(incident({ priority })))
        .when(markOverdue(at(dueAt)))
        .then([DispatchOverdue({ ...IDS, priority, targetSeconds, dueAt })]);
      given(opened(incident({ priority })))
        .when(markOverdue(new Date(Date.parse(dueAt) - 1)))
        .thenNothing();
    });

    it('counts from receipt, not from forwarding', () => {
      // Forwarded late (03:08), the P2 incident is still due at 03:10.
      given(opened(incident({ forwardedAt: '2026-11-28T03:08:00.000Z' })))
        .when(markOverdue(at('2026-11-28T03:10:00Z')))
        .then([overdue()]);
    });

    it('fires only once', () => {
      given(opened(), overdue())
        .when(markOverdue(at('2026-11-28T03:30:00Z')))
        .thenNothing();
    });

    it('does nothing for P4 (no dispatch target)', () => {
      given(opened(incident({ priority: 'P4', category: 'INFORMASI_PENGADUAN', description: 'Pengaduan suara musik keras dari rumah kos setiap malam' })))
        .when(markOverdue(at('2026-11-28T09:00:00Z')))
        .thenNothing();
    });

    it('does nothing once a unit was ever assigned, even if it declined or timed out', () => {
      given(opened(), assigned(), declined())
        .when(markOverdue(at('2026-11-28T03:30:00Z')))
        .thenNothing();
      given(opened(), assigned(), timedOut())
        .when(markOverdue(at('2026-11-28T03:30:00Z')))
        .thenNothing();
    });

    it('does nothing for an incident resolved while awaiting a unit', () => {
      given(opened(), resolved(null, 'CANCELLED', 'Pelapor membatalkan'))
        .when(markOverdue(at('2026-11-28T03:30:00Z')))
        .thenNothing();
    });

    it('dispatchDueAt is receivedAt plus the dispatch target, none for P4', () => {
      expect(dispatchDueAt(asIncident(fold([opened()])), targets)).toEqual(at('2026-11-28T03:10:00Z'));
      expect(dispatchDueAt(asIncident(fold([opened(incident({ priority: 'P1' }))])), targets)).toEqual(at('2026-11-28T03:03:00Z'));
      expect(dispatchDueAt(asIncident(fold([opened(incident({ priority: 'P4' }))])), targets)).toBeNull();
    });
  });

  // A timer that fires when its wait no longer applies (or there is no incident) finds nothing to do.
  describe.each<{ timer: string; command: IncidentCommand; idleIn: Status[] }>([
    {
      timer: 'TimeOutAssignment',
      command: timeOut(at('2026-11-28T03:15:00Z')),
      idleIn: ['AWAITING_UNIT', 'ACKNOWLEDGED', 'EN_ROUTE', 'ON_SCENE', 'RESOLVED', 'CLOSED'],
    },
    {
      timer: 'MarkDispatchOverdue',
      command: markOverdue(at('2026-11-28T03:30:00Z')),
      idleIn: ['ASSIGNED', 'ACKNOWLEDGED', 'EN_ROUTE', 'ON_SCENE', 'RESOLVED', 'CLOSED'],
    },
  ])('$timer out of its wait', ({ command, idleIn }) => {
    it.each(idleIn)('does nothing for a %s incident', (status) => {
      given(...states[status])
        .when(command)
        .thenNothing();
    });

    it('does nothing when there is no incident', () => {
      given().when(command).thenNothing();
    });
  });

  describe('evolve', () => {
    it('starts with no incident', () => {
      expect(incidentDecider.initialState()).toEqual({ status: 'NONE' });
    });

    it('IncidentOpened awaits a unit with the incident and nothing else', () => {
      expect(fold([opened()])).toEqual({
        status: 'AWAITING_UNIT',
        incident: incident(),
        assignment: null,
        excludedUnitIds: [],
        everAssigned: false,
        overdue: false,
        resolution: null,
      });
    });

    it('ignores events before the incident is opened', () => {
      expect(fold([assigned(), acknowledged()])).toEqual({ status: 'NONE' });
    });

    it('AssignmentDeclined and AssignmentTimedOut exclude each unit once', () => {
      const state = fold([
        opened(),
        assigned(tebet01),
        declined(tebet01),
        assigned(tebet02, '2026-11-28T03:07:00.000Z'),
        timedOut(tebet02),
        assigned(tebet01, '2026-11-28T03:09:00.000Z'),
        timedOut(tebet01),
      ]);
      expect(state).toMatchObject({ status: 'AWAITING_UNIT', assignment: null, excludedUnitIds: ['PATROL-TEBET-01', 'PATROL-TEBET-02'], everAssigned: true });
    });

    it('DispatchOverdue marks the incident overdue and changes nothing else; it stays overdue once assigned', () => {
      const awaiting = asIncident(fold([opened()]));
      expect(fold([overdue()], awaiting)).toEqual({ ...awaiting, overdue: true });
      expect(fold([overdue(), assigned()], awaiting)).toMatchObject({ status: 'ASSIGNED', overdue: true });
    });

    it('IncidentResolved keeps the assignment (the unit that attended)', () => {
      expect(fold(states.RESOLVED)).toMatchObject({ status: 'RESOLVED', assignment: { unitId: 'PATROL-TEBET-01' } });
    });
  });

  describe('the happy path: open → assign → acknowledge → en route → arrive → resolve → close', () => {
    it('walks through every state, checked through evolve', () => {
      const p1 = incident({
        priority: 'P1',
        peopleInjured: 1,
        description: 'Penjambretan dengan kekerasan di depan Stasiun Tebet, korban terluka di tangan, pelaku kabur ke arah Jl. Tebet Timur',
      });
      const unit = byUnit(tebet01);

      const history: IncidentEvent[] = [];
      /** Decides the command on the history so far, expecting these events, and records them. */
      const step = (command: IncidentCommand, expected: IncidentEvent[]): IncidentState => {
        const after = given(...history)
          .when(command)
          .then(expected);
        history.push(...expected);
        return after;
      };

      let state = step({ type: 'OpenIncident', data: p1 }, [IncidentOpened(p1)]);
      expect(state).toEqual({
        status: 'AWAITING_UNIT',
        incident: p1,
        assignment: null,
        excludedUnitIds: [],
        everAssigned: false,
        overdue: false,
        resolution: null,
      });

      state = step(assign(andi, tebet01, at('2026-11-28T03:01:45Z')), [assigned(tebet01, '2026-11-28T03:02:45.000Z')]);
      expect(state).toEqual({
        status: 'ASSIGNED',
        incident: p1,
        assignment: { unitId: 'PATROL-TEBET-01', callSign: 'PATROL-TEBET-01', acknowledgeBy: '2026-11-28T03:02:45.000Z', automatic: false },
        excludedUnitIds: [],
        everAssigned: true,
        overdue: false,
        resolution: null,
      });
      // Within the P1 dispatch target (03:03:00): never overdue.
      expect(incidentDecider.decide(markOverdue(at('2026-11-28T03:20:00Z')), state)).toEqual([]);

      state = step(acknowledge(unit), [AssignmentAcknowledged({ ...IDS, unitId: 'PATROL-TEBET-01' })]);
      expect(state).toMatchObject({ status: 'ACKNOWLEDGED', assignment: { unitId: 'PATROL-TEBET-01' } });
      expect(incidentDecider.decide(timeOut(at('2026-11-28T03:05:00Z')), state)).toEqual([]);

      state = step(markEnRoute(unit), [UnitEnRoute({ ...IDS, unitId: 'PATROL-TEBET-01' })]);
      expect(state).toMatchObject({ status: 'EN_ROUTE', assignment: { unitId: 'PATROL-TEBET-01' } });

      state = step(markArrived(unit), [UnitArrived({ ...IDS, unitId: 'PATROL-TEBET-01' })]);
      expect(state).toMatchObject({ status: 'ON_SCENE', assignment: { unitId: 'PATROL-TEBET-01' } });

      state = step(resolve(unit, 'HANDLED_ON_SCENE', 'Korban diantar ke RS Tebet, laporan dibuat di Polsek Tebet'), [
        IncidentResolved({
          ...IDS,
          unitId: 'PATROL-TEBET-01',
          outcome: 'HANDLED_ON_SCENE',
          summary: 'Korban diantar ke RS Tebet, laporan dibuat di Polsek Tebet',
        }),
      ]);
      expect(state).toMatchObject({
        status: 'RESOLVED',
        resolution: { outcome: 'HANDLED_ON_SCENE', summary: 'Korban diantar ke RS Tebet, laporan dibuat di Polsek Tebet' },
      });

      state = step(close(andi), [IncidentClosed(IDS)]);
      expect(state).toEqual({
        status: 'CLOSED',
        incident: p1,
        assignment: { unitId: 'PATROL-TEBET-01', callSign: 'PATROL-TEBET-01', acknowledgeBy: '2026-11-28T03:02:45.000Z', automatic: false },
        excludedUnitIds: [],
        everAssigned: true,
        overdue: false,
        resolution: { outcome: 'HANDLED_ON_SCENE', summary: 'Korban diantar ke RS Tebet, laporan dibuat di Polsek Tebet' },
      });

      // Folding the whole stream from scratch gives the same state; once closed, the incident is finished.
      expect(fold(history)).toEqual(state);
      given(...history)
        .when({ type: 'OpenIncident', data: p1 })
        .thenNothing();
      given(...history)
        .when(assign(andi, tebet02))
        .thenThrows('INCIDENT_CLOSED');
      given(...history)
        .when(close(andi))
        .thenThrows('INCIDENT_CLOSED');
    });
  });
});

describe('an incident recorded without a receipt time', () => {
  it('has no dispatch due time, rather than an invalid one that breaks every list it is in', () => {
    const targets = parsePriorityTargets(DEFAULT_PRIORITY_TARGETS);
    const incident = { incident: { priority: 'P2', receivedAt: undefined } } as unknown as Incident;
    expect(dispatchDueAt(incident, targets)).toBeNull();
  });
});
