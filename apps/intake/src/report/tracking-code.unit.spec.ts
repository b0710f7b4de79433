import { formatTrackingCode, normalizeTrackingCode } from './tracking-code';

describe('tracking codes', () => {
  it('uses Crockford base32 in two groups of five', () => {
    expect(formatTrackingCode([7, 19, 23, 2, 20, 9, 4, 29, 17, 13])).toBe('7KQ2M-94XHD');
    expect(formatTrackingCode(Array(10).fill(31))).toBe('ZZZZZ-ZZZZZ');
  });

  it('never uses the letters people confuse with digits or each other', () => {
    const all = formatTrackingCode([...Array(10).keys()].map((i) => i + 18)) + formatTrackingCode([...Array(10).keys()].map((i) => i + 8));
    expect(all).not.toMatch(/[ILOU]/);
  });

  it('refuses values outside the alphabet', () => {
    expect(() => formatTrackingCode([32, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toThrow(RangeError);
    expect(() => formatTrackingCode([1, 2, 3])).toThrow(RangeError);
  });

  it.each([
    ['7KQ2M-94XHD', '7KQ2M-94XHD'],
    ['7kq2m94xhd', '7KQ2M-94XHD'],
    [' 7KQ2M 94XHD ', '7KQ2M-94XHD'],
    ['7KQ2M-94XHO', '7KQ2M-94XH0'],
    ['iKQ2M-94XHL', '1KQ2M-94XH1'],
  ])('reads %j as %j', (input, expected) => {
    expect(normalizeTrackingCode(input)).toBe(expected);
  });

  it.each(['', '7KQ2M-94XH', '7KQ2M-94XHDD', '7KQ2M-94XHU', "'; drop table--"])('rejects %j', (input) => {
    expect(normalizeTrackingCode(input)).toBeNull();
  });
});
