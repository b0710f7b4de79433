import {
  EventDefinition,
  EventEnvelope,
  ReportClaimed,
  ReportForwardedForDispatch,
  ReportMarkedDuplicate,
  ReportReceived,
  ReportSplitFromGroup,
} from '@callcenter/events';
import { envelopeOf, receivedReportData } from '@callcenter/testing';
import { evolveReportStatus, mergeReportStatus, ReportStatusView } from './report-status.projection';

// What the reporter of a report merged into an incident group, and split out again, is told.

let version = 0;
/** The next event of report r2's triage stream. */
const triage = <Type extends string, Data extends { reportId: string }>(
  event: EventDefinition<Type, Data>,
  at: string,
  data: NoInfer<Omit<Data, 'reportId'>>,
) =>
  envelopeOf(event, { reportId: 'r2', ...data } as Data, { streamId: 'r2', streamVersion: ++version, producer: 'triage', actor: 'op-budi', at: new Date(at) });
const received = envelopeOf(ReportReceived, receivedReportData({ reportId: 'r2', trackingCode: 'AB2CD-EF3GH', receivedAt: '2026-11-28T02:00:00.000Z' }), {
  streamId: 'r2',
  streamVersion: 1,
  producer: 'intake',
  actor: 'mobile-app',
  at: new Date('2026-11-28T02:00:00.000Z'),
});

const fold = (events: EventEnvelope[]) => events.reduce<ReportStatusView | null>(evolveReportStatus, null);
const claimed = triage(ReportClaimed, '2026-11-28T02:01:00.000Z', { operatorId: 'op-budi', leaseExpiresAt: '2026-11-28T02:06:00.000Z' });
const merged = triage(ReportMarkedDuplicate, '2026-11-28T02:02:00.000Z', { duplicateOf: 'r1' });
const split = triage(ReportSplitFromGroup, '2026-11-28T02:05:00.000Z', { groupOf: 'r1', reason: 'Lokasi berbeda' });
const claimedAgain = triage(ReportClaimed, '2026-11-28T02:06:00.000Z', { operatorId: 'op-sari', leaseExpiresAt: '2026-11-28T02:11:00.000Z' });
const forwarded = triage(ReportForwardedForDispatch, '2026-11-28T02:07:00.000Z', {
  trackingCode: 'AB2CD-EF3GH',
  channel: 'MOBILE_APP',
  receivedAt: '2026-11-28T02:00:00.000Z',
  category: 'KEJAHATAN',
  priority: 'P3',
  district: 'TEBET',
  location: { latitude: -6.2264, longitude: 106.8584, address: 'Jl. Tebet Raya 1' },
  description: 'Motor dicuri di depan warung',
  peopleInjured: 0,
  peopleInvolved: 1,
});

describe('reporter status through a merge and a split', () => {
  const intakePart = fold([received]);

  it('merged: the reporter is told the incident is already being handled and their report joined it (not final: it can be split)', () => {
    const view = mergeReportStatus('r2', [intakePart, fold([claimed, merged])])!;
    expect(view).toMatchObject({ state: 'DUPLICATE', final: false, trackingCode: 'AB2CD-EF3GH' });
    expect(view.timeline.at(-1)!.message).toContain('digabungkan');
  });

  it('split: it is their own report again, waiting for an officer, no longer final; and it goes on from there', () => {
    const afterSplit = mergeReportStatus('r2', [intakePart, fold([claimed, merged, split])])!;
    expect(afterSplit).toMatchObject({ state: 'RECEIVED', final: false });
    expect(afterSplit.timeline.at(-1)!.message).toContain('dipisahkan');

    // Taken up again: a new IN_TRIAGE step (the first one was before the split), then forwarded.
    const later = mergeReportStatus('r2', [intakePart, fold([claimed, merged, split, claimedAgain, forwarded])])!;
    expect(later.timeline.map((s) => s.state)).toEqual(['RECEIVED', 'IN_TRIAGE', 'DUPLICATE', 'RECEIVED', 'IN_TRIAGE', 'FORWARDED']);
    expect(later).toMatchObject({ state: 'FORWARDED', final: false });
  });

  it('a redelivered split changes nothing', () => {
    const once = fold([claimed, merged, split]);
    expect(evolveReportStatus(once, split)).toEqual(once);
  });
});
