import {
  EventDefinition,
  EventEnvelope,
  ReportClaimed,
  ReportForwardedForDispatch,
  ReportMarkedDuplicate,
  ReportReceived,
  ReportSplitFromGroup,
} from '@callcenter/events';
import { forwardedData, receivedReportData, reportStreams } from '@callcenter/testing';
import { volume } from '../queries/analytics-queries';
import { AnalyticsModel } from './analytics-model';
import { stateOf, stepsOf } from './report-fact';

// A report merged into another's incident group counts as a duplicate; split out, it counts as its own report again.

const A = 'a0000000-0000-4000-8000-000000000001';
const B = 'b0000000-0000-4000-8000-000000000002';
const streams = { intake: reportStreams('intake'), triage: reportStreams('triage') };
/** The next event of a report's stream at intake or triage, at `at` (hh:mm) on 2026-11-28. */
const event = <Type extends string, Data extends { reportId: string }>(
  producer: 'intake' | 'triage',
  reportId: string,
  type: EventDefinition<Type, Data>,
  at: string,
  data: NoInfer<Omit<Data, 'reportId'>>,
  actor = 'op-budi',
) => streams[producer](type, reportId, data, { actor, at: new Date(`2026-11-28T${at}:00.000Z`) });
const received = (id: string, at: string) =>
  event(
    'intake',
    id,
    ReportReceived,
    at,
    receivedReportData({
      reportId: id,
      receivedAt: `2026-11-28T${at}:00.000Z`,
      channel: 'MOBILE_APP',
      sourceSystem: 'mobile-app',
      location: { latitude: -6.2, longitude: 106.8, address: null, district: null },
      peopleInjured: 0,
      categoryHint: 'KEBAKARAN',
    }),
  );
const claimed = (id: string, at: string) => event('triage', id, ReportClaimed, at, { operatorId: 'op-budi', leaseExpiresAt: `2026-11-28T${at}:00.000Z` });
const forwarded = (id: string, at: string) =>
  event(
    'triage',
    id,
    ReportForwardedForDispatch,
    at,
    forwardedData({
      reportId: id,
      channel: 'MOBILE_APP',
      receivedAt: '2026-11-28T03:00:00.000Z',
      category: 'KEBAKARAN',
      priority: 'P2',
      location: { latitude: -6.2, longitude: 106.8, address: null },
      description: 'Kebakaran rumah',
    }),
  );

describe('analytics follows merges and splits of incident groups', () => {
  const history = [
    received(A, '03:00'),
    received(B, '03:01'),
    claimed(A, '03:02'),
    forwarded(A, '03:03'),
    claimed(B, '03:04'),
    event('triage', B, ReportMarkedDuplicate, '03:05', { duplicateOf: A }),
  ];
  const split = event('triage', B, ReportSplitFromGroup, '03:08', { groupOf: A, reason: 'Lokasi berbeda' }, 'spv-rina');
  const modelOf = (events: EventEnvelope[]) => {
    const model = new AnalyticsModel();
    for (const e of events) model.apply(e);
    return model;
  };

  it('merged: two reports, one of them a duplicate in the group of the other', () => {
    const v = volume(modelOf(history), {});
    expect(v.total).toBe(2);
    expect(v.notActionable.duplicates).toBe(1);
    expect(v.byState).toEqual({ FORWARDED: 1, DUPLICATE: 1 });
    expect(v.incidentGroups).toEqual({ merged: 1, splitOut: 0 });
  });

  it('split: the report counts as its own again (no decision yet), the split attributed to the supervisor', () => {
    const model = modelOf([...history, split]);
    const v = volume(model, {});
    expect(v.total).toBe(2);
    expect(v.notActionable.duplicates).toBe(0);
    expect(v.byState).toEqual({ FORWARDED: 1, IN_TRIAGE: 1 });
    expect(v.incidentGroups).toEqual({ merged: 0, splitOut: 1 });
    const fact = model.facts.get(B)!;
    expect(stateOf(fact)).toBe('IN_TRIAGE');
    expect(stepsOf(fact.steps).filter((s) => s.step === 'SPLIT')).toEqual([{ actor: 'spv-rina', step: 'SPLIT', at: Date.parse('2026-11-28T03:08:00.000Z') }]);
  });

  it('a split report forwarded on its own is counted as its own forward', () => {
    const v = volume(modelOf([...history, split, claimed(B, '03:09'), forwarded(B, '03:10')]), {});
    expect(v.byState).toEqual({ FORWARDED: 2 });
    expect(v.notActionable.duplicates).toBe(0);
  });

  it('gives the same counts with every event delivered twice', () => {
    const events = [...history, split];
    expect(volume(modelOf(events.flatMap((e) => [e, e])), {})).toEqual(volume(modelOf(events), {}));
  });
});
