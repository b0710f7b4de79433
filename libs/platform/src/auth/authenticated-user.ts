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
}

/** What authentication needs from the configuration; any PlatformConfig has it. */
export type AuthConfig = Pick<PlatformConfig, 'NODE_ENV' | 'AUTH_JWT_SECRET'>;

/** One token format for the guard, the dev endpoint and the CLI: HS256 only, our issuer. */
export function tokenOptions(config: AuthConfig): JwtModuleOptions {
  return {
    secret: config.AUTH_JWT_SECRET,
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
