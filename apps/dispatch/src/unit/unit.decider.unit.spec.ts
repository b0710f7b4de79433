import { GeoPoint, UnitStatus } from '@callcenter/contracts';
import { UnitCommitted, UnitRegistered, UnitReleased, UnitReleasedV1, UnitStatusChanged, UnitUpdated } from '@callcenter/events';
import { deciderSpec } from '@callcenter/testing';
import { Unit, UnitCommand, unitDecider, UnitDetails, UnitState } from './unit.decider';

// ---------------------------------------------------------------------------------------------
// given(events).when(command).then(events) | .thenNothing() | .thenThrows(rule)
// ---------------------------------------------------------------------------------------------

const { given, fold } = deciderSpec(unitDecider);

/** The state as a registered unit, failing the test if there is none. */
const asUnit = (state: UnitState): Unit => {
  if (state.status === 'UNREGISTERED') throw new Error('expected a registered unit, found none');
  return state;
};

// ---------------------------------------------------------------------------------------------
// Test data
// ---------------------------------------------------------------------------------------------

/** A unit's id is its call sign. */
const UNIT_ID = 'PATROL-TEBET-01';
const INCIDENT_ID = '5c0e9d3a-8b1f-4a6e-9d27-3e4f5a6b7c81';
const REPORT_ID = '3f2b8c1e-7a4d-4e9b-9c2a-5d8e1f6a7b01';
const OTHER_INCIDENT_ID = 'e7a1c4b2-6d3f-4e8a-b5c9-0f1e2d3c4b92';
const OTHER_REPORT_ID = '9a41d7c0-2b6e-4f15-8c3d-71e0b5a4c902';

const at = (iso: string) => new Date(iso);
const SHIFT_START = at('2026-11-28T00:00:00Z'); // 07:00 WIB
const COMMIT_AT = at('2026-11-28T03:01:40Z');
const NOW = at('2026-11-28T03:05:00Z');

// Jakarta Selatan
const TEBET_BARAT: GeoPoint = { latitude: -6.2335, longitude: 106.8489 };

const DETAILS: UnitDetails = { type: 'PATROL_CAR', capabilities: ['FIRST_AID'], homeDistrict: 'TEBET' };

// Events of the unit's history
const registered = (status: 'AVAILABLE' | 'OFF_DUTY' = 'AVAILABLE', details: UnitDetails = DETAILS) =>
  UnitRegistered({ unitId: UNIT_ID, callSign: UNIT_ID, ...details, status });
const statusChanged = (
  status: UnitStatus,
  previousStatus: UnitStatus,
  position: GeoPoint | null = null,
  reportedAt = '2026-11-28T02:30:00.000Z',
  incidentId: string | null = null,
) => UnitStatusChanged({ unitId: UNIT_ID, status, previousStatus, position, incidentId, reportedAt });
/** The status change a command records at its now: never a position (positions stay out of the stream). */
const changedAt = (now: Date, status: UnitStatus, previousStatus: UnitStatus, incidentId: string | null = null) =>
  statusChanged(status, previousStatus, null, now.toISOString(), incidentId);
const committed = (incidentId = INCIDENT_ID, reportId = REPORT_ID, committedAt = COMMIT_AT.toISOString()) =>
  UnitCommitted({ unitId: UNIT_ID, incidentId, reportId, committedAt });
const released = (incidentId = INCIDENT_ID, reason: UnitReleasedV1['reason'] = 'RESOLVED') => UnitReleased({ unitId: UNIT_ID, incidentId, reason });

// Commands
const register = (onShift = true, details: UnitDetails = DETAILS): UnitCommand => ({
  type: 'RegisterUnit',
  unitId: UNIT_ID,
  callSign: UNIT_ID,
  details,
  onShift,
});
const update = (details: Partial<UnitDetails>, onShift?: boolean, now = NOW): UnitCommand => ({ type: 'UpdateUnit', now, details, onShift });
const report = (change: { status: UnitStatus; incidentId?: string | null }, now = NOW): UnitCommand => ({
  type: 'ReportStatus',
  now,
  ...change,
});
const commit = (incidentId = INCIDENT_ID, reportId = REPORT_ID, now = COMMIT_AT): UnitCommand => ({ type: 'CommitUnit', now, incidentId, reportId });
const release = (incidentId = INCIDENT_ID, reason: UnitReleasedV1['reason'] = 'RESOLVED'): UnitCommand => ({ type: 'ReleaseUnit', incidentId, reason });

// ---------------------------------------------------------------------------------------------

describe('unit decider', () => {
  describe('RegisterUnit', () => {
    it('registers a unit on shift as AVAILABLE', () => {
      const state = given()
        .when(register(true))
        .then([
          UnitRegistered({
            unitId: 'PATROL-TEBET-01',
            callSign: 'PATROL-TEBET-01',
            type: 'PATROL_CAR',
            capabilities: ['FIRST_AID'],
            homeDistrict: 'TEBET',
            status: 'AVAILABLE',
          }),
        ]);
      expect(state).toMatchObject({ status: 'AVAILABLE', assignment: null });
      expect(state).not.toHaveProperty('position');
    });

    it('registers a unit off shift as OFF_DUTY', () => {
      const state = given()
        .when(register(false))
        .then([registered('OFF_DUTY')]);
      expect(state).toMatchObject({ status: 'OFF_DUTY' });
    });

    it('refuses a unit that is already registered', () => {
      given(registered()).when(register(true)).thenThrows('UNIT_ALREADY_REGISTERED');
    });

    it('refuses a unit that is already registered, even with other details', () => {
      given(registered('OFF_DUTY'))
        .when(register(true, { type: 'MOTORCYCLE_PATROL', capabilities: [], homeDistrict: 'SETIABUDI' }))
        .thenThrows('UNIT_ALREADY_REGISTERED');
    });
  });

  describe('UpdateUnit', () => {
    it('records changed details with the full new values', () => {
      const state = given(registered())
        .when(update({ capabilities: ['FIRST_AID', 'CROWD_CONTROL'] }))
        .then([UnitUpdated({ unitId: UNIT_ID, type: 'PATROL_CAR', capabilities: ['FIRST_AID', 'CROWD_CONTROL'], homeDistrict: 'TEBET' })]);
      expect(asUnit(state).details).toEqual({ type: 'PATROL_CAR', capabilities: ['FIRST_AID', 'CROWD_CONTROL'], homeDistrict: 'TEBET' });
    });

    it('records a new home district and type', () => {
      given(registered())
        .when(update({ type: 'MOTORCYCLE_PATROL', homeDistrict: 'PANCORAN' }))
        .then([UnitUpdated({ unitId: UNIT_ID, type: 'MOTORCYCLE_PATROL', capabilities: ['FIRST_AID'], homeDistrict: 'PANCORAN' })]);
    });

    it('does nothing when the details are unchanged', () => {
      given(registered())
        .when(update({ type: 'PATROL_CAR', capabilities: ['FIRST_AID'], homeDistrict: 'TEBET' }))
        .thenNothing();
    });

    it('does nothing for an empty update', () => {
      given(registered()).when(update({})).thenNothing();
    });

    it('does nothing when the shift is already as asked', () => {
      given(registered('AVAILABLE')).when(update({}, true)).thenNothing();
      given(registered('OFF_DUTY')).when(update({}, false)).thenNothing();
    });

    it('takes an available unit off shift (OFF_DUTY)', () => {
      const state = given(registered('AVAILABLE'))
        .when(update({}, false))
        .then([changedAt(NOW, 'OFF_DUTY', 'AVAILABLE')]);
      expect(state).toMatchObject({ status: 'OFF_DUTY' });
    });

    it('takes a busy unit without an assignment off shift', () => {
      given(registered(), statusChanged('BUSY', 'AVAILABLE'))
        .when(update({}, false))
        .then([changedAt(NOW, 'OFF_DUTY', 'BUSY')]);
    });

    it('refuses to take a committed unit off shift', () => {
      given(registered(), committed()).when(update({}, false)).thenThrows('UNIT_HAS_ASSIGNMENT');
    });

    it('refuses the whole update when a committed unit is taken off shift, details included', () => {
      given(registered(), committed())
        .when(update({ homeDistrict: 'PANCORAN' }, false))
        .thenThrows('UNIT_HAS_ASSIGNMENT');
    });

    it('puts an off-duty unit on shift (AVAILABLE)', () => {
      const state = given(registered('OFF_DUTY'))
        .when(update({}, true, SHIFT_START))
        .then([changedAt(SHIFT_START, 'AVAILABLE', 'OFF_DUTY')]);
      expect(state).toMatchObject({ status: 'AVAILABLE' });
    });

    it('records changed details and the shift together, details first', () => {
      given(registered('OFF_DUTY'))
        .when(update({ capabilities: ['FIRST_AID', 'K9'] }, true, SHIFT_START))
        .then([
          UnitUpdated({ unitId: UNIT_ID, type: 'PATROL_CAR', capabilities: ['FIRST_AID', 'K9'], homeDistrict: 'TEBET' }),
          changedAt(SHIFT_START, 'AVAILABLE', 'OFF_DUTY'),
        ]);
    });

    it('refuses an unregistered unit', () => {
      given()
        .when(update({ homeDistrict: 'PANCORAN' }))
        .thenThrows('UNIT_NOT_REGISTERED');
    });
  });

  describe('ReportStatus', () => {
    it('records a new status with the previous one, at now', () => {
      const state = given(registered())
        .when(report({ status: 'BUSY' }))
        .then([
          UnitStatusChanged({
            unitId: UNIT_ID,
            status: 'BUSY',
            previousStatus: 'AVAILABLE',
            position: null,
            incidentId: null,
            reportedAt: '2026-11-28T03:05:00.000Z',
          }),
        ]);
      expect(state).toMatchObject({ status: 'BUSY' });
    });

    // Positions go to the latest-position read model, never into the unit's stream.
    it("does nothing for the same status (a position alone is not the stream's business)", () => {
      given(registered(), statusChanged('BUSY', 'AVAILABLE'))
        .when(report({ status: 'BUSY' }))
        .thenNothing();
    });

    it('names the incident the unit is committed to', () => {
      given(registered(), committed())
        .when(report({ status: 'EN_ROUTE' }))
        .then([changedAt(NOW, 'EN_ROUTE', 'AVAILABLE', INCIDENT_ID)]);
    });

    it('names the incident given with the report (the dispatch handler following an incident)', () => {
      given(registered(), committed())
        .when(report({ status: 'ON_SCENE', incidentId: INCIDENT_ID }))
        .then([changedAt(NOW, 'ON_SCENE', 'AVAILABLE', INCIDENT_ID)]);
    });

    it('lets a committed unit go EN_ROUTE, ON_SCENE and BUSY', () => {
      given(registered(), committed())
        .when(report({ status: 'EN_ROUTE' }))
        .then([changedAt(NOW, 'EN_ROUTE', 'AVAILABLE', INCIDENT_ID)]);
      given(registered(), committed(), statusChanged('EN_ROUTE', 'AVAILABLE'))
        .when(report({ status: 'ON_SCENE' }))
        .then([changedAt(NOW, 'ON_SCENE', 'EN_ROUTE', INCIDENT_ID)]);
      given(registered(), committed(), statusChanged('ON_SCENE', 'EN_ROUTE'))
        .when(report({ status: 'BUSY' }))
        .then([changedAt(NOW, 'BUSY', 'ON_SCENE', INCIDENT_ID)]);
    });

    it('lets a committed unit that has not set off yet repeat its status (nothing recorded)', () => {
      given(registered(), committed())
        .when(report({ status: 'AVAILABLE' }))
        .thenNothing();
    });

    it.each<UnitStatus>(['AVAILABLE', 'OFF_DUTY'])('refuses %s from a committed unit', (status) => {
      given(registered(), committed(), statusChanged('ON_SCENE', 'AVAILABLE')).when(report({ status })).thenThrows('UNIT_HAS_ASSIGNMENT');
    });

    it('refuses AVAILABLE from an en-route committed unit', () => {
      given(registered(), committed(), statusChanged('EN_ROUTE', 'AVAILABLE'))
        .when(report({ status: 'AVAILABLE' }))
        .thenThrows('UNIT_HAS_ASSIGNMENT');
    });

    it('lets a released unit report AVAILABLE again', () => {
      given(registered(), committed(), statusChanged('ON_SCENE', 'AVAILABLE'), released(), statusChanged('BUSY', 'AVAILABLE'))
        .when(report({ status: 'AVAILABLE' }))
        .then([changedAt(NOW, 'AVAILABLE', 'BUSY')]);
    });

    it('refuses an unregistered unit', () => {
      given()
        .when(report({ status: 'AVAILABLE' }))
        .thenThrows('UNIT_NOT_REGISTERED');
    });
  });

  describe('CommitUnit', () => {
    it('commits an available unit to the incident, at now', () => {
      const state = given(registered())
        .when(commit())
        .then([UnitCommitted({ unitId: UNIT_ID, incidentId: INCIDENT_ID, reportId: REPORT_ID, committedAt: '2026-11-28T03:01:40.000Z' })]);
      expect(state).toMatchObject({
        status: 'AVAILABLE',
        assignment: { incidentId: INCIDENT_ID, reportId: REPORT_ID, since: '2026-11-28T03:01:40.000Z' },
        recentCommitments: ['2026-11-28T03:01:40.000Z'],
      });
    });

    it('refuses a unit committed to another incident', () => {
      given(registered(), committed())
        .when(commit(OTHER_INCIDENT_ID, OTHER_REPORT_ID, NOW))
        .thenThrows('UNIT_ALREADY_ASSIGNED');
    });

    it('refuses a unit committed to another incident even while it is busy there (assignment checked first)', () => {
      given(registered(), committed(), statusChanged('ON_SCENE', 'AVAILABLE'))
        .when(commit(OTHER_INCIDENT_ID, OTHER_REPORT_ID, NOW))
        .thenThrows('UNIT_ALREADY_ASSIGNED');
    });

    it('does nothing when the unit is already committed to the same incident (a retried assignment)', () => {
      given(registered(), committed())
        .when(commit(INCIDENT_ID, REPORT_ID, NOW))
        .thenNothing();
      given(registered(), committed(), statusChanged('EN_ROUTE', 'AVAILABLE'))
        .when(commit(INCIDENT_ID, REPORT_ID, NOW))
        .thenNothing();
    });

    it.each<UnitStatus>(['OFF_DUTY', 'BUSY', 'EN_ROUTE', 'ON_SCENE'])('refuses a unit that is %s', (status) => {
      given(registered(), statusChanged(status, 'AVAILABLE')).when(commit()).thenThrows('UNIT_NOT_AVAILABLE');
    });

    it('refuses a unit registered off shift', () => {
      given(registered('OFF_DUTY')).when(commit()).thenThrows('UNIT_NOT_AVAILABLE');
    });

    it('commits a unit again once released', () => {
      given(registered(), committed(), released())
        .when(commit(OTHER_INCIDENT_ID, OTHER_REPORT_ID, NOW))
        .then([UnitCommitted({ unitId: UNIT_ID, incidentId: OTHER_INCIDENT_ID, reportId: OTHER_REPORT_ID, committedAt: '2026-11-28T03:05:00.000Z' })]);
    });

    it('refuses an unregistered unit', () => {
      given().when(commit()).thenThrows('UNIT_NOT_REGISTERED');
    });
  });

  describe('ReleaseUnit', () => {
    it.each<UnitReleasedV1['reason']>(['RESOLVED', 'DECLINED', 'TIMED_OUT', 'REASSIGNED', 'CLOSED', 'ASSIGNMENT_FAILED', 'ORPHANED'])(
      'releases the unit from the incident it holds (%s)',
      (reason) => {
        const state = given(registered(), committed())
          .when(release(INCIDENT_ID, reason))
          .then([UnitReleased({ unitId: UNIT_ID, incidentId: INCIDENT_ID, reason })]);
        expect(state).toMatchObject({ status: 'AVAILABLE', assignment: null });
      },
    );

    it('does nothing for another incident than the one held', () => {
      given(registered(), committed()).when(release(OTHER_INCIDENT_ID, 'ORPHANED')).thenNothing();
    });

    it('does nothing when the unit holds no incident', () => {
      given(registered()).when(release()).thenNothing();
    });

    it('does nothing when the unit was already released (a retried release)', () => {
      given(registered(), committed(), released(INCIDENT_ID, 'RESOLVED')).when(release(INCIDENT_ID, 'CLOSED')).thenNothing();
    });

    it('refuses an unregistered unit', () => {
      given().when(release()).thenThrows('UNIT_NOT_REGISTERED');
    });
  });

  describe('evolve', () => {
    const available = (): Unit => asUnit(fold([registered()]));

    it('starts unregistered', () => {
      expect(unitDecider.initialState()).toEqual({ status: 'UNREGISTERED' });
    });

    it('UnitRegistered gives a unit with its details, no position, no assignment and no commitments', () => {
      expect(fold([registered()])).toEqual({
        status: 'AVAILABLE',
        unitId: 'PATROL-TEBET-01',
        callSign: 'PATROL-TEBET-01',
        details: { type: 'PATROL_CAR', capabilities: ['FIRST_AID'], homeDistrict: 'TEBET' },
        assignment: null,
        recentCommitments: [],
      });
    });

    it('ignores events before the unit is registered', () => {
      expect(fold([statusChanged('BUSY', 'AVAILABLE'), committed(), released()])).toEqual({ status: 'UNREGISTERED' });
    });

    it('UnitUpdated replaces the details and nothing else', () => {
      expect(fold([UnitUpdated({ unitId: UNIT_ID, type: 'MOTORCYCLE_PATROL', capabilities: [], homeDistrict: 'PANCORAN' })], available())).toEqual({
        ...available(),
        details: { type: 'MOTORCYCLE_PATROL', capabilities: [], homeDistrict: 'PANCORAN' },
      });
    });

    it('UnitStatusChanged changes the status; a position in an older event is history, not state', () => {
      expect(fold([statusChanged('BUSY', 'AVAILABLE', TEBET_BARAT, '2026-11-28T02:45:00.000Z')], available())).toEqual({ ...available(), status: 'BUSY' });
    });

    it('UnitCommitted records the assignment and leaves the status alone', () => {
      expect(fold([committed()], available())).toEqual({
        ...available(),
        assignment: { incidentId: INCIDENT_ID, reportId: REPORT_ID, since: '2026-11-28T03:01:40.000Z' },
        recentCommitments: ['2026-11-28T03:01:40.000Z'],
      });
    });

    it.each<UnitStatus>(['EN_ROUTE', 'ON_SCENE', 'BUSY'])('UnitReleased frees a unit that was %s (AVAILABLE)', (status) => {
      expect(fold([committed(), statusChanged(status, 'AVAILABLE'), released()], available())).toMatchObject({ status: 'AVAILABLE', assignment: null });
    });

    it('UnitReleased leaves a committed unit that never set off AVAILABLE', () => {
      expect(fold([committed(), released()], available())).toMatchObject({ status: 'AVAILABLE', assignment: null });
    });

    it('UnitReleased leaves an OFF_DUTY unit off duty', () => {
      expect(fold([committed(), statusChanged('OFF_DUTY', 'AVAILABLE'), released()], available())).toMatchObject({ status: 'OFF_DUTY', assignment: null });
    });

    it('UnitReleased keeps the recent commitments', () => {
      const state = fold([committed(), statusChanged('ON_SCENE', 'AVAILABLE'), released()], available());
      expect(state).toMatchObject({
        recentCommitments: ['2026-11-28T03:01:40.000Z'],
      });
    });

    it('keeps the 20 most recent commitments, newest last', () => {
      const times = Array.from({ length: 25 }, (_, n) => new Date(Date.parse('2026-11-28T00:00:00Z') + n * 30 * 60_000).toISOString());
      const history = times.flatMap((t, n) => {
        const incidentId = `5c0e9d3a-8b1f-4a6e-9d27-${String(n).padStart(12, '0')}`;
        return [committed(incidentId, REPORT_ID, t), released(incidentId)];
      });
      const state = asUnit(fold(history, available()));
      expect(state.recentCommitments).toHaveLength(20);
      expect(state.recentCommitments).toEqual(times.slice(5));
      expect(state.recentCommitments[19]).toBe(times[24]);
    });
  });
});
