// The embedded OpenID Connect provider for local use and tests (certified `oidc-provider`, v9).
// Plain ESM, run directly: `node infra/oidc-provider/server.mjs`. `infra/bin/infra start` runs it
// unless OIDC_ISSUER points at an external provider. See infra/oidc-provider/README.md.
//
// Env: OIDC_PORT (8080), OIDC_HOST (127.0.0.1), OIDC_PUBLIC_ISSUER (http://127.0.0.1:<port>),
//      OIDC_REALM_FILE (config/oidc-realm.json), OIDC_DATA_DIR ($INFRA_DATA_DIR/oidc or .data/oidc),
//      OIDC_ACCESS_TOKEN_TTL (300), OIDC_ID_TOKEN_TTL (3600), OIDC_REFRESH_TOKEN_TTL (28800),
//      OIDC_SESSION_TTL (28800), OIDC_CONSOLE_CLIENT_SECRET, OIDC_CONSOLE_REDIRECT_URIS,
//      OIDC_CONSOLE_POST_LOGOUT_URIS (read through the realm file's ${VAR:-default} strings).
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calculateJwkThumbprint } from 'jose';
import Provider, { errors } from 'oidc-provider';
import { verifyPassword } from './password.mjs';

const started = Date.now();
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const env = process.env;

function log(level, msg, fields = {}) {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, service: 'oidc-provider', msg, ...fields })}\n`);
}

function positiveInt(name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer (seconds), got ${JSON.stringify(raw)}`);
  return n;
}

const PORT = positiveInt('OIDC_PORT', 8080);
const HOST = env.OIDC_HOST || '127.0.0.1';
const ISSUER = (env.OIDC_PUBLIC_ISSUER || `http://127.0.0.1:${PORT}`).replace(/\/+$/, '');
const REALM_FILE = resolve(ROOT, env.OIDC_REALM_FILE || 'config/oidc-realm.json');
const DATA_DIR = resolve(ROOT, env.OIDC_DATA_DIR || join(env.INFRA_DATA_DIR || join(ROOT, '.data'), 'oidc'));
const TTL = {
  accessToken: positiveInt('OIDC_ACCESS_TOKEN_TTL', 300),
  idToken: positiveInt('OIDC_ID_TOKEN_TTL', 3600),
  refreshToken: positiveInt('OIDC_REFRESH_TOKEN_TTL', 8 * 3600),
  session: positiveInt('OIDC_SESSION_TTL', 8 * 3600),
};
if (new URL(ISSUER).pathname !== '/') throw new Error(`OIDC_PUBLIC_ISSUER must not have a path: ${ISSUER}`);

// ---------------------------------------------------------------------------------------------
// Realm: users, clients, resources
// ---------------------------------------------------------------------------------------------

/** "${VAR:-default}" -> env value or default; a plain string is returned as is. */
function interpolate(value) {
  if (typeof value !== 'string') return value;
  return value.replace(/\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g, (_, name, fallback) =>
    env[name] !== undefined && env[name] !== '' ? env[name] : (fallback ?? ''),
  );
}
const list = (value) => (Array.isArray(value) ? value.map(interpolate) : interpolate(value).split(',')).map((s) => s.trim()).filter(Boolean);

async function loadRealm(file) {
  const realm = JSON.parse(await readFile(file, 'utf8'));
  const users = new Map();
  const byLogin = new Map();
  for (const u of realm.users ?? []) {
    if (!u.sub || !u.username || !u.passwordHash || !Array.isArray(u.roles))
      throw new Error(`realm user needs sub, username, passwordHash and roles[]: ${JSON.stringify(u.sub ?? u.username)}`);
    const user = { sub: u.sub, username: u.username, name: u.name ?? u.username, roles: [...u.roles], passwordHash: u.passwordHash };
    users.set(user.sub, user);
    byLogin.set(user.username.toLowerCase(), user);
    byLogin.set(user.sub.toLowerCase(), user);
  }
  const resources = new Map((realm.resources ?? []).map((r) => [r.uri, r]));
  const firstParty = new Set();
  const devSecrets = [];
  const clients = (realm.clients ?? []).map((c) => {
    const { firstParty: fp, ...meta } = c;
    if (fp) firstParty.add(c.client_id);
    const client = { ...meta };
    for (const key of ['client_secret', 'client_name']) if (key in client) client[key] = interpolate(client[key]);
    for (const key of ['redirect_uris', 'post_logout_redirect_uris', 'grant_types', 'response_types']) if (key in client) client[key] = list(client[key]);
    const m = typeof c.client_secret === 'string' && /\$\{([A-Z0-9_]+):-([^}]*)\}/.exec(c.client_secret);
    if (m && client.client_secret === m[2]) devSecrets.push({ clientId: c.client_id, variable: m[1] });
    return client;
  });
  return { name: realm.realm ?? 'realm', users, byLogin, resources, clients, firstParty, devSecrets };
}

// ---------------------------------------------------------------------------------------------
// Keys: RS256 signing key and cookie keys, made on first start, kept in the data dir (mode 600)
// ---------------------------------------------------------------------------------------------

async function readJsonIfPresent(path) {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    if (err.code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${path}: ${err.message}`, { cause: err });
  }
}

async function writeSecretFile(path, value) {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

async function loadOrCreateKeys(dir) {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const jwksPath = join(dir, 'jwks.json');
  const cookiePath = join(dir, 'cookie-keys.json');
  let jwks = await readJsonIfPresent(jwksPath);
  if (!jwks) {
    const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    jwk.kid = await calculateJwkThumbprint(jwk);
    jwk.alg = 'RS256';
    jwk.use = 'sig';
    jwks = { keys: [jwk] };
    await writeSecretFile(jwksPath, jwks);
    log('info', 'generated a new RS256 signing key', { kid: jwk.kid, file: jwksPath });
  }
  let cookieKeys = await readJsonIfPresent(cookiePath);
  if (!cookieKeys) {
    cookieKeys = { keys: [randomBytes(32).toString('base64url')] };
    await writeSecretFile(cookiePath, cookieKeys);
  }
  for (const path of [jwksPath, cookiePath]) if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
  return { jwks, cookieKeys: cookieKeys.keys };
}

// ---------------------------------------------------------------------------------------------
// Pages: login (Indonesian by default, English with ui_locales=en or ?lang=en), logout, errors
// ---------------------------------------------------------------------------------------------

const TEXT = {
  id: {
    title: 'Masuk',
    subtitle: (client) => `Masuk untuk melanjutkan ke ${client}.`,
    username: 'Nama pengguna',
    password: 'Kata sandi',
    submit: 'Masuk',
    wrong: 'Nama pengguna atau kata sandi salah.',
    other: 'English',
    otherLang: 'en',
    logoutTitle: 'Keluar',
    logoutBody: 'Anda sedang dikeluarkan dari Polres Call Center…',
    logoutButton: 'Keluar',
    loggedOut: 'Anda telah keluar.',
    errorTitle: 'Terjadi kesalahan',
  },
  en: {
    title: 'Sign in',
    subtitle: (client) => `Sign in to continue to ${client}.`,
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    wrong: 'Wrong username or password.',
    other: 'Bahasa Indonesia',
    otherLang: 'id',
    logoutTitle: 'Sign out',
    logoutBody: 'Signing you out of Polres Call Center…',
    logoutButton: 'Sign out',
    loggedOut: 'You have signed out.',
    errorTitle: 'Something went wrong',
  },
};

function pickLang(...candidates) {
  for (const c of candidates) {
    for (const tag of String(c ?? '').split(/[\s,]+/)) {
      const base = tag.toLowerCase().split(/[-_;]/)[0];
      if (base === 'en' || base === 'id') return base;
    }
  }
  return 'id';
}

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const STYLE = `
:root{color-scheme:light dark;--bg:#f4f6f8;--card:#fff;--fg:#1b1f24;--muted:#4a5561;--border:#8a96a3;--accent:#0b4fa8;--accent-fg:#fff;--focus:#c25e00;--err-bg:#fdecea;--err-fg:#8a1c12}
@media (prefers-color-scheme:dark){:root{--bg:#101418;--card:#1a2027;--fg:#e8edf2;--muted:#b4c0cc;--border:#6c7a89;--accent:#6aa8ff;--accent-fg:#0b1520;--focus:#ffb454;--err-bg:#3b1512;--err-fg:#ffb4ab}}
*{box-sizing:border-box}body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{width:min(26rem,100% - 2rem);background:var(--card);border:1px solid var(--border);border-radius:8px;padding:1.5rem 1.75rem}
.brand{margin:0;font-weight:600;color:var(--muted);font-size:.95rem}h1{margin:.25rem 0 .25rem;font-size:1.6rem}p{margin:.25rem 0 1rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input{width:100%;font:inherit;padding:.55rem .65rem;border:1px solid var(--border);border-radius:6px;background:transparent;color:inherit}
button{margin-top:1.25rem;width:100%;font:inherit;font-weight:600;padding:.65rem;border:0;border-radius:6px;background:var(--accent);color:var(--accent-fg);cursor:pointer}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
input:focus-visible{border-color:var(--focus)}
.error{background:var(--err-bg);color:var(--err-fg);border-radius:6px;padding:.6rem .75rem;margin:.5rem 0;font-weight:600}
.lang{margin:1rem 0 0;text-align:right;font-size:.95rem}`;

function page(lang, title, body, head = '') {
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${esc(title)} · Polres Call Center</title>
<style>${STYLE}</style>${head}
</head>
<body>
<main>
<p class="brand">Polres Call Center</p>
${body}
</main>
</body>
</html>`;
}

function loginPage({ uid, lang, clientName, username = '', error = false }) {
  const t = TEXT[lang];
  const invalid = error ? ' aria-invalid="true" aria-describedby="login-error"' : '';
  return page(
    lang,
    t.title,
    `<h1>${t.title}</h1>
<p>${esc(t.subtitle(clientName))}</p>
${error ? `<div id="login-error" class="error" role="alert">${t.wrong}</div>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login">
<input type="hidden" name="lang" value="${lang}">
<label for="username">${t.username}</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${esc(username)}"${username ? '' : ' autofocus'}${invalid}>
<label for="password">${t.password}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${username ? ' autofocus' : ''}${invalid}>
<button type="submit">${t.submit}</button>
</form>
<p class="lang"><a href="/interaction/${esc(uid)}?lang=${t.otherLang}" hreflang="${t.otherLang}" lang="${t.otherLang}">${t.other}</a></p>`,
  );
}

const LOGOUT_SCRIPT = "document.getElementById('op.logoutForm').submit();";
const LOGOUT_SCRIPT_SHA = createHash('sha256').update(LOGOUT_SCRIPT).digest('base64');

function securityHeaders(set, scriptSha) {
  set(
    'content-security-policy',
    `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src ${scriptSha ? `'sha256-${scriptSha}'` : "'none'"}; frame-ancestors 'none'; base-uri 'none'`,
  );
  set('x-content-type-options', 'nosniff');
  set('referrer-policy', 'no-referrer');
  set('cache-control', 'no-store');
}

// ---------------------------------------------------------------------------------------------
// Provider
// ---------------------------------------------------------------------------------------------

const realm = await loadRealm(REALM_FILE);
if (env.NODE_ENV === 'production' && realm.devSecrets.length) {
  throw new Error(`refusing to start in production with development client secrets; set ${realm.devSecrets.map((d) => d.variable).join(', ')}`);
}
const { jwks, cookieKeys } = await loadOrCreateKeys(DATA_DIR);

const configuration = {
  clients: realm.clients,
  jwks,
  cookies: { keys: cookieKeys },
  async findAccount(_ctx, sub) {
    const user = realm.users.get(sub);
    if (!user) return undefined;
    return {
      accountId: user.sub,
      async claims() {
        return { sub: user.sub, name: user.name, preferred_username: user.username, roles: [...user.roles] };
      },
    };
  },
  // The ID token carries the claims itself (conformIdTokenClaims false); `openid` alone is enough.
  claims: { openid: ['sub', 'name', 'preferred_username', 'roles'], profile: ['name', 'preferred_username'] },
  scopes: ['openid', 'profile', 'offline_access'],
  conformIdTokenClaims: false,
  responseTypes: ['code'],
  pkce: { required: () => true },
  clientDefaults: {
    grant_types: ['authorization_code'],
    id_token_signed_response_alg: 'RS256',
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  // First-party clients get refresh tokens without asking for offline_access; they still end
  // with the session (logout revokes the grant), unlike offline_access ones.
  async issueRefreshToken(_ctx, client, code) {
    return client.grantTypeAllowed('refresh_token') && (realm.firstParty.has(client.clientId) || code.scopes.has('offline_access'));
  },
  // Confidential clients authenticate every refresh; not rotating lets the console refresh for
  // several resources at once with the same refresh token.
  rotateRefreshToken: false,
  async extraTokenClaims(_ctx, token) {
    if (!token.resourceServer) return undefined;
    const user = realm.users.get(token.accountId);
    return user ? { name: user.name, preferred_username: user.username, roles: [...user.roles] } : undefined;
  },
  ttl: {
    AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? TTL.accessToken,
    AuthorizationCode: 60,
    IdToken: TTL.idToken,
    RefreshToken: TTL.refreshToken,
    Session: TTL.session,
    Grant: Math.max(TTL.session, TTL.refreshToken),
    Interaction: 3600,
  },
  discovery: { ui_locales_supported: ['id', 'en'] },
  features: {
    devInteractions: { enabled: false },
    revocation: { enabled: true },
    userinfo: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Several resources in the authorization request; one per token request (`resource=`).
      defaultResource: async (_ctx, _client, oneOf) => oneOf,
      useGrantedResource: async () => false,
      async getResourceServerInfo(_ctx, resource) {
        if (!realm.resources.has(resource)) throw new errors.InvalidTarget();
        return { scope: '', audience: resource, accessTokenTTL: TTL.accessToken, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
      },
    },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        const lang = pickLang(ctx.oidc?.params?.ui_locales, ctx.query?.lang);
        const t = TEXT[lang];
        // Log out of the whole provider session (logout=yes), submitted at once by the script;
        // the button is there for browsers without JavaScript.
        const withLogout = form.replace('</form>', '<input type="hidden" name="logout" value="yes"></form>');
        securityHeaders((k, v) => ctx.set(k, v), LOGOUT_SCRIPT_SHA);
        ctx.type = 'html';
        ctx.body = page(
          lang,
          t.logoutTitle,
          `<h1>${t.logoutTitle}</h1>
<p>${t.logoutBody}</p>
${withLogout}
<button type="submit" form="op.logoutForm">${t.logoutButton}</button>
<script>${LOGOUT_SCRIPT}</script>`,
        );
      },
      async postLogoutSuccessSource(ctx) {
        const t = TEXT[pickLang(ctx.query?.lang)];
        securityHeaders((k, v) => ctx.set(k, v));
        ctx.type = 'html';
        ctx.body = page(ctx.query?.lang === 'en' ? 'en' : 'id', t.logoutTitle, `<h1>${t.loggedOut}</h1>`);
      },
    },
  },
  async renderError(ctx, out) {
    const lang = pickLang(ctx.oidc?.params?.ui_locales);
    securityHeaders((k, v) => ctx.set(k, v));
    ctx.type = 'html';
    ctx.body = page(
      lang,
      TEXT[lang].errorTitle,
      `<h1>${TEXT[lang].errorTitle}</h1>
<div class="error" role="alert"><code>${esc(out.error)}</code>: ${esc(out.error_description)}</div>`,
    );
  },
};

const provider = new Provider(ISSUER, configuration);
provider.proxy = env.OIDC_TRUST_PROXY === 'true';
provider.on('server_error', (_ctx, err) => log('error', 'server error', { err: err?.stack ?? String(err) }));
provider.on('end_session.success', (ctx) => log('info', 'signed out', { sub: ctx.oidc?.session?.accountId, clientId: ctx.oidc?.client?.clientId }));

// ---------------------------------------------------------------------------------------------
// Interactions: login form, automatic consent for first-party clients
// ---------------------------------------------------------------------------------------------

async function readForm(req, limit = 16 * 1024) {
  let size = 0;
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, html, scriptSha) {
  securityHeaders((k, v) => res.setHeader(k, v), scriptSha);
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

async function handleInteraction(req, res, url) {
  const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(url.pathname);
  if (!match) return send(res, 404, page('id', 'Not found', '<h1>404</h1>'));
  const [, uid, login] = match;
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (err) {
    const lang = pickLang(url.searchParams.get('lang'));
    return send(
      res,
      400,
      page(
        lang,
        TEXT[lang].errorTitle,
        `<h1>${TEXT[lang].errorTitle}</h1>
<div class="error" role="alert">${lang === 'en' ? 'The sign-in request expired or is unknown. Go back to the application and start again.' : 'Permintaan masuk kedaluwarsa atau tidak dikenal. Kembali ke aplikasi dan mulai lagi.'}</div>`,
      ),
    );
  }
  if (details.uid !== uid) return send(res, 400, page('id', 'Bad request', '<h1>400</h1>'));
  const client = await provider.Client.find(details.params.client_id);
  const clientName = client?.clientName ?? details.params.client_id;
  const { prompt } = details;

  if (prompt.name === 'login') {
    if (req.method === 'GET' && !login) {
      const lang = pickLang(url.searchParams.get('lang'), details.params.ui_locales);
      return send(res, 200, loginPage({ uid, lang, clientName, username: details.params.login_hint ?? '' }));
    }
    if (req.method === 'POST' && login) {
      const form = await readForm(req);
      const lang = pickLang(form.get('lang'), details.params.ui_locales);
      const username = (form.get('username') ?? '').trim();
      const user = realm.byLogin.get(username.toLowerCase());
      const ok = await verifyPassword(form.get('password') ?? '', user?.passwordHash ?? DUMMY_HASH);
      if (!user || !ok) {
        log('warn', 'sign-in refused', { username: username.slice(0, 64), clientId: details.params.client_id });
        return send(res, 401, loginPage({ uid, lang, clientName, username, error: true }));
      }
      log('info', 'signed in', { sub: user.sub, clientId: details.params.client_id });
      return provider.interactionFinished(req, res, { login: { accountId: user.sub, amr: ['pwd'] } }, { mergeWithLastSubmission: false });
    }
  }

  if (prompt.name === 'consent' && req.method === 'GET' && !login) {
    if (!realm.firstParty.has(details.params.client_id)) {
      return provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'only first-party clients are configured' },
        { mergeWithLastSubmission: false },
      );
    }
    // First-party: grant what was asked (scopes, claims, resources) without asking the user.
    const { grantId, session, params } = details;
    const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const d = prompt.details;
    if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
    if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
    if (d.missingResourceScopes) for (const [indicator, scopes] of Object.entries(d.missingResourceScopes)) grant.addResourceScope(indicator, scopes.join(' '));
    return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  }

  return send(res, 400, page('id', 'Bad request', '<h1>400</h1>'));
}

const providerCallback = provider.callback();
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', ISSUER);
  if (!url.pathname.startsWith('/interaction/')) return providerCallback(req, res);
  handleInteraction(req, res, url).catch((err) => {
    log('error', 'interaction failed', { err: err?.stack ?? String(err) });
    if (!res.headersSent) send(res, err.status ?? 500, page('id', 'Error', `<h1>${err.status ?? 500}</h1>`));
    else res.end();
  });
});
server.keepAliveTimeout = 5_000;

server.listen(PORT, HOST, () => {
  log('info', 'oidc provider ready', {
    issuer: ISSUER,
    listen: `${HOST}:${PORT}`,
    pid: process.pid,
    realm: realm.name,
    realmFile: REALM_FILE,
    dataDir: DATA_DIR,
    users: realm.users.size,
    clients: realm.clients.map((c) => c.client_id),
    resources: [...realm.resources.keys()],
    accessTokenTtl: TTL.accessToken,
    startupMs: Date.now() - started,
    devSecrets: realm.devSecrets.map((d) => d.clientId),
  });
});
server.on('error', (err) => {
  log('error', 'cannot listen', { err: err.message, listen: `${HOST}:${PORT}` });
  process.exit(1);
});

function shutdown(signal) {
  log('info', 'shutting down', { signal });
  const t0 = Date.now();
  server.close(() => {
    log('info', 'stopped', { ms: Date.now() - t0 });
    process.exit(0);
  });
  server.closeIdleConnections();
  setTimeout(() => {
    server.closeAllConnections();
    process.exit(0);
  }, 3_000).unref();
}
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
