import { createRemoteJWKSet, errors, jwtVerify, JWTPayload, JWTVerifyGetKey } from 'jose';

/** Signature algorithms accepted from the identity provider: asymmetric only, so no shared secret can sign. */
export const OIDC_ALGORITHMS = ['RS256', 'ES256'];

export interface OidcOptions {
  /** OIDC_ISSUER: the `iss` of its tokens, and where `/.well-known/openid-configuration` is. */
  issuer: string;
  /** OIDC_AUDIENCE: the `aud` tokens for this service carry. */
  audience: string;
  /** OIDC_MAX_TOKEN_LIFETIME_SECONDS: tokens with a longer `exp - iat` are refused. */
  maxLifetimeSeconds: number;
  /** A failed discovery is not retried sooner than this (default 1 s), so a dead provider is not hammered. */
  retryAfterMs?: number;
  timeoutMs?: number;
}

/** The token is not valid: 401. */
export class InvalidAccessToken extends Error {
  constructor(
    message: string,
    readonly expired = false,
  ) {
    super(message);
  }
}

/** The provider or its keys could not be reached: the token is neither good nor bad yet (503). */
export class IdentityProviderUnavailable extends Error {}

/**
 * Verifies access tokens of an OpenID provider against its published keys. The provider is
 * discovered on first use, not at start-up, and discovery is retried after a failure: a service
 * starts, and serves its public routes, while the provider is down.
 */
export class OidcVerifier {
  private keys?: JWTVerifyGetKey;
  private discovering?: Promise<JWTVerifyGetKey>;
  private failed?: { at: number; error: Error };

  constructor(readonly options: OidcOptions) {}

  /** Discovers the JWKS now (start-up warm-up); failures are left for the next request to retry. */
  async warmUp(): Promise<void> {
    await this.discover();
  }

  async verify(token: string): Promise<JWTPayload> {
    const { issuer, audience, maxLifetimeSeconds } = this.options;
    const keys = await this.discover();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer, audience, algorithms: OIDC_ALGORITHMS, requiredClaims: ['exp', 'iat'] }));
    } catch (e) {
      if (e instanceof errors.JWTExpired) throw new InvalidAccessToken('the bearer token has expired', true);
      if (
        e instanceof errors.JWKSTimeout ||
        e instanceof errors.JWKSInvalid ||
        !(e instanceof errors.JOSEError) ||
        (e.code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set/.test(e.message))
      ) {
        throw new IdentityProviderUnavailable(`the identity provider's keys could not be fetched: ${(e as Error).message}`);
      }
      throw new InvalidAccessToken(e instanceof errors.JWKSNoMatchingKey ? 'no key of the identity provider matches the token' : e.message);
    }
    const lifetime = (payload.exp as number) - (payload.iat as number);
    if (lifetime > maxLifetimeSeconds) {
      throw new InvalidAccessToken(`its lifetime (${lifetime} s) exceeds OIDC_MAX_TOKEN_LIFETIME_SECONDS (${maxLifetimeSeconds} s)`);
    }
    return payload;
  }

  private discover(): Promise<JWTVerifyGetKey> {
    if (this.keys) return Promise.resolve(this.keys);
    if (this.failed && Date.now() - this.failed.at < (this.options.retryAfterMs ?? 1_000)) return Promise.reject(this.failed.error);
    this.discovering ??= this.fetchKeys()
      .then((keys) => {
        this.keys = keys;
        this.failed = undefined;
        return keys;
      })
      .catch((e: Error) => {
        const error = new IdentityProviderUnavailable(`the identity provider ${this.options.issuer} could not be discovered: ${e.message}`);
        this.failed = { at: Date.now(), error };
        throw error;
      })
      .finally(() => {
        this.discovering = undefined;
      });
    return this.discovering;
  }

  private async fetchKeys(): Promise<JWTVerifyGetKey> {
    const { issuer, timeoutMs = 5_000 } = this.options;
    const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error', headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    // OpenID Connect Discovery 1.0 §4.3: the document must name the issuer it was fetched for.
    if (document.issuer !== issuer) throw new Error(`${url} names the issuer ${JSON.stringify(document.issuer)}, not ${JSON.stringify(issuer)}`);
    if (typeof document.jwks_uri !== 'string') throw new Error(`${url} has no jwks_uri`);
    return createRemoteJWKSet(new URL(document.jwks_uri), { timeoutDuration: timeoutMs });
  }
}
