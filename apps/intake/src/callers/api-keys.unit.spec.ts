import { ApiKeys, sha256 } from './api-keys';

describe('calling systems’ API keys', () => {
  const hashed = sha256('hotline-desk-secret-0001').toString('hex');
  const keys = ApiKeys.parse(`mobile-app=mobile-key-aaaaaaaaaa, mobile-app=mobile-key-bbbbbbbbbb,hotline-110=sha256:${hashed}`);

  it('identifies the system a key belongs to', () => {
    expect(keys.identify('mobile-key-aaaaaaaaaa')).toBe('mobile-app');
    expect(keys.identify('hotline-desk-secret-0001')).toBe('hotline-110');
  });

  it('accepts old and new key of one system during a rotation', () => {
    expect(keys.identify('mobile-key-bbbbbbbbbb')).toBe('mobile-app');
  });

  it('knows no missing or unknown key, nor a configured hash used as the key', () => {
    expect(keys.identify(undefined)).toBeNull();
    expect(keys.identify('')).toBeNull();
    expect(keys.identify('mobile-key-aaaaaaaaab')).toBeNull();
    expect(keys.identify(`sha256:${hashed}`)).toBeNull();
  });

  it.each([
    ['', /no calling system/],
    ['mobile-app', /source_system=key/],
    ['=abcdefghijklmnop', /source_system=key/],
    ['Mobile App=abcdefghijklmnop', /bad source system/],
    ['web=short', /at least 16/],
    ['web=sha256:abc', /64 hex/],
  ])('refuses the configuration %j', (config, message) => {
    expect(() => ApiKeys.parse(config)).toThrow(message);
  });

  it('refuses one key for two calling systems, naming both, whether given plain or hashed', () => {
    expect(() => ApiKeys.parse('mobile-app=shared-key-000000001,hotline-110=shared-key-000000001')).toThrow(
      /mobile-app and hotline-110 are configured with the same key/,
    );
    expect(() => ApiKeys.parse(`mobile-app=other-key-0000000001,mobile-app=hotline-desk-secret-0001,hotline-110=sha256:${hashed}`)).toThrow(
      /mobile-app and hotline-110/,
    );
  });

  it('lets one system list the same key twice', () => {
    expect(ApiKeys.parse('mobile-app=mobile-key-aaaaaaaaaa,mobile-app=mobile-key-aaaaaaaaaa').identify('mobile-key-aaaaaaaaaa')).toBe('mobile-app');
  });
});
