import type { Jurisdiction } from '@callcenter/contracts';
import type { ReportReceivedV1 } from '@callcenter/events';
import type { ModelSuggestion } from '../suggestions';
import { caseOpenedFrom, CaseOpeningRules, districtOfReport, recentReportFrom, reportForSuggestion } from './case-opening';

const JURISDICTION: Jurisdiction = {
  name: 'Polres Test',
  districts: [
    { code: 'TEBET', name: 'Tebet', latitude: -6.2264, longitude: 106.8584 },
    { code: 'MENTENG', name: 'Menteng', latitude: -6.1963, longitude: 106.8322 },
  ],
};
const RULES: CaseOpeningRules = { jurisdiction: JURISDICTION, prankThreshold: 2 };

const report = (over: Partial<ReportReceivedV1> = {}): ReportReceivedV1 => ({
  reportId: 'r-1',
  trackingCode: 'PLR-0001',
  sourceSystem: 'hotline',
  externalId: 'x-1',
  channel: 'HOTLINE',
  reporter: { name: 'sealed-name', phone: 'sealed-phone', anonymous: false },
  categoryHint: null,
  description: 'sealed-description',
  location: { latitude: null, longitude: null, address: 'Jl. Tebet Raya 1', district: null },
  occurredAt: null,
  peopleInjured: 0,
  peopleInvolved: 1,
  receivedAt: '2026-12-02T10:00:00.000Z',
  ...over,
});

const CLASSIFICATION: ModelSuggestion = {
  category: 'KEJAHATAN',
  priority: 'P3',
  categories: [{ category: 'KEJAHATAN', score: 0.9 }],
  words: ['dompet'],
  reasons: ['"dompet" suggests theft'],
  modelVersion: 'model-1',
};

describe('reportForSuggestion and recentReportFrom', () => {
  it('give the model the opened description, and the duplicate finder the suggested category', () => {
    const received = report({ categoryHint: 'KEBAKARAN', peopleInjured: 2, location: { latitude: -6.2, longitude: 106.8, address: null, district: null } });
    expect(reportForSuggestion(received, 'dompet hilang')).toEqual({
      categoryHint: 'KEBAKARAN',
      description: 'dompet hilang',
      channel: 'HOTLINE',
      peopleInjured: 2,
    });
    expect(recentReportFrom(received, 'KEJAHATAN', 'caller-1')).toEqual({
      reportId: 'r-1',
      category: 'KEJAHATAN',
      latitude: -6.2,
      longitude: 106.8,
      callerRef: 'caller-1',
      receivedAt: '2026-12-02T10:00:00.000Z',
      occurredAt: null,
    });
  });
});

describe('districtOfReport', () => {
  it('takes the district the reporter named, without a reason', () => {
    expect(districtOfReport(JURISDICTION, { latitude: -6.19, longitude: 106.83, address: null, district: 'Kec. Tebet' })).toEqual({
      district: JURISDICTION.districts[0],
      reason: null,
    });
  });

  it('suggests the nearest district from the coordinates when none is named', () => {
    const { district, reason } = districtOfReport(JURISDICTION, { latitude: -6.197, longitude: 106.833, address: null, district: 'nowhere' });
    expect(district?.code).toBe('MENTENG');
    expect(reason).toBe('district Menteng from the coordinates');
  });

  it('warns when the coordinates are farther than 10 km from every district', () => {
    const { district, reason } = districtOfReport(JURISDICTION, { latitude: -6.9, longitude: 107.6, address: null, district: null });
    expect(district?.code).toBe('TEBET');
    expect(reason).toMatch(/^location is \d+\.\d km from the nearest district \(Tebet\): possibly out of jurisdiction$/);
  });

  it('finds none without a name or coordinates', () => {
    expect(districtOfReport(JURISDICTION, { latitude: null, longitude: null, address: 'somewhere', district: null })).toEqual({ district: null, reason: null });
  });
});

describe('caseOpenedFrom', () => {
  const duplicate = { reportId: 'r-0', reason: 'SAME_CALLER' as const, distanceMeters: null, minutesApart: 3 };

  it('copies the report (sealed fields as they came) and adds the suggestion', () => {
    const opened = caseOpenedFrom(
      { report: report(), callerRef: 'caller-1', classification: CLASSIFICATION, duplicateCandidates: [duplicate], prankRejections: 0 },
      RULES,
    );
    expect(opened).toEqual({
      reportId: 'r-1',
      trackingCode: 'PLR-0001',
      sourceSystem: 'hotline',
      channel: 'HOTLINE',
      receivedAt: '2026-12-02T10:00:00.000Z',
      occurredAt: null,
      description: 'sealed-description',
      categoryHint: null,
      location: { latitude: null, longitude: null, address: 'Jl. Tebet Raya 1', reportedDistrict: null },
      district: null,
      peopleInjured: 0,
      peopleInvolved: 1,
      callerRef: 'caller-1',
      suggestion: {
        category: 'KEJAHATAN',
        priority: 'P3',
        reasons: ['"dompet" suggests theft'],
        duplicateCandidates: [duplicate],
        lowTrust: { flagged: false, prankRejections: 0, reason: null },
        categories: [{ category: 'KEJAHATAN', score: 0.9 }],
        words: ['dompet'],
      },
      suggestionModel: 'model-1',
    });
  });

  it("adds the district's reason and then the low-trust warning to the model's reasons", () => {
    const located = report({ location: { latitude: -6.197, longitude: 106.833, address: null, district: null } });
    const opened = caseOpenedFrom(
      { report: located, callerRef: 'caller-1', classification: CLASSIFICATION, duplicateCandidates: [], prankRejections: 2 },
      RULES,
    );
    expect(opened.district).toBe('MENTENG');
    expect(opened.location.reportedDistrict).toBeNull();
    expect(opened.suggestion.lowTrust).toEqual({ flagged: true, prankRejections: 2, reason: "caller's reports were rejected as prank 2 times" });
    expect(opened.suggestion.reasons).toEqual([
      '"dompet" suggests theft',
      'district Menteng from the coordinates',
      "caller's reports were rejected as prank 2 times",
    ]);
  });

  it("does not change the model's reasons", () => {
    const classification = { ...CLASSIFICATION, reasons: ['model reason'] };
    caseOpenedFrom({ report: report(), callerRef: null, classification, duplicateCandidates: [], prankRejections: 5 }, RULES);
    expect(classification.reasons).toEqual(['model reason']);
  });
});
