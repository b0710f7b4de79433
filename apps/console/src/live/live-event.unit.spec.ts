import {
  EventDefinition,
  ReportForwardedForDispatch,
  ReporterDataErased,
  ReporterIdentityViewed,
  SuggestionModelActivated,
  TriageCaseOpened,
  UnitAssigned,
  UnitStatusChanged,
} from '@callcenter/events';
import { envelopeOf } from '@callcenter/testing';
import { LiveEvent, toLiveEvent, visibleTo } from './live-event';

const envelope = <Type extends string, Data>(event: EventDefinition<Type, Data>, streamId: string, data: NoInfer<Data>, streamVersion = 3) =>
  envelopeOf(event, data, {
    streamId,
    streamVersion,
    producer: 'dispatch',
    actor: 'dsp-andi',
    at: new Date('2026-12-02T01:00:00.000Z'),
    recordedAt: new Date('2026-12-02T01:00:00.010Z'),
  });
const assignment = (incidentId: string, reportId: string, unitId: string) => ({
  incidentId,
  reportId,
  unitId,
  callSign: unitId,
  previousUnitId: null,
  distanceMeters: 1_200,
  etaSeconds: 180,
  automatic: false,
  acknowledgeBy: '2026-12-02T01:01:00.000Z',
});
const report = {
  trackingCode: 'K7Q2M-94XHD',
  channel: 'HOTLINE' as const,
  receivedAt: '2026-12-02T00:59:00.000Z',
  description: 'Siti (+6281234567890) melihat motor dicuri',
  location: { latitude: -6.2264, longitude: 106.8584, address: 'Jl. Tebet Raya 1' },
  peopleInjured: 0,
  peopleInvolved: 1,
};

const assigned = toLiveEvent('dispatch', envelope(UnitAssigned, 'inc-1', assignment('inc-1', 'rep-1', 'PATROL-01')));
const otherUnit = toLiveEvent('dispatch', envelope(UnitAssigned, 'inc-2', assignment('inc-2', 'rep-2', 'PATROL-02')));
const ownStatus = toLiveEvent(
  'dispatch',
  envelope(UnitStatusChanged, 'PATROL-01', {
    unitId: 'PATROL-01',
    status: 'AVAILABLE',
    previousStatus: 'ON_SCENE',
    position: null,
    incidentId: null,
    reportedAt: '2026-12-02T01:00:00.000Z',
  }),
);
const opened = toLiveEvent(
  'triage',
  envelope(TriageCaseOpened, 'rep-9', {
    ...report,
    reportId: 'rep-9',
    sourceSystem: 'hotline-110',
    categoryHint: null,
    location: { ...report.location, reportedDistrict: null },
    district: 'TEBET',
    callerRef: 'hmac-of-the-phone',
    suggestion: { category: 'KEJAHATAN', priority: 'P3', reasons: [], duplicateCandidates: [], lowTrust: { flagged: false, prankRejections: 0, reason: null } },
  }),
);
const forwarded = toLiveEvent(
  'triage',
  envelope(ReportForwardedForDispatch, 'rep-9', { ...report, reportId: 'rep-9', category: 'KEJAHATAN', priority: 'P3', district: 'TEBET' }),
);

describe('live events', () => {
  it('carry the stream, its version and the ids a screen needs, never the data', () => {
    expect(opened).toEqual<LiveEvent>({
      source: 'triage',
      type: 'TriageCaseOpened',
      streamId: 'rep-9',
      version: 3,
      at: '2026-12-02T01:00:00.000Z',
      reportId: 'rep-9',
      incidentId: null,
      unitId: null,
    });
    expect(JSON.stringify(opened)).not.toMatch(/Siti|6281234567890/);
    expect(assigned).toMatchObject({ reportId: 'rep-1', incidentId: 'inc-1', unitId: 'PATROL-01' });
    expect(ownStatus.unitId).toBe('PATROL-01');
  });

  it("name the report of triage's personal-data records, whose streams are not reports", () => {
    expect(toLiveEvent('triage', envelope(ReporterIdentityViewed, 'identity-view-1', { reportId: 'rep-9', basis: 'SUPERVISOR' }, 1)).reportId).toBe('rep-9');
    expect(
      toLiveEvent(
        'triage',
        envelope(ReporterDataErased, 'erasure-1', { erasureId: 'erasure-1', by: 'REPORT', reportIds: ['rep-9'], reason: 'permintaan pelapor' }, 1),
      ).reportId,
    ).toBeNull();
  });

  it('name no report for a switch of the suggestion model (a stream of its own on the triage topic)', () => {
    const activated = envelope(
      SuggestionModelActivated,
      'suggestion-model',
      { fromVersion: null, toVersion: '20261202-7d4c748c6ce0', reason: 'shadow run' },
      1,
    );
    expect(toLiveEvent('triage', activated)).toMatchObject({ type: 'SuggestionModelActivated', reportId: null, incidentId: null, unitId: null });
  });

  it('reach a field unit only for its own unit and assignments', () => {
    const unit = { id: 'unit:PATROL-01', roles: ['unit' as const] };
    expect(visibleTo(unit, assigned)).toBe(true);
    expect(visibleTo(unit, ownStatus)).toBe(true);
    expect(visibleTo(unit, otherUnit)).toBe(false);
    expect(visibleTo(unit, opened)).toBe(false);
    expect(visibleTo({ id: 'op-budi', roles: ['unit'] }, assigned)).toBe(false);
  });

  it('reach operators with triage, dispatchers with dispatch and forwards, supervisors with both', () => {
    const operator = { id: 'op-budi', roles: ['operator' as const] };
    const dispatcher = { id: 'dsp-andi', roles: ['dispatcher' as const] };
    expect(visibleTo(operator, opened)).toBe(true);
    expect(visibleTo(operator, assigned)).toBe(false);
    expect(visibleTo(dispatcher, assigned)).toBe(true);
    expect(visibleTo(dispatcher, forwarded)).toBe(true);
    expect(visibleTo(dispatcher, opened)).toBe(false);
    expect(visibleTo({ id: 'spv-rina', roles: ['supervisor'] }, assigned)).toBe(true);
    expect(visibleTo({ id: 'x', roles: [] }, opened)).toBe(false);
  });
});
