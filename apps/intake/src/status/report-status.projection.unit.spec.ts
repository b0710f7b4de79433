import { ReportNoteAdded, ReportReceived } from '@callcenter/events';
import { envelopeOf, receivedReportData } from '@callcenter/testing';
import { evolveReportStatus, mergeReportStatus } from './report-status.projection';

const received = envelopeOf(
  ReportReceived,
  receivedReportData({ reportId: 'r1', trackingCode: '7KQ2M-94XHD', reporter: { name: 'Siti', phone: '+6281234567890', anonymous: false } }),
  { streamId: 'r1', streamVersion: 1, producer: 'intake', actor: 'mobile-app', at: new Date('2026-11-28T02:00:00.000Z') },
);

describe('reporter-facing status', () => {
  it('starts as RECEIVED with the tracking code and nothing personal', () => {
    const view = evolveReportStatus(null, received);
    expect(view).toEqual({
      reportId: 'r1',
      trackingCode: '7KQ2M-94XHD',
      sourceSystem: 'mobile-app',
      receivedAt: '2026-11-28T02:00:00.000Z',
      state: 'RECEIVED',
      final: false,
      timeline: [{ state: 'RECEIVED', at: '2026-11-28T02:00:00.000Z', message: 'Laporan Anda telah diterima dan menunggu petugas.' }],
    });
    expect(JSON.stringify(view)).not.toMatch(/Siti|\+62/);
  });

  it('is a no-op when the same event is delivered twice', () => {
    const once = evolveReportStatus(null, received);
    expect(evolveReportStatus(once, received)).toEqual(once);
  });

  it('ignores events it does not show to reporters', () => {
    const once = evolveReportStatus(null, received);
    const note = envelopeOf(ReportNoteAdded, { reportId: 'r1', text: 'Pelapor dihubungi' }, { streamId: 'r1', streamVersion: 3, producer: 'triage' });
    expect(evolveReportStatus(once, note)).toBe(once);
    expect(evolveReportStatus(null, note)).toBeNull();
  });
});

describe('mergeReportStatus: the reporter view from the parts each service feeds', () => {
  const part = (state: string, at: string, extra: Record<string, unknown> = {}) =>
    ({
      reportId: 'r1',
      trackingCode: null,
      sourceSystem: null,
      receivedAt: null,
      state,
      timeline: [{ state, at, message: state }],
      final: false,
      ...extra,
    }) as any;

  it('puts the parts in time order and takes the ids from intake, whatever order they are read in', () => {
    const intake = part('RECEIVED', '2026-11-28T02:00:00.000Z', {
      trackingCode: '7KQ2M-94XHD',
      sourceSystem: 'mobile-app',
      receivedAt: '2026-11-28T02:00:00.000Z',
    });
    const triage = part('FORWARDED', '2026-11-28T02:01:00.000Z');
    const dispatch = part('CLOSED', '2026-11-28T02:30:00.000Z');
    for (const parts of [
      [intake, triage, dispatch],
      [dispatch, null, intake, triage],
    ]) {
      const view = mergeReportStatus('r1', parts)!;
      expect(view.timeline.map((s) => s.state)).toEqual(['RECEIVED', 'FORWARDED', 'CLOSED']);
      expect(view).toMatchObject({ reportId: 'r1', trackingCode: '7KQ2M-94XHD', state: 'CLOSED', final: true });
    }
  });

  it('is null when no service has said anything yet', () => {
    expect(mergeReportStatus('r1', [null, null, null])).toBeNull();
  });
});
