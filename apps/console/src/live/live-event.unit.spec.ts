import type { EventEnvelope } from '@callcenter/events';
import { LiveEvent, toLiveEvent, visibleTo } from './live-event';

const envelope = (type: string, streamId: string, data: Record<string, unknown>, streamVersion = 3): EventEnvelope =>
  ({
    eventId: '00000000-0000-4000-8000-000000000001',
    type,
    schemaVersion: 1,
    streamId,
    streamVersion,
    occurredAt: '2026-12-02T01:00:00.000Z',
    recordedAt: '2026-12-02T01:00:00.010Z',
    producer: 'dispatch',
    actor: 'dsp-andi',
    correlationId: 'c',
    causationId: null,
    data,
  }) as unknown as EventEnvelope;

const assigned = toLiveEvent('dispatch', envelope('UnitAssigned', 'inc-1', { incidentId: 'inc-1', reportId: 'rep-1', unitId: 'PATROL-01' }));
const otherUnit = toLiveEvent('dispatch', envelope('UnitAssigned', 'inc-2', { incidentId: 'inc-2', reportId: 'rep-2', unitId: 'PATROL-02' }));
const ownStatus = toLiveEvent('dispatch', envelope('UnitStatusChanged', 'PATROL-01', { status: 'AVAILABLE' }));
const opened = toLiveEvent('triage', envelope('TriageCaseOpened', 'rep-9', { reporter: { name: 'Siti', phone: '+6281234567890' }, description: 'x' }));
const forwarded = toLiveEvent('triage', envelope('ReportForwardedForDispatch', 'rep-9', {}));

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
    expect(toLiveEvent('triage', envelope('ReporterIdentityViewed', 'identity-view-1', { reportId: 'rep-9', basis: 'SUPERVISOR' }, 1)).reportId).toBe('rep-9');
    expect(toLiveEvent('triage', envelope('ReporterDataErased', 'erasure-1', { reportIds: ['rep-9'] }, 1)).reportId).toBeNull();
  });

  it('name no report for a switch of the suggestion model (a stream of its own on the triage topic)', () => {
    const activated = envelope(
      'SuggestionModelActivated',
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
