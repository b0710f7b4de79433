import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnalyticsConfig } from '../../apps/analytics/src/analytics.config';
import { DispatchConfig } from '../../apps/dispatch/src/dispatch.config';
import { IntakeConfig } from '../../apps/intake/src/intake.config';
import { TriageConfig } from '../../apps/triage/src/triage.config';
import {
  developmentTokensAllowed,
  InvalidConfiguration,
  isLoopbackHost,
  KNOWN_DEVELOPMENT_VALUES,
  loadConfig,
  mintDevelopmentToken,
  PlatformConfig,
} from '@callcenter/platform';

const ENV_EXAMPLE = readFileSync(join(__dirname, '../../.env.example'), 'utf8');
/** `KEY=VALUE` lines of .env.example (comments and blank lines skipped). */
const exampleEntries = ENV_EXAMPLE.split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'))
  .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);

/** Secrets good enough for production, and the identity provider it requires. */
const PRODUCTION = {
  NODE_ENV: 'production',
  OIDC_ISSUER: 'https://sso.polres.example.org',
  AUTH_JWT_SECRET: 'Zq3v9W1s7KpL0xY2bN8mR4tU6hJ5cD0e',
  CALLER_REF_KEY: 'Hk2P9s8W3nQ5xV7bZ1mC4rT6yL0dF8gJ',
  PERSONAL_DATA_MASTER_KEY: 'Vn4Xq8Lw2Rt6Yp0Zs3Kd7Gh1Bm5Jc9Fa',
  INTAKE_API_KEYS: `mobile-app=Mb6Qw2Er9Ty4Ui7Op1As3Df5Gh8Jk0Lz,hotline-110=sha256:${'ab'.repeat(32)}`,
};

function problemsOf(cls: new () => object, env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(cls, env);
  } catch (e) {
    if (e instanceof InvalidConfiguration) return e.problems;
    throw e;
  }
  return [];
}

describe('fail closed: configuration', () => {
  it('reads NODE_ENV unset or empty as production', () => {
    expect(new PlatformConfig().NODE_ENV).toBe('production');
    for (const NODE_ENV of [undefined, '']) {
      expect(loadConfig(IntakeConfig, { ...PRODUCTION, NODE_ENV }).NODE_ENV).toBe('production');
      expect(problemsOf(IntakeConfig, { NODE_ENV })).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^OIDC_ISSUER: required in production/),
          expect.stringMatching(/^AUTH_JWT_SECRET: /),
          expect.stringMatching(/^INTAKE_API_KEYS: /),
        ]),
      );
    }
    expect(loadConfig(PlatformConfig, { NODE_ENV: 'development' }).NODE_ENV).toBe('development');
    expect(loadConfig(PlatformConfig, { NODE_ENV: 'test' }).NODE_ENV).toBe('test');
  });

  it('starts in production with real secrets and an identity provider', () => {
    const intake = loadConfig(IntakeConfig, PRODUCTION);
    expect(intake.DEV_AUTH).toBe(false);
    expect([intake.METRICS_ENABLED, intake.DOCS_ENABLED, intake.GRPC_REFLECTION_ENABLED]).toEqual([true, false, false]);
    expect(intake.OIDC_MAX_TOKEN_LIFETIME_SECONDS).toBe(3600);
    for (const cls of [TriageConfig, DispatchConfig, AnalyticsConfig] as (new () => PlatformConfig)[])
      expect(loadConfig(cls, PRODUCTION).NODE_ENV).toBe('production');
  });

  it('names every development default a service started without NODE_ENV would use', () => {
    expect(problemsOf(TriageConfig, {})).toEqual([
      expect.stringMatching(/^OIDC_ISSUER: required in production/),
      'AUTH_JWT_SECRET: the development default may not be used in production',
      'PERSONAL_DATA_MASTER_KEY: the development default may not be used in production',
      'CALLER_REF_KEY: the development default may not be used in production',
    ]);
    expect(problemsOf(DispatchConfig, { OIDC_ISSUER: PRODUCTION.OIDC_ISSUER })).toEqual([
      'AUTH_JWT_SECRET: the development default may not be used in production',
      'PERSONAL_DATA_MASTER_KEY: the development default may not be used in production',
    ]);
  });

  it('keeps every value of .env.example in the list of known development values', () => {
    expect(exampleEntries.length).toBeGreaterThan(10);
    for (const [key, value] of exampleEntries) {
      expect({ key, value, known: KNOWN_DEVELOPMENT_VALUES.includes(value) }).toEqual({ key, value, known: true });
    }
    const keys = exampleEntries
      .find(([key]) => key === 'INTAKE_API_KEYS')![1]
      .split(',')
      .map((pair) => pair.slice(pair.indexOf('=') + 1));
    for (const key of keys) expect(KNOWN_DEVELOPMENT_VALUES).toContain(key);
  });

  it('marks .env.example as development values', () => {
    expect(ENV_EXAMPLE.split('\n')[0]).toMatch(/^#.*DEVELOPMENT/);
    expect(Object.fromEntries(exampleEntries)).toMatchObject({ NODE_ENV: 'development', DEV_AUTH: '1' });
  });

  it('refuses every .env.example value as any secret in production, naming the setting', () => {
    for (const [, value] of exampleEntries) {
      for (const [cls, key] of [
        [PlatformConfig, 'AUTH_JWT_SECRET'],
        [PlatformConfig, 'PERSONAL_DATA_MASTER_KEY'],
        [TriageConfig, 'CALLER_REF_KEY'],
        [IntakeConfig, 'INTAKE_API_KEYS'],
      ] as const) {
        const given = key === 'INTAKE_API_KEYS' && !value.includes('=') ? `mobile-app=${value}` : value;
        const problems = problemsOf(cls, { ...PRODUCTION, [key]: given });
        expect({ key, value, problems }).toEqual({ key, value, problems: [expect.stringMatching(new RegExp(`^${key}\\b`))] });
      }
    }
  });

  it('refuses dev-key-… and …change-me… values and the hash of a development key', () => {
    const secret = 'x'.repeat(40);
    expect(problemsOf(PlatformConfig, { ...PRODUCTION, AUTH_JWT_SECRET: `please-change-me-${secret}` })).toEqual([
      'AUTH_JWT_SECRET: a development or example value may not be used in production',
    ]);
    expect(problemsOf(TriageConfig, { ...PRODUCTION, CALLER_REF_KEY: `dev-key-${secret}` })).toEqual([
      'CALLER_REF_KEY: a development or example value may not be used in production',
    ]);
    expect(problemsOf(IntakeConfig, { ...PRODUCTION, INTAKE_API_KEYS: `${PRODUCTION.INTAKE_API_KEYS},sms=dev-key-${secret}` })).toEqual([
      'INTAKE_API_KEYS (sms): a development or example value may not be used in production',
    ]);
    const { createHash } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const hashed = createHash('sha256').update('dev-key-mobile-app-0001').digest('hex');
    expect(problemsOf(IntakeConfig, { ...PRODUCTION, INTAKE_API_KEYS: `mobile-app=sha256:${hashed}` })).toEqual([
      'INTAKE_API_KEYS (mobile-app): the hash of a development or example key may not be used in production',
    ]);
  });

  it('refuses secrets shorter than 32 bytes in production, and only there', () => {
    const short = 'k'.repeat(31);
    expect(problemsOf(PlatformConfig, { ...PRODUCTION, AUTH_JWT_SECRET: short })).toEqual(['AUTH_JWT_SECRET: must be at least 32 bytes in production']);
    expect(problemsOf(TriageConfig, { ...PRODUCTION, CALLER_REF_KEY: short })).toEqual(['CALLER_REF_KEY: must be at least 32 bytes in production']);
    expect(problemsOf(PlatformConfig, { ...PRODUCTION, PERSONAL_DATA_MASTER_KEY: short })).toEqual([
      'PERSONAL_DATA_MASTER_KEY: must be at least 32 bytes in production',
    ]);
    expect(problemsOf(IntakeConfig, { ...PRODUCTION, INTAKE_API_KEYS: `mobile-app=${short},web=${'w'.repeat(32)}` })).toEqual([
      'INTAKE_API_KEYS (mobile-app): must be at least 32 bytes in production',
    ]);
    // bytes, not characters: 16 two-byte characters are 32 bytes
    expect(problemsOf(PlatformConfig, { ...PRODUCTION, AUTH_JWT_SECRET: 'é'.repeat(16) })).toEqual([]);
    expect(problemsOf(TriageConfig, { NODE_ENV: 'development', CALLER_REF_KEY: 'k'.repeat(16) })).toEqual([]);
  });

  it('refuses DEV_AUTH in production and on a non-loopback HTTP_HOST, naming DEV_AUTH', () => {
    expect(problemsOf(IntakeConfig, { ...PRODUCTION, DEV_AUTH: '1' })).toEqual([expect.stringMatching(/^DEV_AUTH: .*production/)]);
    expect(problemsOf(IntakeConfig, { ...PRODUCTION, NODE_ENV: undefined, DEV_AUTH: 'true' })).toEqual([expect.stringMatching(/^DEV_AUTH: .*production/)]);
    for (const HTTP_HOST of ['0.0.0.0', '10.1.2.3', '::', 'example.org', '128.0.0.1']) {
      expect(problemsOf(PlatformConfig, { NODE_ENV: 'development', DEV_AUTH: '1', HTTP_HOST })).toEqual([
        expect.stringMatching(/^DEV_AUTH: .*loopback HTTP_HOST/),
      ]);
    }
    for (const HTTP_HOST of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', 'LOCALHOST']) {
      const config = loadConfig(PlatformConfig, { NODE_ENV: 'test', DEV_AUTH: '1', HTTP_HOST });
      expect(config.DEV_AUTH).toBe(true);
      expect(developmentTokensAllowed(config)).toBe(true);
    }
    expect(problemsOf(PlatformConfig, { NODE_ENV: 'development', DEV_AUTH: 'yes' })).toEqual([expect.stringMatching(/^DEV_AUTH=/)]);
    expect(isLoopbackHost('127.256.0.1')).toBe(false);
  });

  it('allows development tokens only with DEV_AUTH, outside production, on loopback', () => {
    const base = { NODE_ENV: 'development' as const, DEV_AUTH: true, HTTP_HOST: '127.0.0.1', AUTH_JWT_SECRET: 'unit-test-secret-0123456789' };
    expect(mintDevelopmentToken(base, { sub: 'op-budi', roles: ['operator'] })).toMatch(/^ey/);
    const development = loadConfig(PlatformConfig, { NODE_ENV: 'development' });
    expect(developmentTokensAllowed(development)).toBe(false);
    expect(() => mintDevelopmentToken(development, { sub: 'op-budi', roles: ['operator'] })).toThrow(/DEV_AUTH=1/);
    expect(() => mintDevelopmentToken({ ...base, HTTP_HOST: '0.0.0.0' }, { sub: 'op-budi', roles: ['operator'] })).toThrow(/HTTP_HOST/);
    expect(() => mintDevelopmentToken({ ...base, NODE_ENV: 'production' }, { sub: 'op-budi', roles: ['operator'] })).toThrow(/NODE_ENV=production/);
  });

  it('switches metrics, docs and gRPC reflection', () => {
    const development = loadConfig(IntakeConfig, { NODE_ENV: 'development' });
    expect([development.METRICS_ENABLED, development.DOCS_ENABLED, development.GRPC_REFLECTION_ENABLED]).toEqual([true, true, true]);
    const off = loadConfig(IntakeConfig, { NODE_ENV: 'test', METRICS_ENABLED: 'false', DOCS_ENABLED: '0', GRPC_REFLECTION_ENABLED: 'false' });
    expect([off.METRICS_ENABLED, off.DOCS_ENABLED, off.GRPC_REFLECTION_ENABLED]).toEqual([false, false, false]);
    const on = loadConfig(IntakeConfig, { ...PRODUCTION, DOCS_ENABLED: 'true', GRPC_REFLECTION_ENABLED: '1' });
    expect([on.DOCS_ENABLED, on.GRPC_REFLECTION_ENABLED]).toEqual([true, true]);
    expect(problemsOf(IntakeConfig, { NODE_ENV: 'test', DOCS_ENABLED: 'maybe' })).toEqual([expect.stringMatching(/^DOCS_ENABLED=.*DOCS_ENABLED must be/)]);
  });

  it('checks OIDC_ISSUER is a URL and bounds the token lifetime', () => {
    expect(problemsOf(PlatformConfig, { NODE_ENV: 'test', OIDC_ISSUER: 'sso.example.org' })).toEqual([expect.stringMatching(/^OIDC_ISSUER=/)]);
    expect(problemsOf(PlatformConfig, { NODE_ENV: 'test', OIDC_MAX_TOKEN_LIFETIME_SECONDS: '10' })).toEqual([
      expect.stringMatching(/^OIDC_MAX_TOKEN_LIFETIME_SECONDS=/),
    ]);
  });
});
