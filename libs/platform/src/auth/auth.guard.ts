import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Request, Response } from 'express';
import type { Role } from '@callcenter/contracts';
import { AuthenticatedUser, TokenClaims, userFromClaims } from './authenticated-user';

/** Metadata `@Roles` writes and the guard reads. */
export const ROLES_KEY = 'callcenter:roles';

export type AuthenticatedRequest = Request & { user?: AuthenticatedUser };

/** 401 with the RFC 6750 challenge, so clients know a bearer token is what is missing. */
export function unauthenticated(context: ExecutionContext, message: string, challenge = 'Bearer'): never {
  context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', challenge);
  throw new UnauthorizedException({ code: 'UNAUTHENTICATED', message });
}

const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;
const INVALID_TOKEN = 'Bearer error="invalid_token"';

/**
 * Registered app-wide, so a route is protected by writing `@Roles` on it and public by not doing
 * so: health, metrics and docs come from library controllers that cannot be decorated.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly jwt: JwtService) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (!required) return true;
    // An RPC payload is not a request: reading "headers" from it would trust the caller's data.
    if (context.getType() !== 'http') throw new Error('@Roles protects HTTP routes only');

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const user = this.authenticate(context, request.headers.authorization);
    request.user = user;
    if (!user.roles.some((role) => required.includes(role))) {
      throw new ForbiddenException({ code: 'FORBIDDEN', message: `requires one of the roles: ${required.join(', ')}` });
    }
    return true;
  }

  private authenticate(context: ExecutionContext, header: string | undefined): AuthenticatedUser {
    if (!header) unauthenticated(context, 'a bearer token is required');
    const token = BEARER.exec(header)?.[1];
    if (!token) unauthenticated(context, 'the Authorization header must be "Bearer <token>"', INVALID_TOKEN);

    let claims: TokenClaims;
    try {
      claims = this.jwt.verify<TokenClaims & object>(token);
    } catch (e) {
      const error = e as Error;
      unauthenticated(context, error.name === 'TokenExpiredError' ? 'the bearer token has expired' : `invalid bearer token: ${error.message}`, INVALID_TOKEN);
    }
    // jsonwebtoken accepts a token without `exp`; one that never expires is not one we issue.
    if (typeof claims.exp !== 'number') unauthenticated(context, 'invalid bearer token: it has no expiry', INVALID_TOKEN);
    return userFromClaims(claims) ?? unauthenticated(context, 'invalid bearer token: it names no subject', INVALID_TOKEN);
  }
}
