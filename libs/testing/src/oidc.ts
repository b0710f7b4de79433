import * as client from 'openid-client';

/**
 * Sign-in against a real OpenID Connect provider (the embedded one, infra/oidc-provider, started by
 * scripts/test.sh on 127.0.0.1:18080, or whatever OIDC_ISSUER points at), the way a browser and the
 * console do it: authorization code + PKCE (S256), the login form posted like a browser without
 * JavaScript, cookies carried, redirects followed by hand. No fakes.
 */

/** The one password of every demo user in config/oidc-realm.json. */
export const OIDC_DEMO_PASSWORD = 'polres-demo';

export interface OidcDemoUser {
  /** What to type in the login form. */
  username: string;
  /** The account id: `sub` of the tokens and the actor written into events. */
  sub: string;
  name: string;
  roles: string[];
}

/** The demo users of config/oidc-realm.json (keep in step with it). */
export const OIDC_DEMO_USERS: readonly OidcDemoUser[] = [
  { username: 'op-budi', sub: 'op-budi', name: 'Budi Santoso', roles: ['operator'] },
  { username: 'op-sari', sub: 'op-sari', name: 'Sari Wulandari', roles: ['operator'] },
  { username: 'spv-rina', sub: 'spv-rina', name: 'Rina Marlina', roles: ['supervisor'] },
  { username: 'dsp-andi', sub: 'dsp-andi', name: 'Andi Pratama', roles: ['dispatcher'] },
  { username: 'patrol-tebet-01', sub: 'unit:PATROL-TEBET-01', name: 'PATROL-TEBET-01', roles: ['unit'] },
  { username: 'patrol-setiabudi-01', sub: 'unit:PATROL-SETIABUDI-01', name: 'PATROL-SETIABUDI-01', roles: ['unit'] },
  { username: 'motor-pancoran-01', sub: 'unit:MOTOR-PANCORAN-01', name: 'MOTOR-PANCORAN-01', roles: ['unit'] },
  { username: 'an-dewi', sub: 'an-dewi', name: 'Dewi Lestari', roles: ['analyst'] },
  { username: 'cmd-hadi', sub: 'cmd-hadi', name: 'Hadi Wijaya', roles: ['commander'] },
  { username: 'adm-eko', sub: 'adm-eko', name: 'Eko Saputra', roles: ['admin'] },
];

/** The resource indicators (RFC 8707) of the services; each is the `aud` of its access tokens. */
export const OIDC_RESOURCES = {
  intake: 'urn:callcenter:intake',
  triage: 'urn:callcenter:triage',
  dispatch: 'urn:callcenter:dispatch',
  analytics: 'urn:callcenter:analytics',
} as const;

/** The console client as the embedded provider registers it by default (development values). */
export const OIDC_CONSOLE_CLIENT = {
  clientId: 'callcenter-console',
  clientSecret: process.env.OIDC_CONSOLE_CLIENT_SECRET || 'dev-only-callcenter-console-secret',
  redirectUri: (process.env.OIDC_CONSOLE_REDIRECT_URIS || 'http://127.0.0.1:3000/auth/callback').split(',')[0].trim(),
  postLogoutRedirectUri: (process.env.OIDC_CONSOLE_POST_LOGOUT_URIS || 'http://127.0.0.1:3000/').split(',')[0].trim(),
};

/** The provider the tests use: OIDC_ISSUER, else the one scripts/test.sh starts. */
export function testOidcIssuer(): string {
  return process.env.OIDC_ISSUER || 'http://127.0.0.1:18080';
}

/** A minimal browser: a cookie jar for one host and manual redirects. */
export class OidcBrowser {
  readonly cookies = new Map<string, string>();

  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k, v] = a.trim().split('=');
        return (k.toLowerCase() === 'max-age' && Number(v) <= 0) || (k.toLowerCase() === 'expires' && Date.parse(v) <= Date.now());
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /**
   * GETs `url` and follows redirects until one leaves for `stopAt` (not fetched: that is the
   * client's callback) or a page answers. Returns the last response and the URL it came from.
   */
  async follow(url: string | URL, stopAt?: string, init?: RequestInit): Promise<{ res: Response; url: string; redirectedTo?: string }> {
    let current = new URL(url).href;
    let res = await this.fetch(current, init);
    for (let hops = 0; hops < 20; hops++) {
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { res, url: current };
      await res.arrayBuffer();
      const next = new URL(location, current).href;
      if (stopAt && next.startsWith(stopAt)) return { res, url: current, redirectedTo: next };
      current = next;
      res = await this.fetch(current);
    }
    throw new Error(`too many redirects, last ${current}`);
  }
}

export class OidcSignInError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly html: string,
  ) {
    super(message);
  }
}

/** The login form of a page: action and fields. */
export function parseLoginForm(html: string, pageUrl: string): { action: string; fields: Record<string, string> } | undefined {
  const form = /<form[^>]*method="post"[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form || !/name="password"/.test(form[2])) return undefined;
  const fields: Record<string, string> = {};
  for (const input of form[2].matchAll(/<input[^>]*>/gi)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    if (name) fields[name] = unescapeHtml(/value="([^"]*)"/.exec(input[0])?.[1] ?? '');
  }
  return { action: new URL(unescapeHtml(form[1]), pageUrl).href, fields };
}

/** The text of the page's role="alert" element, if any. */
export function alertText(html: string): string | undefined {
  const m = /<[^>]+role="alert"[^>]*>([\s\S]*?)<\/[a-z]+>/i.exec(html);
  return m ? unescapeHtml(m[1].replace(/<[^>]+>/g, '')).trim() : undefined;
}

function unescapeHtml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e as 'amp']);
}

export interface OidcSignInOptions {
  issuer?: string;
  username: string;
  password: string;
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  /** Resource indicators to ask for; default all four services. */
  resources?: string[];
  scope?: string;
  /** Reuse a browser (its cookies, i.e. its provider session). */
  browser?: OidcBrowser;
  uiLocales?: string;
}

export interface OidcSignInResult {
  /** One JWT per resource: the code exchange gets the first, the refresh_token grant the others. */
  accessTokens: Record<string, string>;
  idToken: string;
  refreshToken: string;
  /** Claims of the ID token. */
  claims: client.IDToken;
  browser: OidcBrowser;
  config: client.Configuration;
}

/** Discovery with client_secret_basic; plain http is allowed only for a loopback issuer. */
export async function oidcClientConfig(issuer: string, clientId: string, clientSecret: string): Promise<client.Configuration> {
  const url = new URL(issuer);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  return client.discovery(
    url,
    clientId,
    undefined,
    client.ClientSecretBasic(clientSecret),
    loopback && url.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined,
  );
}

/**
 * Signs a user in with authorization code + PKCE and returns an access token per resource, the ID
 * token and the refresh token. Throws OidcSignInError when the login form refuses the password.
 */
export async function oidcSignIn(options: OidcSignInOptions): Promise<OidcSignInResult> {
  const issuer = options.issuer ?? testOidcIssuer();
  const clientId = options.clientId ?? OIDC_CONSOLE_CLIENT.clientId;
  const clientSecret = options.clientSecret ?? OIDC_CONSOLE_CLIENT.clientSecret;
  const redirectUri = options.redirectUri ?? OIDC_CONSOLE_CLIENT.redirectUri;
  const resources = options.resources ?? Object.values(OIDC_RESOURCES);
  const browser = options.browser ?? new OidcBrowser();
  const config = await oidcClientConfig(issuer, clientId, clientSecret);

  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const params = new URLSearchParams({
    redirect_uri: redirectUri,
    scope: options.scope ?? 'openid profile',
    response_type: 'code',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  if (options.uiLocales) params.set('ui_locales', options.uiLocales);
  for (const resource of resources) params.append('resource', resource);
  const authorizationUrl = client.buildAuthorizationUrl(config, params);

  let step = await browser.follow(authorizationUrl, redirectUri);
  if (!step.redirectedTo) {
    const html = await step.res.text();
    const form = parseLoginForm(html, step.url);
    if (!form)
      throw new OidcSignInError(`no login form at ${step.url} (HTTP ${step.res.status}): ${alertText(html) ?? html.slice(0, 300)}`, step.res.status, html);
    const body = new URLSearchParams({ ...form.fields, username: options.username, password: options.password });
    step = await browser.follow(form.action, redirectUri, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    if (!step.redirectedTo) {
      const page = await step.res.text();
      throw new OidcSignInError(alertText(page) ?? `sign-in did not finish (HTTP ${step.res.status} at ${step.url})`, step.res.status, page);
    }
  }

  const [first, ...others] = resources;
  const tokens = await client.authorizationCodeGrant(
    config,
    new URL(step.redirectedTo),
    { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true },
    first ? { resource: first } : undefined,
  );
  if (!tokens.refresh_token) throw new Error('the provider issued no refresh token');
  if (!tokens.id_token) throw new Error('the provider issued no ID token');
  const accessTokens: Record<string, string> = {};
  if (first) accessTokens[first] = tokens.access_token;
  for (const resource of others) {
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token, { resource });
    accessTokens[resource] = refreshed.access_token;
  }
  return { accessTokens, idToken: tokens.id_token, refreshToken: tokens.refresh_token, claims: tokens.claims()!, browser, config };
}

/**
 * RP-initiated logout as a browser does it: end_session_endpoint with id_token_hint and
 * post_logout_redirect_uri, then the auto-submitted confirmation form. Returns where the provider
 * sent the browser back to.
 */
export async function oidcSignOut(
  signedIn: Pick<OidcSignInResult, 'browser' | 'config' | 'idToken'>,
  postLogoutRedirectUri = OIDC_CONSOLE_CLIENT.postLogoutRedirectUri,
): Promise<string> {
  const url = client.buildEndSessionUrl(signedIn.config, { id_token_hint: signedIn.idToken, post_logout_redirect_uri: postLogoutRedirectUri });
  const step = await signedIn.browser.follow(url, postLogoutRedirectUri);
  if (step.redirectedTo) return step.redirectedTo;
  const html = await step.res.text();
  const form =
    /<form[^>]*id="op\.logoutForm"[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html) ??
    /<form[^>]*action="([^"]+)"[^>]*id="op\.logoutForm"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error(`no logout form at ${step.url} (HTTP ${step.res.status})`);
  const body = new URLSearchParams();
  for (const input of form[2].matchAll(/<input[^>]*>/gi)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    if (name) body.set(name, unescapeHtml(/value="([^"]*)"/.exec(input[0])?.[1] ?? ''));
  }
  const done = await signedIn.browser.follow(new URL(unescapeHtml(form[1]), step.url), postLogoutRedirectUri, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  if (!done.redirectedTo) throw new Error(`logout did not return to ${postLogoutRedirectUri} (HTTP ${done.res.status} at ${done.url})`);
  return done.redirectedTo;
}
