import { createSecretKey } from 'node:crypto';
import type { JwtModuleOptions } from '@nestjs/jwt';
import { Role, ROLES } from '@callcenter/contracts';
import type { PlatformConfig } from '../config';

/** Who a request acts for; `id` is what events record as their `actor`. */
export interface AuthenticatedUser {
  /** `op-budi` for a person, `unit:PATROL-01` for a field unit. */
  id: string;
  name: string | null;
  roles: Role[];
}

/** Tokens we did not issue are refused even when signed with the right key. */
export const TOKEN_ISSUER = 'polres-callcenter';

/** Claims of a bearer token, as they may arrive: nothing is trusted until `userFromClaims`. */
export interface TokenClaims {
  sub?: unknown;
  name?: unknown;
  roles?: unknown;
  iss?: unknown;
  exp?: unknown;
  iat?: unknown;
}

/** What development tokens need from the configuration: they are minted and accepted only with DEV_AUTH on a loopback host. */
export type DevelopmentAuthConfig = Pick<PlatformConfig, 'NODE_ENV' | 'AUTH_JWT_SECRET' | 'DEV_AUTH' | 'HTTP_HOST'>;

/** What authentication needs from the configuration; any PlatformConfig has it (OIDC_AUDIENCE resolved per service). */
export type AuthConfig = DevelopmentAuthConfig & Partial<Pick<PlatformConfig, 'OIDC_ISSUER' | 'OIDC_AUDIENCE' | 'OIDC_MAX_TOKEN_LIFETIME_SECONDS'>>;

/** The audience a service's access tokens must name unless OIDC_AUDIENCE says otherwise. */
export function oidcAudience(service: string): string {
  return `urn:callcenter:${service}`;
}

/** One token format for the guard, the dev endpoint and the CLI: HS256 only, our issuer. */
export function tokenOptions(config: Pick<AuthConfig, 'AUTH_JWT_SECRET'>): JwtModuleOptions {
  return {
    // A key object, not the string: given a string, jsonwebtoken first tries it as a public key and
    // fails (an exception per request), then makes the secret key anew each time.
    secret: createSecretKey(Buffer.from(config.AUTH_JWT_SECRET, 'utf8')),
    signOptions: { algorithm: 'HS256', issuer: TOKEN_ISSUER },
    // Pinning the algorithm is what stops `alg: none` and key-confusion tokens.
    verifyOptions: { algorithms: ['HS256'], issuer: TOKEN_ISSUER },
  };
}

const KNOWN_ROLES: ReadonlySet<string> = new Set(ROLES);

/**
 * The user a verified token names, or null when it names no one. Roles this platform does not know
 * are dropped rather than refused, so an identity provider may carry roles meant for other systems.
 */
export function userFromClaims(claims: TokenClaims): AuthenticatedUser | null {
  if (typeof claims.sub !== 'string' || claims.sub.trim() === '') return null;
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is Role => typeof r === 'string' && KNOWN_ROLES.has(r)) : [];
  return {
    id: claims.sub,
    name: typeof claims.name === 'string' && claims.name !== '' ? claims.name : null,
    roles: [...new Set(roles)],
  };
}
