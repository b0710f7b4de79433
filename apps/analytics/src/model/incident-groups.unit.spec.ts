import { EventEnvelope } from '@callcenter/events';
import { volume } from '../queries/analytics-queries';
import { AnalyticsModel } from './analytics-model';
import { stateOf } from './report-fact';

// A report merged into another's incident group counts as a duplicate; split out, it counts as its own report again.

const A = 'a0000000-0000-4000-8000-000000000001';
const B = 'b0000000-0000-4000-8000-000000000002';
const versions = new Map<string, number>();
function event(
  producer: 'intake' | 'triage',
  streamId: string,
  type: string,
  at: string,
  data: Record<string, unknown> = {},
  actor = 'op-budi',
): EventEnvelope {
  const streamVersion = (versions.get(`${producer}:${streamId}`) ?? 0) + 1;
  versions.set(`${producer}:${streamId}`, streamVersion);
  const occurredAt = `2026-11-28T${at}:00.000Z`;
  return {
    eventId: `${streamId}-${producer}-${streamVersion}`,
    type,
    schemaVersion: 1,
    streamId,
    streamVersion,
    occurredAt,
    recordedAt: occurredAt,
    producer,
    actor,
    correlationId: 'c',
    causationId: null,
    data: { reportId: streamId, ...data },
  };
}
const received = (id: string, at: string) =>
  event('intake', id, 'ReportReceived', at, {
    receivedAt: `2026-11-28T${at}:00.000Z`,
    channel: 'MOBILE_APP',
    sourceSystem: 'mobile-app',
    location: { latitude: -6.2, longitude: 106.8 },
    peopleInjured: 0,
    categoryHint: 'KEBAKARAN',
  });
const forwarded = (id: string, at: string) =>
  event('triage', id, 'ReportForwardedForDispatch', at, { category: 'KEBAKARAN', priority: 'P2', district: 'TEBET' });

describe('analytics follows merges and splits of incident groups', () => {
  const history = [
    received(A, '03:00'),
    received(B, '03:01'),
    event('triage', A, 'ReportClaimed', '03:02'),
    forwarded(A, '03:03'),
    event('triage', B, 'ReportClaimed', '03:04'),
    event('triage', B, 'ReportMarkedDuplicate', '03:05', { duplicateOf: A }),
  ];
  const split = event('triage', B, 'ReportSplitFromGroup', '03:08', { groupOf: A, reason: 'Lokasi berbeda' }, 'spv-rina');
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
    expect(fact.steps.filter((s) => s.step === 'SPLIT')).toEqual([{ actor: 'spv-rina', step: 'SPLIT', at: '2026-11-28T03:08:00.000Z' }]);
  });

  it('a split report forwarded on its own is counted as its own forward', () => {
    const v = volume(modelOf([...history, split, event('triage', B, 'ReportClaimed', '03:09'), forwarded(B, '03:10')]), {});
    expect(v.byState).toEqual({ FORWARDED: 2 });
    expect(v.notActionable.duplicates).toBe(0);
  });

  it('gives the same counts with every event delivered twice', () => {
    const events = [...history, split];
    expect(volume(modelOf(events.flatMap((e) => [e, e])), {})).toEqual(volume(modelOf(events), {}));
  });
});
