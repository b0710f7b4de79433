import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  Optional,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Request, Response } from 'express';
import { decodeProtectedHeader } from 'jose';
import type { Role } from '@callcenter/contracts';
import { AuthConfig, AuthenticatedUser, TokenClaims, userFromClaims } from './authenticated-user';
import { AUTH_CONFIG, developmentTokensAllowed } from './dev-tokens';
import { IdentityProviderUnavailable, InvalidAccessToken, OIDC_ALGORITHMS, OidcVerifier } from './oidc';

/** Metadata `@Roles` writes and the guard reads. */
export const ROLES_KEY = 'callcenter:roles';

/** AuthModule's OidcVerifier, or null when OIDC_ISSUER is not set. */
export const OIDC_VERIFIER = Symbol('OIDC_VERIFIER');

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
 *
 * Bearer tokens are access tokens of the identity provider (OIDC_ISSUER), verified against its
 * published keys; with DEV_AUTH (development and test, loopback only) also HS256 development tokens.
 */
@Injectable()
export class AuthGuard implements CanActivate, OnApplicationBootstrap {
  private readonly logger = new Logger('AuthGuard');
  private readonly developmentTokens: boolean;

  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    @Inject(AUTH_CONFIG) config: AuthConfig,
    @Optional() @Inject(OIDC_VERIFIER) private readonly oidc: OidcVerifier | null = null,
  ) {
    this.developmentTokens = developmentTokensAllowed(config);
  }

  /** Discovers the provider's keys in the background: start-up does not wait for (or on) it. */
  onApplicationBootstrap() {
    this.oidc?.warmUp().catch((e: Error) => this.logger.warn(`${e.message}; retried on the next request`));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (!required) return true;
    // An RPC payload is not a request: reading "headers" from it would trust the caller's data.
    if (context.getType() !== 'http') throw new Error('@Roles protects HTTP routes only');

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const user = await this.authenticate(context, request.headers.authorization);
    request.user = user;
    if (!user.roles.some((role) => required.includes(role))) {
      throw new ForbiddenException({ code: 'FORBIDDEN', message: `requires one of the roles: ${required.join(', ')}` });
    }
    return true;
  }

  private async authenticate(context: ExecutionContext, header: string | undefined): Promise<AuthenticatedUser> {
    if (!header) unauthenticated(context, 'a bearer token is required');
    const token = BEARER.exec(header)?.[1];
    if (!token) unauthenticated(context, 'the Authorization header must be "Bearer <token>"', INVALID_TOKEN);

    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch (e) {
      unauthenticated(context, `invalid bearer token: ${(e as Error).message}`, INVALID_TOKEN);
    }
    if (alg === 'HS256' && this.developmentTokens) return this.developmentUser(context, token);
    if (this.oidc && typeof alg === 'string' && OIDC_ALGORITHMS.includes(alg)) return this.providerUser(context, this.oidc, token);
    unauthenticated(context, `invalid bearer token: tokens signed with ${JSON.stringify(alg)} are not accepted here`, INVALID_TOKEN);
  }

  private async providerUser(context: ExecutionContext, oidc: OidcVerifier, token: string): Promise<AuthenticatedUser> {
    let claims: TokenClaims;
    try {
      claims = await oidc.verify(token);
    } catch (e) {
      if (e instanceof IdentityProviderUnavailable) {
        this.logger.warn(e.message);
        throw new ServiceUnavailableException({
          code: 'AUTH_UNAVAILABLE',
          message: 'the identity provider cannot be reached to verify the token; retry shortly',
        });
      }
      const error = e as InvalidAccessToken;
      unauthenticated(context, error instanceof InvalidAccessToken && error.expired ? error.message : `invalid bearer token: ${error.message}`, INVALID_TOKEN);
    }
    return userFromClaims(claims) ?? unauthenticated(context, 'invalid bearer token: it names no subject', INVALID_TOKEN);
  }

  private developmentUser(context: ExecutionContext, token: string): AuthenticatedUser {
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
