import { Controller, Get, INestApplication, Module, Post, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { HttpErrorsFilter, validationExceptionFactory } from '../http-errors.filter';
import { AuthConfig, AuthenticatedUser, AuthModule, mintDevelopmentToken, Roles, Actor, TOKEN_ISSUER } from '.';

const config: AuthConfig = { NODE_ENV: 'test', DEV_AUTH: true, HTTP_HOST: '127.0.0.1', AUTH_JWT_SECRET: 'unit-test-secret-0123456789' };

@Roles('operator')
@Controller('cases')
class CasesController {
  @Get()
  list(@Actor() actor: AuthenticatedUser) {
    return { actor: actor.id };
  }

  @Post('close')
  @Roles('supervisor')
  close(@Actor() actor: AuthenticatedUser) {
    return { closed_by: actor.id, name: actor.name, roles: actor.roles };
  }
}

@Controller('public')
class PublicController {
  @Get()
  hello() {
    return { ok: true };
  }

  @Get('whoami')
  whoami(@Actor() actor: AuthenticatedUser) {
    return { actor: actor.id };
  }
}

/**
 * Started as bootstrapService starts a service, so error bodies are the production ones
 * (NestFactory rather than @nestjs/testing, which this repository does not install).
 */
async function start(authConfig: AuthConfig): Promise<{ app: INestApplication; url: string }> {
  @Module({ imports: [AuthModule.forRoot(authConfig)], controllers: [CasesController, PublicController] })
  class TestModule {}
  const app = await NestFactory.create(TestModule, { logger: false });
  app.useGlobalFilters(new HttpErrorsFilter());
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, exceptionFactory: validationExceptionFactory }));
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl() };
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const inAMinute = () => Math.floor(Date.now() / 1000) + 60;

describe('authentication and roles', () => {
  let app: INestApplication;
  let url: string;
  const signer = new JwtService({ secret: config.AUTH_JWT_SECRET, signOptions: { issuer: TOKEN_ISSUER, algorithm: 'HS256' } });
  const token = (roles: string[], sub = 'op-budi') => signer.sign({ sub, roles, name: 'Budi' }, { expiresIn: 60 });

  const call = (path: string, init: { method?: string; token?: string; authorization?: string; body?: unknown } = {}) =>
    fetch(`${url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.authorization ? { authorization: init.authorization } : {}),
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });

  async function expectUnauthenticated(response: Response, message: RegExp) {
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    const body = await response.json();
    expect(body).toEqual({ code: 'UNAUTHENTICATED', message: expect.stringMatching(message) });
  }

  beforeAll(async () => {
    ({ app, url } = await start(config));
  });

  afterAll(async () => {
    await app?.close();
  });

  it('refuses a protected route without a token', async () => {
    const response = await call('/cases');
    await expectUnauthenticated(response, /bearer token is required/);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('refuses a malformed Authorization header', async () => {
    await expectUnauthenticated(await call('/cases', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }), /Bearer <token>/);
    await expectUnauthenticated(await call('/cases', { authorization: 'Bearer' }), /Bearer <token>/);
    await expectUnauthenticated(await call('/cases', { authorization: 'Bearer not-a-jwt' }), /invalid bearer token/);
  });

  it('refuses a token signed with another secret', async () => {
    const forged = new JwtService({ secret: 'some-other-secret-0123456789' }).sign(
      { sub: 'op-budi', roles: ['operator'] },
      { issuer: TOKEN_ISSUER, expiresIn: 60 },
    );
    const response = await call('/cases', { token: forged });
    await expectUnauthenticated(response, /invalid signature/);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('refuses an expired token', async () => {
    const expired = signer.sign({ sub: 'op-budi', roles: ['operator'], exp: Math.floor(Date.now() / 1000) - 5 });
    await expectUnauthenticated(await call('/cases', { token: expired }), /expired/);
  });

  it('refuses an unsigned (alg: none) token', async () => {
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'op-budi', roles: ['supervisor'], iss: TOKEN_ISSUER, exp: inAMinute() })}.`;
    await expectUnauthenticated(await call('/cases/close', { method: 'POST', token: unsigned }), /invalid bearer token/);
  });

  it('refuses a token of another issuer, or without expiry or subject', async () => {
    const foreign = new JwtService({ secret: config.AUTH_JWT_SECRET }).sign({ sub: 'op-budi', roles: ['operator'] }, { issuer: 'elsewhere', expiresIn: 60 });
    await expectUnauthenticated(await call('/cases', { token: foreign }), /issuer invalid/);
    const eternal = signer.sign({ sub: 'op-budi', roles: ['operator'] });
    await expectUnauthenticated(await call('/cases', { token: eternal }), /no expiry/);
    const nobody = signer.sign({ roles: ['operator'] }, { expiresIn: 60 });
    await expectUnauthenticated(await call('/cases', { token: nobody }), /names no subject/);
  });

  it('answers 403 naming the roles when the user lacks them', async () => {
    const response = await call('/cases/close', { method: 'POST', token: token(['operator']) });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ code: 'FORBIDDEN', message: 'requires one of the roles: supervisor' });
    // The handler's roles replace the controller's, they do not add to them.
    expect((await call('/cases', { token: token(['supervisor']) })).status).toBe(403);
  });

  it('ignores unknown roles, so a token with none known is forbidden', async () => {
    expect((await call('/cases', { token: token(['janitor', 'root']) })).status).toBe(403);
    expect((await call('/cases', { token: token(['janitor', 'operator']) })).status).toBe(200);
  });

  it('lets the right role through and hands the handler its user as the actor', async () => {
    const response = await call('/cases/close', { method: 'POST', token: token(['supervisor', 'janitor'], 'sup-sari') });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ closed_by: 'sup-sari', name: 'Budi', roles: ['supervisor'] });
    expect(await (await call('/cases', { authorization: `bearer ${token(['operator'])}` })).json()).toEqual({ actor: 'op-budi' });
  });

  it('leaves routes without @Roles public', async () => {
    const response = await call('/public');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('answers 401 rather than act for nobody when a public route asks for the actor', async () => {
    await expectUnauthenticated(await call('/public/whoami', { token: token(['operator']) }), /bearer token is required/);
  });

  it('mints working development tokens in test', async () => {
    const before = Date.now();
    const minted = await call('/dev/tokens', { method: 'POST', body: { sub: 'unit:PATROL-01', roles: ['unit', 'supervisor'], ttl_seconds: 600 } });
    expect(minted.status).toBe(201);
    const { token: devToken, expires_at } = (await minted.json()) as { token: string; expires_at: string };
    expect(Date.parse(expires_at) - before).toBeGreaterThan(590_000);
    expect(Date.parse(expires_at) - before).toBeLessThanOrEqual(601_000);
    expect(await (await call('/cases/close', { method: 'POST', token: devToken })).json()).toMatchObject({ closed_by: 'unit:PATROL-01' });

    const fromFunction = mintDevelopmentToken(config, { sub: 'op-budi', roles: ['operator'] });
    expect((await call('/cases', { token: fromFunction })).status).toBe(200);
    const { exp, iat } = signer.decode(fromFunction);
    expect(exp - iat).toBe(8 * 3600);
  });

  it('validates the development token request', async () => {
    const response = await call('/dev/tokens', { method: 'POST', body: { sub: 'op budi', roles: ['janitor'], ttl_seconds: 10 } });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; violations: { field: string }[] };
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.violations.map((v) => v.field).sort()).toEqual(['roles', 'sub', 'ttl_seconds']);
    expect((await call('/dev/tokens', { method: 'POST', body: { sub: 'op-budi', roles: [] } })).status).toBe(400);
  });

  it('documents bearer auth, 401 and 403 on protected routes and the dev endpoint', () => {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().build());
    const close = document.paths['/cases/close'].post!;
    // Listed twice when the handler overrides the controller's roles: swagger concatenates both levels.
    expect(close.security).toContainEqual({ bearer: [] });
    expect(Object.keys(close.responses)).toEqual(expect.arrayContaining(['401', '403']));
    expect((close.responses['403'] as { description: string }).description).toBe('requires one of the roles: supervisor');
    expect(document.paths['/cases'].get!.security).toEqual([{ bearer: [] }]);
    expect(document.paths['/public'].get!.security).toBeUndefined();
    expect(document.paths['/dev/tokens'].post).toBeDefined();
  });

  describe('in production', () => {
    it('has no development token endpoint', async () => {
      const production = await start({
        ...config,
        NODE_ENV: 'production',
        DEV_AUTH: false,
        OIDC_ISSUER: 'http://127.0.0.1:1',
        OIDC_AUDIENCE: 'urn:callcenter:test',
      });
      try {
        const response = await fetch(`${production.url}/dev/tokens`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sub: 'op-budi', roles: ['admin'] }),
        });
        expect(response.status).toBe(404);
      } finally {
        await production.app.close();
      }
    });

    it('refuses to mint development tokens', () => {
      expect(() => mintDevelopmentToken({ ...config, NODE_ENV: 'production' }, { sub: 'op-budi', roles: ['admin'] })).toThrow(
        /disabled when NODE_ENV=production/,
      );
    });
  });
});
