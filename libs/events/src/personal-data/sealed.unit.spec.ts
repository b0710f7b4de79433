import { deriveMasterKeys, isSealed, newDataKey, phoneLookupRef, seal, sealedKeyId, unseal, unwrapDataKey, wrapDataKey } from './sealed';

const reportId = '0f8a3c2e-6b1d-4c55-9e0a-2d7b1f3a9c44';

describe('sealing personal data (AES-256-GCM per report)', () => {
  it('opens what it sealed, and the sealed string names its key but not the text', () => {
    const key = newDataKey();
    const sealed = seal(key, reportId, 'Budi Santoso, Jl. Melati 7');
    expect(isSealed(sealed)).toBe(true);
    expect(sealedKeyId(sealed)).toBe(reportId);
    expect(sealed).not.toContain('Budi');
    expect(unseal(key, sealed)).toBe('Budi Santoso, Jl. Melati 7');
  });

  it('seals the same text differently each time (a fresh IV), and the empty string too', () => {
    const key = newDataKey();
    expect(seal(key, reportId, 'x')).not.toBe(seal(key, reportId, 'x'));
    expect(unseal(key, seal(key, reportId, ''))).toBe('');
  });

  it('refuses another key, an altered ciphertext and a value moved to another report', () => {
    const key = newDataKey();
    const sealed = seal(key, reportId, 'rahasia');
    expect(() => unseal(newDataKey(), sealed)).toThrow();
    const [p, id, iv, ct, tag] = sealed.split(':');
    const flipped = Buffer.from(ct, 'base64url');
    flipped[0] ^= 1;
    expect(() => unseal(key, [p, id, iv, flipped.toString('base64url'), tag].join(':'))).toThrow();
    expect(() => unseal(key, [p, 'another-report', iv, ct, tag].join(':'))).toThrow();
  });

  it('tells plaintext of older events from sealed values', () => {
    expect(isSealed('Kebakaran di pasar')).toBe(false);
    expect(isSealed('pd1: not really')).toBe(false);
    expect(isSealed(null)).toBe(false);
  });

  it('wraps a data key with the master key, which only the same master key unwraps, for that report only', () => {
    const master = deriveMasterKeys('a-master-secret-of-at-least-32-bytes!!');
    const dataKey = newDataKey();
    const wrapped = wrapDataKey(master, reportId, dataKey);
    expect(unwrapDataKey(master, reportId, wrapped).equals(dataKey)).toBe(true);
    expect(() => unwrapDataKey(deriveMasterKeys('another-master-secret-of-32-bytes!!!'), reportId, wrapped)).toThrow();
    expect(() => unwrapDataKey(master, 'another-report', wrapped)).toThrow();
  });

  it('finds a phone number by a keyed reference, whatever its spacing, without storing it', () => {
    const master = deriveMasterKeys('a-master-secret-of-at-least-32-bytes!!');
    const ref = phoneLookupRef(master, '+62 812-3456-7890');
    expect(ref).toBe(phoneLookupRef(master, '+6281234567890'));
    expect(ref).not.toContain('812');
    expect(ref).not.toBe(phoneLookupRef(deriveMasterKeys('another-master-secret-of-32-bytes!!!'), '+6281234567890'));
  });
});
