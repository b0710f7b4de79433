import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { OIDC_DEMO_PASSWORD, OIDC_RESOURCES, oidcSignIn, testInfra, testOidcIssuer, uniqueDbName } from '@callcenter/testing';

/**
 * The built services (npm run build) as an operator would start them: with NODE_ENV unset. They
 * must not start on development settings, and with real ones they must serve no development tokens.
 */
const ROOT = join(__dirname, '../../..');
const SERVICES = ['intake', 'triage', 'dispatch', 'analytics'] as const;
type Service = (typeof SERVICES)[number];

/** A protected route of each service, a role it accepts and a demo user of the provider's realm who holds it (intake's HTTP side has none). */
const PROTECTED: Record<Exclude<Service, 'intake'>, { path: string; role: string; user: string }> = {
  triage: { path: '/api/v1/queue', role: 'operator', user: 'op-budi' },
  dispatch: { path: '/api/v1/incidents', role: 'dispatcher', user: 'dsp-andi' },
  analytics: { path: '/api/v1/admin/rebuild', role: 'admin', user: 'adm-eko' },
};

/** The environment of this process without any setting of the services, and without NODE_ENV. */
function cleanEnvironment(): Record<string, string> {
  const settings =
    /^(NODE_ENV|DEV_AUTH|OIDC_|AUTH_JWT_SECRET|CALLER_REF_KEY|PERSONAL_DATA_|INTAKE_|TRIAGE_|DISPATCH_|ANALYTICS_|HTTP_HOST|METRICS_|DOCS_|GRPC_)/;
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => !settings.test(e[0]) && e[1] !== undefined));
}

let port = 23_400 + Math.floor(Math.random() * 400) * 10;
const nextPort = () => port++;

function launch(service: Service, env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps', service, 'src/main.js')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

const children = new Set<ChildProcess>();
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
});

describe('a service started without NODE_ENV', () => {
  it.each(SERVICES)('%s refuses the development settings and exits non-zero, naming them', async (service) => {
    const started = launch(service, {
      ...cleanEnvironment(),
      [`${service.toUpperCase()}_HTTP_PORT`]: String(nextPort()),
      INTAKE_GRPC_PORT: String(nextPort()),
    });
    children.add(started.child);
    const code = await Promise.race([started.exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 30_000))]);
    children.delete(started.child);
    if (code === 'running') started.child.kill('SIGKILL');
    expect(code).not.toBe('running');
    expect(code).not.toBe(0);
    const named = [
      'OIDC_ISSUER',
      'AUTH_JWT_SECRET',
      'PERSONAL_DATA_MASTER_KEY',
      ...(service === 'intake' ? ['INTAKE_API_KEYS'] : []),
      ...(service === 'triage' ? ['CALLER_REF_KEY'] : []),
    ];
    for (const setting of named) expect(started.output()).toContain(`${setting}:`);
    expect(started.output()).toMatch(/failed to start: invalid configuration/);
  });
});

describe('a service started without NODE_ENV but with production settings (the real identity provider)', () => {
  const issuer = testOidcIssuer();
  const secret = randomBytes(32).toString('base64url');
  const prefix = uniqueDbName('failclosed');

  it.each(SERVICES)('%s serves no /dev/tokens, no docs, and refuses an HS256 token signed with its AUTH_JWT_SECRET', async (service) => {
    const httpPort = nextPort();
    const infra = testInfra();
    const started = launch(service, {
      ...cleanEnvironment(),
      LOG_LEVEL: 'warn',
      KAFKA_BROKERS: infra.brokers.join(','),
      MONGODB_URI: infra.mongoUri,
      MONGODB_DB_PREFIX: prefix,
      [`${service.toUpperCase()}_HTTP_PORT`]: String(httpPort),
      INTAKE_GRPC_PORT: String(nextPort()),
      OIDC_ISSUER: issuer,
      AUTH_JWT_SECRET: secret,
      CALLER_REF_KEY: randomBytes(32).toString('base64url'),
      PERSONAL_DATA_MASTER_KEY: randomBytes(32).toString('base64url'),
      INTAKE_API_KEYS: `mobile-app=${randomBytes(32).toString('base64url')}`,
    });
    children.add(started.child);
    const url = `http://127.0.0.1:${httpPort}`;
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (started.child.exitCode !== null) throw new Error(`${service} exited during start-up:\n${started.output()}`);
        const ready = await fetch(`${url}/health/ready`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ready) break;
        if (Date.now() > deadline) throw new Error(`${service} not ready after 60 s:\n${started.output()}`);
        await new Promise((r) => setTimeout(r, 200));
      }

      const devTokens = await fetch(`${url}/dev/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sub: 'op-budi', roles: ['admin'] }),
      });
      expect(devTokens.status).toBe(404);
      expect((await fetch(`${url}/docs-json`)).status).toBe(404);
      expect((await fetch(`${url}/metrics`)).status).toBe(200);
      if (service === 'intake') return;

      const { path, role, user } = PROTECTED[service];
      const hs256 = new JwtService({ secret }).sign({ sub: 'op-budi', roles: [role] }, { issuer: 'polres-callcenter', expiresIn: 60 });
      const refused = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${hs256}` } });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(await refused.json()).toEqual({ code: 'UNAUTHENTICATED', message: expect.stringMatching(/invalid bearer token/) });

      // The provider's token for this service, as a person signing in gets it, is what gets in; its token for another service is not.
      const resources = [OIDC_RESOURCES[service], OIDC_RESOURCES.intake];
      const { accessTokens } = await oidcSignIn({ issuer, username: user, password: OIDC_DEMO_PASSWORD, resources });
      const accepted = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${accessTokens[OIDC_RESOURCES[service]]}` } });
      expect(accepted.status).toBe(200);
      const elsewhere = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${accessTokens[OIDC_RESOURCES.intake]}` } });
      expect(elsewhere.status).toBe(401);
    } finally {
      started.child.kill('SIGTERM');
      await Promise.race([started.exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (started.child.exitCode === null) started.child.kill('SIGKILL');
      children.delete(started.child);
    }
  });
});
