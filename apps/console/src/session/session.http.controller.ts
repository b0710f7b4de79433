import { Controller, Get, HttpCode, Inject, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { CookieOptions, Response } from 'express';
import { PLATFORM_CONFIG } from '@callcenter/platform';
import { ConsoleConfig } from '../console.config';
import { OidcClient } from './oidc-client';
import { Sessions, SignInExpired } from './sessions';
import { SESSION_COOKIE, SessionRequest, SignedInGuard } from './signed-in.guard';

const SIGN_IN_COOKIE = 'cc_sign_in';

/** Only a path of this console: never another origin, never `//host`. */
export function safeReturnPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[\x21-\x7e]{0,300}$/.test(value) && !value.startsWith('/auth/') ? value : '/';
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string, lang: string, head = ''): string {
  return (
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(title)} — Polres Call Center</title>${head}<style>body{font:16px system-ui,sans-serif;background:#111820;color:#e8edf2;margin:0;display:grid;place-items:center;min-height:100vh}` +
    `main{max-width:30rem;padding:2rem}a{color:#8cc8ff}</style></head><body><main>${body}</main></body></html>`
  );
}

@ApiExcludeController()
@Controller()
export class SessionHttpController {
  constructor(
    private readonly sessions: Sessions,
    private readonly oidc: OidcClient,
    @Inject(PLATFORM_CONFIG) private readonly config: ConsoleConfig,
  ) {}

  private cookie(overrides: CookieOptions): CookieOptions {
    return { httpOnly: true, secure: this.config.CONSOLE_PUBLIC_URL.startsWith('https:'), path: '/', ...overrides };
  }

  /** Starts the authorization-code flow with PKCE at the provider. */
  @Get('auth/login')
  async login(@Query('returnTo') returnTo: unknown, @Query('lang') lang: unknown, @Res() res: Response) {
    const language = lang === 'en' ? 'en' : lang === 'id' ? 'id' : this.config.CONSOLE_DEFAULT_LANGUAGE;
    try {
      const { url, state } = await this.sessions.beginSignIn(safeReturnPath(returnTo), language);
      // Lax, not strict: it must come back with the provider's top-level redirect to the callback.
      res.cookie(SIGN_IN_COOKIE, state, this.cookie({ sameSite: 'lax', path: '/auth', maxAge: 10 * 60_000 }));
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(302, url);
    } catch (e) {
      res.status(503).setHeader('Cache-Control', 'no-store');
      res
        .type('html')
        .send(
          page(
            'Masuk tidak tersedia',
            `<h1>Layanan masuk tidak menjawab</h1><p>Penyedia identitas tidak dapat dihubungi. Coba lagi sebentar lagi.</p><p lang="en">The sign-in provider did not answer; try again shortly.</p><p><a href="/auth/login">Coba lagi / Try again</a></p>`,
            'id',
          ),
        );
    }
  }

  @Get('auth/callback')
  async callback(@Req() req: SessionRequest, @Res() res: Response) {
    const state = typeof req.query.state === 'string' ? req.query.state : '';
    const expected = req.cookies?.[SIGN_IN_COOKIE];
    res.clearCookie(SIGN_IN_COOKIE, this.cookie({ sameSite: 'lax', path: '/auth' }));
    res.setHeader('Cache-Control', 'no-store');
    const retry = (status: number, why: string) =>
      res
        .status(status)
        .type('html')
        .send(page('Gagal masuk', `<h1>Gagal masuk</h1><p>${escapeHtml(why)}</p><p><a href="/auth/login">Masuk lagi / Sign in again</a></p>`, 'id'));
    if (typeof req.query.error === 'string') return retry(400, `Penyedia identitas menolak: ${req.query.error}`);
    if (!state || state !== expected) return retry(400, 'Permintaan masuk ini tidak dimulai dari peramban ini (state tidak cocok).');
    try {
      const callbackUrl = new URL(req.originalUrl, this.config.CONSOLE_PUBLIC_URL);
      const { sessionId, returnTo } = await this.sessions.completeSignIn(callbackUrl, state);
      res.cookie(SESSION_COOKIE, sessionId, this.cookie({ sameSite: 'strict', maxAge: this.config.CONSOLE_SESSION_HOURS * 3_600_000 }));
      // A page, not a redirect: a strict cookie set during a redirect chain that began at the
      // provider would not be sent on the next hop.
      const target = escapeHtml(safeReturnPath(returnTo));
      return res
        .type('html')
        .send(page('Masuk', `<p>Berhasil masuk. <a href="${target}">Lanjut</a></p>`, 'id', `<meta http-equiv="refresh" content="0;url=${target}">`));
    } catch (e) {
      return retry(
        e instanceof SignInExpired ? 400 : 502,
        e instanceof SignInExpired ? 'Proses masuk kedaluwarsa atau sudah dipakai.' : `Penukaran kode gagal: ${(e as Error).message}`,
      );
    }
  }

  /** Ends the console's session and answers where to end the provider's. */
  @Post('auth/logout')
  @HttpCode(200)
  @UseGuards(SignedInGuard)
  async logout(@Req() req: SessionRequest, @Res() res: Response) {
    const session = req.session!;
    await this.sessions.end(session);
    res.clearCookie(SESSION_COOKIE, this.cookie({ sameSite: 'strict' }));
    res.setHeader('Cache-Control', 'no-store');
    res.json({ endSessionUrl: await this.oidc.endSessionUrl(session.idToken).catch(() => '/') });
  }

  /** Who is signed in, and the CSRF token the page must send with every change. */
  @Get('api/session')
  @UseGuards(SignedInGuard)
  current(@Req() req: SessionRequest) {
    const { user, csrfToken, expiresAt } = req.session!;
    return { user, csrfToken, expiresAt: expiresAt.toISOString() };
  }
}
