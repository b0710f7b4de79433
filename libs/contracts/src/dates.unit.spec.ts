import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { StatsQueryDto } from './analytics/analytics.dto';
import { parseStrictIsoTime } from './dates';

describe('parseStrictIsoTime', () => {
  it.each([
    ['2026-11-28T00:00:00+07:00', '2026-11-27T17:00:00.000Z'],
    ['2026-11-28T10:15Z', '2026-11-28T10:15:00.000Z'],
    ['2026-02-28T23:59:59.999Z', '2026-02-28T23:59:59.999Z'],
    ['2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'],
    ['2026-12-31T23:00:00-05:00', '2027-01-01T04:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseStrictIsoTime(text)?.toISOString()).toBe(iso);
  });

  it.each([
    '2026-02-31T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-01-00T00:00:00Z',
    '2026-02-28T24:00:00Z',
    '2026-02-28T23:60:00Z',
    '2026-02-28T23:59:60Z',
    '2026-02-28T10:00:00+15:00',
    '2026-02-28T10:00:00+07:60',
    '2026-02-28',
    '2026-02-28T10:00:00',
    '28/02/2026',
  ])('refuses %s', (text) => {
    expect(parseStrictIsoTime(text)).toBeNull();
  });
});

describe('StatsQueryDto dates', () => {
  const violations = (query: Record<string, unknown>) => validateSync(plainToInstance(StatsQueryDto, query)).map((e) => e.property);

  it('refuses an impossible date rather than rolling it over', () => {
    expect(violations({ from: '2026-02-31T00:00:00+07:00' })).toEqual(['from']);
    expect(violations({ to: '2026-11-31T00:00:00Z' })).toEqual(['to']);
  });

  it('takes a real one', () => {
    expect(violations({ from: '2026-02-28T00:00:00+07:00', to: '2026-03-01T00:00:00+07:00' })).toEqual([]);
  });
});
