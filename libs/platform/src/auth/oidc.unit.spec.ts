import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { HttpErrorsFilter } from '../http-errors.filter';
import { Actor, AuthConfig, AuthenticatedUser, AuthModule, mintDevelopmentToken, Roles, TOKEN_ISSUER } from '.';

@Controller('cases')
class CasesController {
  @Get()
  @Roles('operator', 'unit')
  list(@Actor() actor: AuthenticatedUser) {
    return actor;
  }

  @Get('admin')
  @Roles('admin')
  admin() {
    return { ok: true };
  }
}

/** A minimal OpenID provider: discovery and JWKS documents on a real port, nothing else. */
async function startProvider() {
  const keys: JWK[] = [];
  let failures = 0;
  let discoveries = 0;
  const server: Server = createServer((request, response) => {
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (request.url === '/.well-known/openid-configuration') {
      discoveries++;
      if (failures > 0) {
        failures--;
        response.writeHead(503).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    } else if (request.url === '/jwks') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    keys,
    failNext: (n: number) => (failures = n),
    discoveries: () => discoveries,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function startApp(config: AuthConfig): Promise<{ app: INestApplication; url: string }> {
  @Module({ imports: [AuthModule.forRoot(config)], controllers: [CasesController] })
  class TestModule {}
  const app = await NestFactory.create(TestModule, { logger: false });
  app.useGlobalFilters(new HttpErrorsFilter());
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl() };
}

const AUDIENCE = 'urn:callcenter:triage';
const SECRET = 'unit-test-secret-0123456789';
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

describe('access tokens of the identity provider (OIDC_ISSUER, verified by JWKS)', () => {
  let provider: Awaited<ReturnType<typeof startProvider>>;
  let app: INestApplication;
  let url: string;
  let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
  let ec: Awaited<ReturnType<typeof generateKeyPair>>;
  let stranger: Awaited<ReturnType<typeof generateKeyPair>>;
  let config: AuthConfig;

  /** A token as the provider issues it; `claims` override (undefined removes one). */
  async function token(claims: Record<string, unknown> = {}, header: { alg?: string; kid?: string } = {}, key = rsa.privateKey) {
    const all: Record<string, unknown> = {
      sub: 'op-budi',
      name: 'Budi',
      roles: ['operator'],
      iss: provider.issuer,
      aud: AUDIENCE,
      iat: now(),
      exp: now() + 300,
      ...claims,
    };
    for (const name of Object.keys(all)) if (all[name] === undefined) delete all[name];
    return new SignJWT(all).setProtectedHeader({ alg: header.alg ?? 'RS256', kid: header.kid ?? 'rsa-1', typ: 'at+jwt' }).sign(key);
  }

  const get = (path: string, bearer?: string, base = url) => fetch(`${base}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

  async function expectUnauthenticated(response: Response, message: RegExp) {
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await response.json()).toEqual({ code: 'UNAUTHENTICATED', message: expect.stringMatching(message) });
  }

  beforeAll(async () => {
    provider = await startProvider();
    rsa = await generateKeyPair('RS256');
    ec = await generateKeyPair('ES256');
    stranger = await generateKeyPair('RS256');
    provider.keys.push({ ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' });
    provider.keys.push({ ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' });
    config = {
      NODE_ENV: 'production',
      DEV_AUTH: false,
      HTTP_HOST: '127.0.0.1',
      AUTH_JWT_SECRET: SECRET,
      OIDC_ISSUER: provider.issuer,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_MAX_TOKEN_LIFETIME_SECONDS: 3600,
    };
    ({ app, url } = await startApp(config));
  });

  afterAll(async () => {
    await app?.close();
    await provider?.close();
  });

  it('accepts a good token, with the roles, name and actor it carries', async () => {
    const response = await get('/cases', await token());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 'op-budi', name: 'Budi', roles: ['operator'] });
    const unit = await get(
      '/cases',
      await token({ sub: 'unit:PATROL-01', name: undefined, roles: ['unit', 'elsewhere-role'] }, { alg: 'ES256', kid: 'ec-1' }, ec.privateKey),
    );
    expect(await unit.json()).toEqual({ id: 'unit:PATROL-01', name: null, roles: ['unit'] });
  });

  it('answers 403 when the good token lacks the role', async () => {
    const response = await get('/cases/admin', await token());
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ code: 'FORBIDDEN', message: 'requires one of the roles: admin' });
  });

  it('refuses a token for another audience', async () => {
    await expectUnauthenticated(await get('/cases', await token({ aud: 'urn:callcenter:dispatch' })), /invalid bearer token: .*"aud"/);
  });

  it('refuses a token of another issuer', async () => {
    await expectUnauthenticated(await get('/cases', await token({ iss: 'http://127.0.0.1:9' })), /invalid bearer token: .*"iss"/);
  });

  it('refuses an expired token', async () => {
    await expectUnauthenticated(await get('/cases', await token({ iat: now() - 600, exp: now() - 60 })), /^the bearer token has expired$/);
  });

  it('refuses a token that lives longer than OIDC_MAX_TOKEN_LIFETIME_SECONDS, or has no iat', async () => {
    await expectUnauthenticated(await get('/cases', await token({ exp: now() + 3601 })), /lifetime \(3601 s\) exceeds OIDC_MAX_TOKEN_LIFETIME_SECONDS/);
    await expectUnauthenticated(await get('/cases', await token({ iat: undefined })), /invalid bearer token: .*"iat"/);
  });

  it('refuses a token without exp', async () => {
    await expectUnauthenticated(await get('/cases', await token({ exp: undefined })), /invalid bearer token: .*"exp"/);
  });

  it('refuses an HS256 token signed with AUTH_JWT_SECRET when development tokens are off', async () => {
    const hs256 = new JwtService({ secret: SECRET }).sign({ sub: 'op-budi', roles: ['admin'] }, { issuer: TOKEN_ISSUER, expiresIn: 60 });
    await expectUnauthenticated(await get('/cases', hs256), /invalid bearer token: tokens signed with "HS256" are not accepted/);
    // the same claims with the provider's issuer and audience do not help either
    const dressed = new JwtService({ secret: SECRET }).sign(
      { sub: 'op-budi', roles: ['admin'], aud: AUDIENCE, iat: now() },
      { issuer: provider.issuer, expiresIn: 60 },
    );
    await expectUnauthenticated(await get('/cases', dressed), /invalid bearer token/);
  });

  it('refuses an unsigned (alg: none) token', async () => {
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'op-budi', roles: ['operator'], iss: provider.issuer, aud: AUDIENCE, iat: now(), exp: now() + 60 })}.`;
    await expectUnauthenticated(await get('/cases', unsigned), /invalid bearer token: tokens signed with "none"/);
  });

  it('refuses a token whose key the provider does not publish, or a forged signature', async () => {
    await expectUnauthenticated(
      await get('/cases', await token({}, { kid: 'unknown-kid' }, stranger.privateKey)),
      /invalid bearer token: no key of the identity provider matches/,
    );
    await expectUnauthenticated(
      await get('/cases', await token({}, { kid: 'rsa-1' }, stranger.privateKey)),
      /invalid bearer token: signature verification failed/,
    );
  });

  it('refuses a token of another algorithm, and a malformed one', async () => {
    const { privateKey } = await generateKeyPair('PS256');
    await expectUnauthenticated(await get('/cases', await token({}, { alg: 'PS256' }, privateKey)), /"PS256" are not accepted/);
    await expectUnauthenticated(await get('/cases', 'not-a-jwt'), /invalid bearer token/);
  });

  it('keeps the challenge when no token is sent', async () => {
    const response = await get('/cases');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toEqual({ code: 'UNAUTHENTICATED', message: 'a bearer token is required' });
  });

  it('starts while the provider is down, answers 503, and discovers it once it is back', async () => {
    const down = await startApp({ ...config, OIDC_ISSUER: 'http://127.0.0.1:1' });
    try {
      const response = await get('/cases', await token(), down.url);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ code: 'AUTH_UNAVAILABLE', message: expect.stringMatching(/identity provider/) });
    } finally {
      await down.app.close();
    }

    provider.failNext(1000);
    const flaky = await startApp(config);
    try {
      expect((await get('/cases', await token(), flaky.url)).status).toBe(503);
      provider.failNext(0);
      await new Promise((r) => setTimeout(r, 1_100)); // a failed discovery is retried after a second
      expect((await get('/cases', await token(), flaky.url)).status).toBe(200);
      const discoveries = provider.discoveries();
      expect((await get('/cases', await token(), flaky.url)).status).toBe(200);
      expect(provider.discoveries()).toBe(discoveries);
    } finally {
      await flaky.app.close();
    }
  });

  it("accepts development tokens beside the provider's only with DEV_AUTH", async () => {
    const development = { ...config, NODE_ENV: 'test' as const, DEV_AUTH: true };
    const both = await startApp(development);
    try {
      const devToken = mintDevelopmentToken(development, { sub: 'op-dev', roles: ['operator'] });
      expect(await (await get('/cases', devToken, both.url)).json()).toMatchObject({ id: 'op-dev' });
      expect((await get('/cases', await token(), both.url)).status).toBe(200);
      expect((await fetch(`${both.url}/dev/tokens`, { method: 'POST' })).status).not.toBe(404);
      // the endpoint is absent without DEV_AUTH
      expect((await fetch(`${url}/dev/tokens`, { method: 'POST' })).status).toBe(404);
    } finally {
      await both.app.close();
    }
  });
});
