import * as ev from '@callcenter/events';
import { forwardedData, receivedReportData, reportStreams } from '@callcenter/testing';
import { evolveReportStatus, mergeReportStatus, ReportStatusView } from './report-status.projection';

// What the reporter of a report merged into an incident group, and split out again, is told.

/** The next event of report r2's triage stream, and when (hh:mm on 2026-11-28). */
const triage = reportStreams('triage', { actor: 'op-budi' });
const at = (hhmm: string) => ({ at: new Date(`2026-11-28T${hhmm}:00.000Z`) });
const received = reportStreams('intake', { actor: 'mobile-app' })(
  ev.ReportReceived,
  'r2',
  receivedReportData({ reportId: 'r2', trackingCode: 'AB2CD-EF3GH', receivedAt: '2026-11-28T02:00:00.000Z' }),
  at('02:00'),
);

const fold = (events: ev.EventEnvelope[]) => events.reduce<ReportStatusView | null>(evolveReportStatus, null);
const claimed = triage(ev.ReportClaimed, 'r2', { operatorId: 'op-budi', leaseExpiresAt: '2026-11-28T02:06:00.000Z' }, at('02:01'));
const merged = triage(ev.ReportMarkedDuplicate, 'r2', { duplicateOf: 'r1' }, at('02:02'));
const split = triage(ev.ReportSplitFromGroup, 'r2', { groupOf: 'r1', reason: 'Lokasi berbeda' }, at('02:05'));
const claimedAgain = triage(ev.ReportClaimed, 'r2', { operatorId: 'op-sari', leaseExpiresAt: '2026-11-28T02:11:00.000Z' }, at('02:06'));
const forwarded = triage(
  ev.ReportForwardedForDispatch,
  'r2',
  forwardedData({ reportId: 'r2', trackingCode: 'AB2CD-EF3GH', channel: 'MOBILE_APP' }),
  at('02:07'),
);

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
