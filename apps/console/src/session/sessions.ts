import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Collection, Db } from 'mongodb';
import { MONGO_DB, PLATFORM_CONFIG } from '@callcenter/platform';
import { Backend, ConsoleConfig } from '../console.config';
import { OidcClient, ServiceToken, SignedInUser, SignInResult } from './oidc-client';

/**
 * A signed-in person's session, held by the console only: the browser has an opaque id in an
 * HttpOnly cookie, never a token. Stored by the hash of that id, so a database dump names no live session.
 */
interface SessionDocument {
  _id: string;
  user: SignedInUser;
  csrfToken: string;
  idToken: string;
  refreshToken: string;
  accessTokens: Partial<Record<Backend, ServiceToken>>;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

/** A sign-in on its way through the provider: bound to the browser by a cookie holding `state`. */
interface PendingDocument {
  _id: string;
  codeVerifier: string;
  returnTo: string;
  expiresAt: Date;
}

export interface Session {
  user: SignedInUser;
  csrfToken: string;
  idToken: string;
  expiresAt: Date;
  /** The hashed id, for the console's own bookkeeping. */
  key: string;
}

export const hashed = (id: string) => createHash('sha256').update(id).digest('base64url');

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const REFRESH_MARGIN_MS = 30_000;

@Injectable()
export class Sessions implements OnModuleInit {
  private readonly sessions: Collection<SessionDocument>;
  private readonly pending: Collection<PendingDocument>;
  /** One refresh per session and backend at a time: the provider rotates refresh tokens. */
  private readonly refreshing = new Map<string, Promise<string>>();

  constructor(
    @Inject(MONGO_DB) db: Db,
    @Inject(PLATFORM_CONFIG) private readonly config: ConsoleConfig,
    private readonly oidc: OidcClient,
  ) {
    this.sessions = db.collection('sessions');
    this.pending = db.collection('pending_sign_ins');
  }

  async onModuleInit() {
    // Expired sessions are refused on read; this only keeps the collection small.
    const sweep = () => {
      const now = new Date();
      void this.sessions.deleteMany({ expiresAt: { $lt: now } }).catch(() => undefined);
      void this.pending.deleteMany({ expiresAt: { $lt: now } }).catch(() => undefined);
    };
    setInterval(sweep, 10 * 60_000).unref();
  }

  async beginSignIn(returnTo: string, language: 'id' | 'en'): Promise<{ url: string; state: string }> {
    const { url, state, codeVerifier } = await this.oidc.begin(language);
    await this.pending.insertOne({ _id: hashed(state), codeVerifier, returnTo, expiresAt: new Date(Date.now() + 10 * 60_000) });
    return { url, state };
  }

  /** Completes a sign-in once: the pending record is consumed whether or not the exchange works. */
  async completeSignIn(callbackUrl: URL, state: string): Promise<{ sessionId: string; returnTo: string; user: SignedInUser }> {
    const pending = await this.pending.findOneAndDelete({ _id: hashed(state) });
    if (!pending || pending.expiresAt < new Date()) throw new SignInExpired();
    const result: SignInResult = await this.oidc.complete(callbackUrl, { state, codeVerifier: pending.codeVerifier });
    const sessionId = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.sessions.insertOne({
      _id: hashed(sessionId),
      user: result.user,
      csrfToken: randomBytes(24).toString('base64url'),
      idToken: result.idToken,
      refreshToken: result.refreshToken,
      accessTokens: result.accessTokens,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.config.CONSOLE_SESSION_HOURS * 3_600_000),
    });
    return { sessionId, returnTo: pending.returnTo, user: result.user };
  }

  async find(sessionId: string | undefined): Promise<Session | null> {
    if (!sessionId || sessionId.length > 100) return null;
    const key = hashed(sessionId);
    const doc = await this.sessions.findOne({ _id: key });
    if (!doc) return null;
    const now = Date.now();
    const idleLimit = doc.lastSeenAt.getTime() + this.config.CONSOLE_SESSION_IDLE_MINUTES * 60_000;
    if (doc.expiresAt.getTime() <= now || idleLimit <= now) {
      await this.sessions.deleteOne({ _id: key });
      return null;
    }
    // Idle time is kept to the minute: no write on every request.
    if (now - doc.lastSeenAt.getTime() > 60_000) await this.sessions.updateOne({ _id: key }, { $set: { lastSeenAt: new Date(now) } });
    return { user: doc.user, csrfToken: doc.csrfToken, idToken: doc.idToken, expiresAt: doc.expiresAt, key };
  }

  /** A valid access token for the backend, refreshed shortly before it expires. */
  async accessToken(session: Session, backend: Backend): Promise<string> {
    const doc = await this.sessions.findOne({ _id: session.key }, { projection: { accessTokens: 1, refreshToken: 1 } });
    if (!doc) throw new SessionEnded();
    const current = doc.accessTokens[backend];
    if (current && current.expiresAt - REFRESH_MARGIN_MS > Date.now()) return current.token;
    const lock = `${session.key}/${backend}`;
    const running = this.refreshing.get(lock);
    if (running) return running;
    const refresh = (async () => {
      try {
        const { token, refreshToken } = await this.oidc.refresh(doc.refreshToken, backend);
        await this.sessions.updateOne({ _id: session.key }, { $set: { [`accessTokens.${backend}`]: token, refreshToken } });
        return token.token;
      } catch (e) {
        // The provider no longer honours the grant (signed out there, or revoked): the session is over.
        if (e instanceof Error && /invalid_grant/.test(`${(e as { code?: string }).code ?? ''} ${e.message}`)) {
          await this.sessions.deleteOne({ _id: session.key });
          throw new SessionEnded();
        }
        throw e;
      } finally {
        this.refreshing.delete(lock);
      }
    })();
    this.refreshing.set(lock, refresh);
    return refresh;
  }

  async end(session: Session): Promise<void> {
    await this.sessions.deleteOne({ _id: session.key });
  }
}

export class SignInExpired extends Error {
  constructor() {
    super('the sign-in took too long or was already used; start again');
  }
}

export class SessionEnded extends Error {
  constructor() {
    super('the session has ended; sign in again');
  }
}
