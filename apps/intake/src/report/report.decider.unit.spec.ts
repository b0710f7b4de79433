import { AlreadyExists } from '@callcenter/contracts';
import { ReportReceived } from '@callcenter/events';
import { canonicalJson, contentHashOf, reportDecider, SubmitReport } from './report.decider';

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
        contentHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      }),
    ]);
  });

  it('keeps no name or phone of an anonymous reporter', () => {
    const [event] = reportDecider.decide(submit({ reporter: { name: 'Budi', phone: '+628111', anonymous: true } }), given([]));
    expect(event.data.reporter).toEqual({ name: null, phone: null, anonymous: true });
  });

  it('leaves out what was not given', () => {
    const [event] = reportDecider.decide(submit({ categoryHint: undefined, occurredAt: undefined, location: { district: 'Coblong' } }), given([]));
    expect(event.data).toMatchObject({
      categoryHint: null,
      occurredAt: null,
      location: { latitude: null, longitude: null, address: null, district: 'Coblong' },
    });
  });

  it('records nothing for a repeat of the same submission, whenever it comes and however it is spaced', () => {
    const received = reportDecider.decide(submit(), given([]));
    const repeat = submit({
      trackingCode: 'ZZZZZ-ZZZZZ',
      receivedAt: new Date('2026-11-28T02:05:00Z'),
      description: 'Begal motor di Jl. Sudirman, pelaku membawa senjata tajam',
      location: { latitude: -6.9147, longitude: 107.6098, address: ' Jl. Sudirman 12 ' },
    });
    expect(reportDecider.decide(repeat, given(received))).toEqual([]);
    expect(given(received)).toMatchObject({ status: 'received', trackingCode: '7KQ2M-94XHD' });
  });

  it('refuses the same external id with other content, naming the original report', () => {
    const received = reportDecider.decide(submit(), given([]));
    for (const other of [
      submit({ description: 'Kebakaran rumah di Jl. Dago, api sudah membesar' }),
      submit({ peopleInjured: 2 }),
      submit({ location: { latitude: -6.9, longitude: 107.6098, address: 'Jl. Sudirman 12' } }),
      submit({ occurredAt: undefined }),
    ]) {
      let error: unknown;
      try {
        reportDecider.decide(other, given(received));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AlreadyExists);
      expect(error).toMatchObject({
        rule: 'EXTERNAL_ID_REUSED',
        existing: { reportId: '0b6c3f6e-58f5-5a8e-9d61-0a3c1a1e0001', trackingCode: '7KQ2M-94XHD' },
      });
    }
  });

  it('takes any repeat of a report received before hashes were kept as a duplicate', () => {
    const [event] = reportDecider.decide(submit(), given([]));
    const { contentHash: _, ...legacy } = event.data;
    expect(reportDecider.decide(submit({ description: 'Lain sama sekali, isi berbeda' }), given([{ ...event, data: legacy }]))).toEqual([]);
  });

  it('hashes content canonically: key order does not matter, values do', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,{"x":null,"y":2}]},"b":1}');
    const [event] = reportDecider.decide(submit(), given([]));
    expect(contentHashOf(event.data)).toBe(event.data.contentHash);
    expect(contentHashOf({ ...event.data, peopleInvolved: 3 })).not.toBe(event.data.contentHash);
  });
});
