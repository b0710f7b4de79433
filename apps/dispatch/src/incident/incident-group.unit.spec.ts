import { IllegalState } from '@callcenter/contracts';
import { IncidentEvent, IncidentOpened, IncidentReportMerged, IncidentReportSplit, UnitArrived } from '@callcenter/events';
import { IncidentCommand, incidentDecider, IncidentState } from './incident.decider';

// The reports merged into an incident's group by triage, and split out again.

const INCIDENT_ID = '7d1e2f30-4a5b-4c6d-9e8f-0a1b2c3d4e5f';
const REPORT_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const OTHER_ID = '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a';
const IDS = { incidentId: INCIDENT_ID, reportId: REPORT_ID };

const opened = IncidentOpened({
  ...IDS,
  trackingCode: 'K7Q2M-94XHD',
  category: 'GANGGUAN_KETERTIBAN',
  priority: 'P2',
  district: 'TEBET',
  location: { latitude: -6.2265, longitude: 106.8583, address: 'Jl. Tebet Raya', approximate: false },
  description: 'Tawuran di Jl. Tebet Raya',
  peopleInjured: 0,
  receivedAt: '2026-11-28T03:00:00.000Z',
  forwardedAt: '2026-11-28T03:01:00.000Z',
});
const merge: IncidentCommand = { type: 'MergeReport', reportId: OTHER_ID, mergedAt: '2026-11-28T03:02:00.000Z', mergedBy: 'op-budi' };
const split: IncidentCommand = { type: 'SplitReport', reportId: OTHER_ID, splitAt: '2026-11-28T03:04:00.000Z', splitBy: 'spv-rina', reason: 'Lokasi berbeda' };
const merged = IncidentReportMerged({ ...IDS, mergedReportId: OTHER_ID, mergedAt: '2026-11-28T03:02:00.000Z', mergedBy: 'op-budi' });
const splitOut = IncidentReportSplit({ ...IDS, splitReportId: OTHER_ID, splitAt: '2026-11-28T03:04:00.000Z', splitBy: 'spv-rina', reason: 'Lokasi berbeda' });

const fold = (events: IncidentEvent[]): IncidentState => events.reduce(incidentDecider.evolve, incidentDecider.initialState());
const decide = (history: IncidentEvent[], command: IncidentCommand) => incidentDecider.decide(command, fold(history));

describe('incident groups on the incident', () => {
  it('records a merged report with who merged it and when', () => {
    expect(decide([opened], merge)).toEqual([merged]);
    expect(fold([opened, merged])).toMatchObject({ mergedReports: [{ reportId: OTHER_ID, mergedAt: '2026-11-28T03:02:00.000Z', mergedBy: 'op-budi' }] });
  });

  it('follows triage whatever the incident status (the merge happened there)', () => {
    const arrived = UnitArrived({ ...IDS, unitId: 'PATROL-TEBET-01' });
    expect(decide([opened, arrived], merge)).toEqual([merged]);
  });

  it('a redelivered merge, or the incident report itself, changes nothing', () => {
    expect(decide([opened, merged], merge)).toEqual([]);
    expect(decide([opened], { ...merge, reportId: REPORT_ID })).toEqual([]);
  });

  it('records a split with who, when and why, and the report leaves the incident', () => {
    expect(decide([opened, merged], split)).toEqual([splitOut]);
    expect(fold([opened, merged, splitOut])).toMatchObject({ mergedReports: [] });
  });

  it('a split of a report that is not on the incident changes nothing (redelivered, or split before the incident opened)', () => {
    expect(decide([opened], split)).toEqual([]);
    expect(decide([opened, merged, splitOut], split)).toEqual([]);
  });

  it('a report split out can be merged again', () => {
    expect(decide([opened, merged, splitOut], merge)).toEqual([merged]);
  });

  it('needs the incident to exist', () => {
    expect(() => decide([], merge)).toThrow(IllegalState);
  });
});
