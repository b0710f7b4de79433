import { applyDecorators, CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { Session, Sessions, sameSecret } from './sessions';

export const SESSION_COOKIE = 'cc_session';
export const CSRF_HEADER = 'x-csrf-token';

export type SessionRequest = Request & { session?: Session };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A console route needs a live session; a state change also needs the session's CSRF token in a
 * header, which a cross-site form or image cannot send (SameSite=strict is the second fence).
 */
@Injectable()
export class SignedInGuard implements CanActivate {
  constructor(private readonly sessions: Sessions) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<SessionRequest>();
    const session = await this.sessions.find(request.cookies?.[SESSION_COOKIE]);
    if (!session) throw new UnauthorizedException({ code: 'UNAUTHENTICATED', message: 'not signed in, or the session has ended' });
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.header(CSRF_HEADER);
      if (!sent || !sameSecret(sent, session.csrfToken)) {
        throw new ForbiddenException({ code: 'CSRF_TOKEN_INVALID', message: `a state change needs the session's ${CSRF_HEADER} header` });
      }
    }
    request.session = session;
    return true;
  }
}

export const SignedIn = () => applyDecorators(UseGuards(SignedInGuard));
