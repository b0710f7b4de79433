import { EventEnvelope, ReportReceivedV1 } from '@callcenter/events';
import { evolveReportStatus, mergeReportStatus } from './report-status.projection';

const received: EventEnvelope<'ReportReceived', Partial<ReportReceivedV1>> = {
  eventId: 'e1',
  type: 'ReportReceived',
  schemaVersion: 1,
  streamId: 'r1',
  streamVersion: 1,
  occurredAt: '2026-11-28T02:00:00.000Z',
  recordedAt: '2026-11-28T02:00:00.010Z',
  producer: 'intake',
  actor: 'mobile-app',
  correlationId: 'c',
  causationId: null,
  data: {
    reportId: 'r1',
    trackingCode: '7KQ2M-94XHD',
    sourceSystem: 'mobile-app',
    receivedAt: '2026-11-28T02:00:00.000Z',
    reporter: { name: 'Siti', phone: '+6281234567890', anonymous: false },
  },
};

describe('reporter-facing status', () => {
  it('starts as RECEIVED with the tracking code and nothing personal', () => {
    const view = evolveReportStatus(null, received as EventEnvelope);
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
    const once = evolveReportStatus(null, received as EventEnvelope);
    expect(evolveReportStatus(once, received as EventEnvelope)).toEqual(once);
  });

  it('ignores events it does not show to reporters', () => {
    const once = evolveReportStatus(null, received as EventEnvelope);
    expect(evolveReportStatus(once, { ...received, type: 'ReportNoteAdded' } as EventEnvelope)).toBe(once);
    expect(evolveReportStatus(null, { ...received, type: 'ReportNoteAdded' } as EventEnvelope)).toBeNull();
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
