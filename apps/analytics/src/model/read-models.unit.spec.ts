import { ReportReceived, TriageCaseOpened } from '@callcenter/events';
import { envelopeOf, openedCaseData, receivedReportData } from '@callcenter/testing';
import { AnalyticsModel } from './analytics-model';
import { ANY_TIME } from './timeline-store';
import { AWAITING_CASE_AFTER_MS, AWAITING_CASE_LOOKBACK_MS, quietHorizon, reportsAwaitingCase, ripeBefore, SETTLED_HOLD_MARGIN_MS } from './read-models';

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

describe('which settled timelines a generation catching up writes (ripeBefore)', () => {
  const t = (iso: string) => Date.parse(iso);
  const targets = new Map([
    ['callcenter.triage.events.v1/0', 99n],
    ['callcenter.dispatch.events.v1/0', 199n],
    ['callcenter.dispatch.events.v1/1', 149n],
  ]);

  it('holds every one back while a partition still behind has given nothing', () => {
    const applied = new Map([['callcenter.triage.events.v1/0', 50n]]);
    expect(ripeBefore(targets, applied, new Map([['callcenter.triage.events.v1/0', t('2026-11-02T08:00:00Z')]]))).toBe('');
  });

  it('writes those before the earliest time read on the partitions behind, less the margin; a partition through does not hold back', () => {
    const applied = new Map([
      ['callcenter.triage.events.v1/0', 100n], // past its target: through
      ['callcenter.dispatch.events.v1/0', 120n],
      ['callcenter.dispatch.events.v1/1', 80n],
    ]);
    const reached = new Map([
      ['callcenter.triage.events.v1/0', t('2026-11-01T00:00:00Z')],
      ['callcenter.dispatch.events.v1/0', t('2026-11-20T10:00:00Z')],
      ['callcenter.dispatch.events.v1/1', t('2026-11-18T10:00:00Z')],
    ]);
    const before = ripeBefore(targets, applied, reached);
    expect(before).toBe(new Date(t('2026-11-18T10:00:00Z') - SETTLED_HOLD_MARGIN_MS).toISOString());
    // Compared as ISO strings with the last entry's time.
    expect('2026-11-18T09:54:59.999Z' < before).toBe(true);
    expect('2026-11-18T09:55:00.000Z' < before).toBe(false);
  });

  it('writes all once every partition is through, or nothing was left to read', () => {
    const through = new Map([...targets].map(([tp, target]) => [tp, target + 1n]));
    expect(ripeBefore(targets, through, new Map())).toBe(ANY_TIME);
    expect(ripeBefore(new Map(), new Map(), new Map())).toBe(ANY_TIME);
    expect('9999-12-31T23:59:59.999Z' < ANY_TIME).toBe(true);
  });
});

describe('up to when a generation settles reports resolved and never closed (quietHorizon)', () => {
  it('is the model clock once caught up, the time the partitions behind were read to while catching up, and none before they gave anything', () => {
    const clock = Date.parse('2026-11-05T00:00:00Z');
    expect(quietHorizon(ANY_TIME, clock)).toBe(clock);
    // A partition behind was read to 2 November 08:00 less the margin, though another is three days ahead.
    expect(quietHorizon('2026-11-02T07:55:00.000Z', clock)).toBe(Date.parse('2026-11-02T07:55:00Z'));
    expect(quietHorizon('', clock)).toBe(-Infinity);
  });
});
