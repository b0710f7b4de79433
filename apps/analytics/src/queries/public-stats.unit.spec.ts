import { HIDDEN, monthBounds, monthOf, monthsBetween, SMALL, suppressTable } from './public-stats';

describe('public statistics (pure)', () => {
  it('publishes 0 and 5 or more as they are and 1..4 as "< 5"', () => {
    expect(suppressTable({ A: 0, B: 5, C: 4, D: 1, E: 12 }, ['A', 'B', 'C', 'D', 'E'])).toEqual({ A: 0, B: 5, C: SMALL, D: SMALL, E: 12 });
  });

  it('hides the smallest published cell too when one small cell alone could be worked out from the total', () => {
    expect(suppressTable({ A: 3, B: 9, C: 7, D: 0 }, ['A', 'B', 'C', 'D'])).toEqual({ A: SMALL, B: 9, C: HIDDEN, D: 0 });
    expect(suppressTable({ A: 3 }, ['A', 'B'])).toEqual({ A: SMALL, B: 0 });
  });

  it('gives every key a cell, counting missing keys as 0', () => {
    expect(suppressTable({}, ['X', 'Y'])).toEqual({ X: 0, Y: 0 });
  });

  it('reads months in Asia/Jakarta', () => {
    expect(monthBounds('2026-12')).toEqual({ from: new Date('2026-11-30T17:00:00Z'), to: new Date('2026-12-31T17:00:00Z') });
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthOf(new Date('2026-11-30T17:30:00Z'))).toBe('2026-12');
  });
});
