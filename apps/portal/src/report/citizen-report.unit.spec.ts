import { checkCitizenReport, normalisePhone, toSubmitRequest } from './citizen-report';
import { messageIn, toCitizenStatus } from '../follow/citizen-status';

const districts = [{ code: 'TEBET', name: 'Tebet', latitude: -6.2297, longitude: 106.8532 }];
const good = {
  idempotencyKey: '0b7f3c9e-2d4a-4e1b-9c3f-5a6b7c8d9e0f',
  category: 'KEBAKARAN',
  description: 'Rumah terbakar di gang sempit',
  location: { district: 'TEBET' },
  peopleInjured: 1,
  anonymous: false,
  name: 'Siti',
  phone: '0812-3456-7890',
};

describe('a citizen report (pure)', () => {
  it('accepts a good report, with the phone as E.164 and the district by code', () => {
    const r = checkCitizenReport(good, districts);
    expect(r).toEqual({ report: expect.objectContaining({ phone: '+6281234567890', location: { district: districts[0] }, anonymous: false }) });
    const request = toSubmitRequest((r as any).report, 'web-portal');
    expect(request).toMatchObject({
      source_system: 'web-portal',
      external_id: good.idempotencyKey,
      channel: 'WEB',
      category_hint: 'KEBAKARAN',
      location: { district: 'Tebet' },
    });
  });

  it('names every field at fault, in both languages', () => {
    const r = checkCitizenReport({ ...good, category: 'X', description: 'hi', location: {}, peopleInjured: -1, phone: '12ab' }, districts) as any;
    expect(r.violations.map((v: any) => v.field)).toEqual(['category', 'description', 'location', 'peopleInjured', 'phone']);
    for (const v of r.violations) expect(v.message.id && v.message.en).toBeTruthy();
  });

  it('drops name and phone when anonymous, and refuses a district outside the jurisdiction', () => {
    const r = checkCitizenReport({ ...good, anonymous: true }, districts) as any;
    expect(r.report).toMatchObject({ anonymous: true, name: undefined, phone: undefined });
    expect(toSubmitRequest(r.report, 'web-portal').reporter).toEqual({ name: '', phone: '', anonymous: true });
    expect((checkCitizenReport({ ...good, location: { district: 'GOTHAM' } }, districts) as any).violations[0].field).toBe('location.district');
  });

  it('normalises Indonesian phone numbers', () => {
    expect(normalisePhone('0812 3456 7890')).toBe('+6281234567890');
    expect(normalisePhone('62 812 3456 7890')).toBe('+6281234567890');
    expect(normalisePhone('+62 (812) 3456-7890')).toBe('+6281234567890');
  });

  it('shows a status without the report id, in the language asked', () => {
    const s = toCitizenStatus(
      {
        report_id: 'secret-id',
        tracking_code: '7KQ2M-94XHD',
        state: 'IN_TRIAGE',
        final: false,
        received_at: { seconds: '1700000000', nanos: 0 },
        timeline: [{ state: 'IN_TRIAGE', at: { seconds: '1700000060', nanos: 0 }, message: 'Laporan Anda sedang diperiksa petugas.' }],
      },
      'en',
    );
    expect(JSON.stringify(s)).not.toContain('secret-id');
    expect(s.timeline[0]).toEqual({ state: 'IN_TRIAGE', at: '2023-11-14T22:14:20.000Z', message: 'An officer is reviewing your report.' });
    expect(messageIn('Petugas telah memberikan saran; tidak perlu pengiriman unit. Saran: Hubungi RT', 'en')).toMatch(/Advice: Hubungi RT$/);
  });
});
