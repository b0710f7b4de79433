import { ReportReceived, TriageCaseOpened } from '@callcenter/events';
import { envelopeOf, openedCaseData, receivedReportData } from '@callcenter/testing';
import { AnalyticsModel } from './analytics-model';
import { AWAITING_CASE_AFTER_MS, AWAITING_CASE_LOOKBACK_MS, reportsAwaitingCase } from './read-models';

describe('reports awaiting a triage case (the gauge behind ReportsNotOpenedByTriage)', () => {
  const now = Date.parse('2026-12-04T08:00:00.000Z');
  const receivedAgo = (model: AnalyticsModel, reportId: string, ms: number) => {
    const receivedAt = new Date(now - ms);
    model.apply(
      envelopeOf(ReportReceived, receivedReportData({ reportId, receivedAt: receivedAt.toISOString() }), {
        streamId: reportId,
        streamVersion: 1,
        producer: 'intake',
        at: receivedAt,
      }),
    );
  };

  it('counts a report from a minute to an hour after it was received, both ends included', () => {
    const model = new AnalyticsModel();
    const ages = {
      fresh: AWAITING_CASE_AFTER_MS - 1,
      minute: AWAITING_CASE_AFTER_MS,
      half: AWAITING_CASE_LOOKBACK_MS / 2,
      hour: AWAITING_CASE_LOOKBACK_MS,
      stale: AWAITING_CASE_LOOKBACK_MS + 1,
    };
    for (const [reportId, ms] of Object.entries(ages)) receivedAgo(model, reportId, ms);
    expect(reportsAwaitingCase(model, now)).toBe(3);
  });

  it('no longer counts a report once triage has opened its case', () => {
    const model = new AnalyticsModel();
    for (const reportId of ['r-1', 'r-2']) receivedAgo(model, reportId, 2 * AWAITING_CASE_AFTER_MS);
    expect(reportsAwaitingCase(model, now)).toBe(2);
    model.apply(
      envelopeOf(TriageCaseOpened, openedCaseData({ reportId: 'r-1' }), { streamId: 'r-1', streamVersion: 1, producer: 'triage', at: new Date(now - 1000) }),
    );
    expect(reportsAwaitingCase(model, now)).toBe(1);
  });

  it('counts nothing for an empty model', () => expect(reportsAwaitingCase(new AnalyticsModel(), now)).toBe(0));
});
