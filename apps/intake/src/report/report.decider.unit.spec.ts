import { IllegalState } from '@callcenter/contracts';
import { ReportReceived } from '@callcenter/events';
import { reportDecider, SubmitReport } from './report.decider';

const submit = (overrides: Partial<SubmitReport> = {}): SubmitReport => ({
  type: 'SubmitReport',
  reportId: '0b6c3f6e-58f5-5a8e-9d61-0a3c1a1e0001',
  trackingCode: '7KQ2M-94XHD',
  sourceSystem: 'mobile-app',
  externalId: 'app-123',
  channel: 'MOBILE_APP',
  reporter: { name: ' Siti Aminah ', phone: '+6281234567890', anonymous: false },
  categoryHint: 'KEJAHATAN',
  description: '  Begal motor di Jl. Sudirman, pelaku membawa senjata tajam  ',
  location: { latitude: -6.9147, longitude: 107.6098, address: 'Jl. Sudirman 12', district: '' },
  occurredAt: new Date('2026-11-28T01:55:00Z'),
  peopleInjured: 1,
  peopleInvolved: 2,
  receivedAt: new Date('2026-11-28T02:00:00Z'),
  ...overrides,
});

const given = (events: ReturnType<typeof ReportReceived>[]) => events.reduce(reportDecider.evolve, reportDecider.initialState());

describe('report decider', () => {
  it('records a new submission as ReportReceived with tidied fields', () => {
    expect(reportDecider.decide(submit(), given([]))).toEqual([
      ReportReceived({
        reportId: '0b6c3f6e-58f5-5a8e-9d61-0a3c1a1e0001',
        trackingCode: '7KQ2M-94XHD',
        sourceSystem: 'mobile-app',
        externalId: 'app-123',
        channel: 'MOBILE_APP',
        reporter: { name: 'Siti Aminah', phone: '+6281234567890', anonymous: false },
        categoryHint: 'KEJAHATAN',
        description: 'Begal motor di Jl. Sudirman, pelaku membawa senjata tajam',
        location: { latitude: -6.9147, longitude: 107.6098, address: 'Jl. Sudirman 12', district: null },
        occurredAt: '2026-11-28T01:55:00.000Z',
        peopleInjured: 1,
        peopleInvolved: 2,
        receivedAt: '2026-11-28T02:00:00.000Z',
      }),
    ]);
  });

  it('keeps no name or phone of an anonymous reporter', () => {
    const [event] = reportDecider.decide(submit({ reporter: { name: 'Budi', phone: '+628111', anonymous: true } }), given([]));
    expect(event.data.reporter).toEqual({ name: null, phone: null, anonymous: true });
  });

  it('leaves out what was not given', () => {
    const [event] = reportDecider.decide(
      submit({ categoryHint: undefined, occurredAt: undefined, location: { district: 'Coblong' } }),
      given([]),
    );
    expect(event.data).toMatchObject({
      categoryHint: null,
      occurredAt: null,
      location: { latitude: null, longitude: null, address: null, district: 'Coblong' },
    });
  });

  it('refuses to receive the same report twice', () => {
    const received = reportDecider.decide(submit(), given([]));
    expect(() => reportDecider.decide(submit(), given(received))).toThrow(IllegalState);
    expect(given(received)).toMatchObject({ status: 'received', trackingCode: '7KQ2M-94XHD' });
  });
});
