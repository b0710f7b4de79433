import { createHash, randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import {
  alertText,
  OIDC_CONSOLE_CLIENT,
  OIDC_DEMO_PASSWORD,
  OIDC_DEMO_USERS,
  OIDC_RESOURCES,
  OidcBrowser,
  oidcSignIn,
  OidcSignInError,
  oidcSignOut,
  parseLoginForm,
  testOidcIssuer,
} from './index';

// The embedded provider (infra/oidc-provider/server.mjs) started by `infra start` (scripts/test.sh:
// 127.0.0.1:18080), or any provider OIDC_ISSUER names that has the demo realm.
const issuer = testOidcIssuer();
const ttl = Number(process.env.OIDC_ACCESS_TOKEN_TTL || 300);
const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
const resources = Object.values(OIDC_RESOURCES);

/** An authorization URL for the console, built by hand so a test can leave something out. */
function authorizationUrl(overrides: Record<string, string | null> = {}): string {
  const verifier = randomBytes(32).toString('base64url');
  const params: Record<string, string | null> = {
    client_id: OIDC_CONSOLE_CLIENT.clientId,
    response_type: 'code',
    scope: 'openid profile',
    redirect_uri: OIDC_CONSOLE_CLIENT.redirectUri,
    state: randomBytes(8).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...overrides,
  };
  const url = new URL(`${issuer}/auth`);
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
  for (const r of resources) url.searchParams.append('resource', r);
  return url.href;
}

describe('embedded OIDC provider', () => {
  it('publishes discovery with code + PKCE S256, resource indicators and logout', async () => {
    const res = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const meta = (await res.json()) as Record<string, any>;
    expect(meta.issuer).toBe(issuer);
    expect(meta.response_types_supported).toEqual(['code']);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']));
    expect(meta.end_session_endpoint).toBe(`${issuer}/session/end`);
    expect(meta.id_token_signing_alg_values_supported).toContain('RS256');
    const { keys } = (await (await fetch(meta.jwks_uri)).json()) as { keys: Record<string, unknown>[] };
    expect(keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig' })]);
    expect(keys[0].d).toBeUndefined();
  });

  it('signs an operator in: one RS256 JWT per resource with aud, iss, roles, name and the configured lifetime', async () => {
    const user = OIDC_DEMO_USERS.find((u) => u.username === 'op-budi')!;
    const session = await oidcSignIn({ issuer, username: user.username, password: OIDC_DEMO_PASSWORD });
    expect(Object.keys(session.accessTokens).sort()).toEqual([...resources].sort());
    for (const resource of resources) {
      const token = session.accessTokens[resource];
      expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
      const { payload } = await jwtVerify(token, jwks, { issuer, audience: resource, algorithms: ['RS256'] });
      expect(payload).toMatchObject({
        sub: 'op-budi',
        roles: ['operator'],
        name: 'Budi Santoso',
        preferred_username: 'op-budi',
        client_id: 'callcenter-console',
      });
      expect(payload.aud).toBe(resource);
      expect(payload.exp! - payload.iat!).toBe(ttl);
      // A token for one service is not accepted as another's.
      const other = resources.find((r) => r !== resource)!;
      await expect(jwtVerify(token, jwks, { issuer, audience: other })).rejects.toThrow(/aud/);
    }
    expect(session.claims).toMatchObject({
      iss: issuer,
      aud: 'callcenter-console',
      sub: 'op-budi',
      name: 'Budi Santoso',
      roles: ['operator'],
      preferred_username: 'op-budi',
    });
  });

  it('gives a field unit the sub unit:<call sign>', async () => {
    const session = await oidcSignIn({ issuer, username: 'patrol-tebet-01', password: OIDC_DEMO_PASSWORD, resources: [OIDC_RESOURCES.dispatch] });
    const { payload } = await jwtVerify(session.accessTokens[OIDC_RESOURCES.dispatch], jwks, { issuer, audience: OIDC_RESOURCES.dispatch });
    expect(payload).toMatchObject({ sub: 'unit:PATROL-TEBET-01', roles: ['unit'] });
    expect(session.claims.sub).toBe('unit:PATROL-TEBET-01');
  });

  it('signs every demo user in with their roles', async () => {
    for (const user of OIDC_DEMO_USERS) {
      const session = await oidcSignIn({ issuer, username: user.username, password: OIDC_DEMO_PASSWORD, resources: [OIDC_RESOURCES.analytics] });
      const { payload } = await jwtVerify(session.accessTokens[OIDC_RESOURCES.analytics], jwks, { issuer, audience: OIDC_RESOURCES.analytics });
      expect(payload).toMatchObject({ sub: user.sub, roles: user.roles, name: user.name });
    }
  });

  it('refuses a wrong password with the message and issues no code', async () => {
    const browser = new OidcBrowser();
    const login = await browser.follow(authorizationUrl(), OIDC_CONSOLE_CLIENT.redirectUri);
    expect(login.redirectedTo).toBeUndefined();
    const html = await login.res.text();
    expect(html).toContain('<html lang="id">');
    expect(html).toMatch(/<title>[^<]*Polres Call Center<\/title>/);
    expect(html).toContain('<label for="username">Nama pengguna</label>');
    expect(html).toContain('<label for="password">Kata sandi</label>');
    expect(html).toMatch(/id="username"[^>]*autocomplete="username"/);
    expect(html).toMatch(/id="password"[^>]*type="password"[^>]*autocomplete="current-password"/);
    const form = parseLoginForm(html, login.url)!;
    const body = new URLSearchParams({ ...form.fields, username: 'op-budi', password: 'not-the-password' });
    const refused = await browser.follow(form.action, OIDC_CONSOLE_CLIENT.redirectUri, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(refused.redirectedTo).toBeUndefined();
    expect(refused.res.status).toBe(401);
    const page = await refused.res.text();
    expect(page).toMatch(/role="alert"/);
    expect(alertText(page)).toBe('Nama pengguna atau kata sandi salah.');
    expect(page).not.toMatch(/code=/);
    // The helper reports the same refusal, in English when asked.
    await expect(oidcSignIn({ issuer, username: 'op-budi', password: 'nope', uiLocales: 'en' })).rejects.toThrow(
      new OidcSignInError('Wrong username or password.', 401, ''),
    );
    await expect(oidcSignIn({ issuer, username: 'nobody', password: OIDC_DEMO_PASSWORD })).rejects.toThrow('Nama pengguna atau kata sandi salah.');
  });

  it('shows the login page in English with ?lang=en', async () => {
    const browser = new OidcBrowser();
    const login = await browser.follow(authorizationUrl(), OIDC_CONSOLE_CLIENT.redirectUri);
    await login.res.arrayBuffer();
    const en = await browser.fetch(`${login.url}?lang=en`);
    const html = await en.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<label for="username">Username</label>');
    expect(html).toContain('<label for="password">Password</label>');
  });

  it('refuses an unregistered redirect_uri without redirecting there', async () => {
    const res = await new OidcBrowser().fetch(authorizationUrl({ redirect_uri: 'https://evil.example/callback' }));
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toMatch(/redirect_uri/);
  });

  it('refuses an authorization request without PKCE', async () => {
    const res = await new OidcBrowser().fetch(authorizationUrl({ code_challenge: null, code_challenge_method: null }));
    // The redirect_uri is registered, so the error goes back to the client, not to a login form.
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(location.href.startsWith(OIDC_CONSOLE_CLIENT.redirectUri)).toBe(true);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('ends the provider session at RP-initiated logout: the refresh token dies and the next sign-in asks for the password', async () => {
    const session = await oidcSignIn({ issuer, username: 'spv-rina', password: OIDC_DEMO_PASSWORD });
    // While signed in, a new authorization request goes straight back with a code (SSO).
    const sso = await session.browser.follow(authorizationUrl(), OIDC_CONSOLE_CLIENT.redirectUri);
    expect(new URL(sso.redirectedTo!).searchParams.get('code')).toBeTruthy();

    const back = await oidcSignOut(session);
    expect(back.startsWith(OIDC_CONSOLE_CLIENT.postLogoutRedirectUri)).toBe(true);

    await expect(client.refreshTokenGrant(session.config, session.refreshToken, { resource: OIDC_RESOURCES.triage })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    const again = await session.browser.follow(authorizationUrl(), OIDC_CONSOLE_CLIENT.redirectUri);
    expect(again.redirectedTo).toBeUndefined();
    expect(parseLoginForm(await again.res.text(), again.url)).toBeDefined();
  });

  it('refuses a refresh for a resource that was not in the authorization request', async () => {
    const session = await oidcSignIn({ issuer, username: 'an-dewi', password: OIDC_DEMO_PASSWORD, resources: [OIDC_RESOURCES.analytics] });
    await expect(client.refreshTokenGrant(session.config, session.refreshToken, { resource: OIDC_RESOURCES.dispatch })).rejects.toMatchObject({
      error: 'invalid_target',
    });
  });
});
