/**
 * Tracking codes a citizen can read over the phone: 10 symbols of Crockford base32 (no I, L, O, U),
 * shown as two groups of five, e.g. `7KQ2M-94XHD`. 50 random bits, and each code is reserved before
 * its report is stored (TrackingCodeReservations), so a drawn code that is taken is drawn again.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `randomValues` gives 10 integers in 0..31 (crypto.randomInt in production; fixed in tests). */
export function formatTrackingCode(randomValues: number[]): string {
  if (randomValues.length !== 10 || randomValues.some((v) => !Number.isInteger(v) || v < 0 || v > 31)) {
    throw new RangeError('a tracking code needs 10 values in 0..31');
  }
  const symbols = randomValues.map((v) => ALPHABET[v]).join('');
  return `${symbols.slice(0, 5)}-${symbols.slice(5)}`;
}

/**
 * Reads a code as a person typed or said it: case, spaces and dashes do not matter, and the
 * look-alikes O→0, I/L→1 are accepted. Returns null when it cannot be a tracking code.
 */
export function normalizeTrackingCode(input: string): string | null {
  const cleaned = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (!/^[0-9A-HJKMNP-TV-Z]{10}$/.test(cleaned)) return null;
  return `${cleaned.slice(0, 5)}-${cleaned.slice(5)}`;
}
