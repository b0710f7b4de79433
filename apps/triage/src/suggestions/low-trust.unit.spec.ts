import { lowTrustFlag } from './low-trust';

describe('lowTrustFlag', () => {
  it.each<[number, number, boolean, string | null]>([
    [0, 3, false, null],
    [2, 3, false, null],
    [3, 3, true, "caller's reports were rejected as prank 3 times"],
    [7, 3, true, "caller's reports were rejected as prank 7 times"],
    [0, 1, false, null],
    [1, 1, true, "caller's reports were rejected as prank once"],
    [2, 1, true, "caller's reports were rejected as prank 2 times"],
  ])('%d prank rejections, threshold %d → flagged %s', (prankRejections, threshold, flagged, reason) => {
    expect(lowTrustFlag(prankRejections, threshold)).toEqual({ flagged, prankRejections, reason });
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses threshold %d', (threshold) => {
    expect(() => lowTrustFlag(5, threshold)).toThrow(RangeError);
  });
});
