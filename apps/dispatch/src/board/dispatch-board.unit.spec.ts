import { Jurisdiction } from '@callcenter/contracts';
import { DispatchBoard } from './dispatch-board';
import { Incident } from '../incident/incident.decider';
import { DEFAULT_SPEEDS_KMH } from '../recommendation';
import { Unit } from '../unit/unit.decider';

const jurisdiction = { districts: [{ code: 'TEBET', name: 'Tebet', latitude: -6.2265, longitude: 106.8583 }] } as unknown as Jurisdiction;
const unit = (unitId: string): Unit => ({
  status: 'AVAILABLE',
  unitId,
  callSign: unitId,
  details: { type: 'PATROL_CAR', capabilities: [], homeDistrict: 'TEBET' },
  assignment: null,
  recentCommitments: [],
});
const incident = {
  status: 'AWAITING_UNIT',
  assignment: null,
  excludedUnitIds: [],
  everAssigned: false,
  overdue: false,
  resolution: null,
  incident: {
    incidentId: 'i-1',
    reportId: 'r-1',
    category: 'KEJAHATAN',
    priority: 'P1',
    location: { latitude: -6.2, longitude: 106.9, address: null, approximate: false },
    receivedAt: '2026-12-02T03:00:00.000Z',
  },
} as unknown as Incident;
const speeds = DEFAULT_SPEEDS_KMH;
const FAR = { latitude: -6.35, longitude: 106.7 };
const NEAR = { latitude: -6.2005, longitude: 106.9005 };

describe('DispatchBoard positions', () => {
  it("recommends from the latest position reported, which survives the unit's next event", () => {
    const board = new DispatchBoard(jurisdiction);
    board.loadUnit({ state: unit('PATROL-A'), version: 1 });
    board.loadUnit({ state: unit('PATROL-B'), version: 1 });
    board.applyPosition('PATROL-A', { position: FAR, reportedAt: '2026-12-02T03:00:00.000Z' });
    board.applyPosition('PATROL-B', { position: NEAR, reportedAt: '2026-12-02T03:00:00.000Z' });
    expect(board.recommend(incident, speeds, new Date('2026-12-02T03:01:00Z')).map((r) => r.unitId)).toEqual(['PATROL-B', 'PATROL-A']);
    board.loadUnit({ state: { ...unit('PATROL-B'), status: 'BUSY' }, version: 2 });
    board.loadUnit({ state: unit('PATROL-B'), version: 3 });
    expect(board.recommend(incident, speeds, new Date('2026-12-02T03:01:00Z'))[0]).toMatchObject({ unitId: 'PATROL-B', positionKnown: true });
  });

  it('keeps the newer of two positions whatever order they arrive in', () => {
    const board = new DispatchBoard(jurisdiction);
    expect(board.applyPosition('PATROL-A', { position: NEAR, reportedAt: '2026-12-02T03:00:05.000Z' })).toBe(true);
    expect(board.applyPosition('PATROL-A', { position: FAR, reportedAt: '2026-12-02T03:00:01.000Z' })).toBe(false);
    expect(board.applyPosition('PATROL-A', { position: FAR, reportedAt: '2026-12-02T03:00:05.000Z' })).toBe(false);
    expect(board.positionOf('PATROL-A')).toEqual({ position: NEAR, reportedAt: '2026-12-02T03:00:05.000Z' });
  });
});
