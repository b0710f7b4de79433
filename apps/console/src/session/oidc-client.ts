import { Inject, Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import { isLoopbackHost, PLATFORM_CONFIG } from '@callcenter/platform';
import { Role, ROLES } from '@callcenter/contracts';
import { Backend, BACKENDS, ConsoleConfig, resourceOf } from '../console.config';

export interface SignedInUser {
  id: string;
  name: string | null;
  roles: Role[];
}

export interface PendingSignIn {
  url: string;
  state: string;
  codeVerifier: string;
}

export interface ServiceToken {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface SignInResult {
  user: SignedInUser;
  idToken: string;
  refreshToken: string;
  accessTokens: Partial<Record<Backend, ServiceToken>>;
}

const KNOWN_ROLES: ReadonlySet<string> = new Set(ROLES);

/**
 * The console as an OpenID Connect client (authorization code + PKCE, confidential). One sign-in
 * grants tokens for every backend: the code is exchanged for the first audience and the refresh
 * token buys the others (RFC 8707 resource indicators), so each service sees only tokens meant for it.
 */
@Injectable()
export class OidcClient {
  private configuration?: Promise<oidc.Configuration>;

  constructor(@Inject(PLATFORM_CONFIG) private readonly config: ConsoleConfig) {}

  private provider(): Promise<oidc.Configuration> {
    // Discovered lazily and again after a failure, so the console starts while the provider is down.
    const issuer = new URL(this.config.OIDC_ISSUER);
    this.configuration ??= oidc
      .discovery(issuer, this.config.CONSOLE_OIDC_CLIENT_ID, this.config.CONSOLE_OIDC_CLIENT_SECRET, undefined, {
        // Plain http only for a provider on this machine (the embedded one); anything else needs TLS.
        execute: issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname) ? [oidc.allowInsecureRequests] : [],
        timeout: 5,
      })
      .catch((e) => {
        this.configuration = undefined;
        throw e;
      });
    return this.configuration;
  }

  get redirectUri(): string {
    return `${this.config.CONSOLE_PUBLIC_URL}/auth/callback`;
  }

  async begin(language: 'id' | 'en'): Promise<PendingSignIn> {
    const provider = await this.provider();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const parameters = new URLSearchParams({
      redirect_uri: this.redirectUri,
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      ui_locales: language,
    });
    for (const backend of BACKENDS) parameters.append('resource', resourceOf(backend));
    return { url: oidc.buildAuthorizationUrl(provider, parameters).href, state, codeVerifier };
  }

  async complete(callbackUrl: URL, pending: { state: string; codeVerifier: string }): Promise<SignInResult> {
    const provider = await this.provider();
    const [first, ...others] = BACKENDS;
    const tokens = await oidc.authorizationCodeGrant(
      provider,
      callbackUrl,
      { pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state, idTokenExpected: true },
      { resource: resourceOf(first) },
    );
    const claims = tokens.claims()!;
    if (!tokens.refresh_token || !tokens.id_token) throw new Error('the identity provider issued no refresh or ID token');
    const accessTokens: SignInResult['accessTokens'] = { [first]: serviceToken(tokens) };
    let refreshToken = tokens.refresh_token;
    for (const backend of others) {
      const next = await oidc.refreshTokenGrant(provider, refreshToken, { resource: resourceOf(backend) });
      accessTokens[backend] = serviceToken(next);
      refreshToken = next.refresh_token ?? refreshToken;
    }
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is Role => typeof r === 'string' && KNOWN_ROLES.has(r)) : [];
    return {
      user: { id: claims.sub, name: typeof claims.name === 'string' ? claims.name : null, roles },
      idToken: tokens.id_token,
      refreshToken,
      accessTokens,
    };
  }

  /** A fresh token for one backend; the provider may rotate the refresh token. */
  async refresh(refreshToken: string, backend: Backend): Promise<{ token: ServiceToken; refreshToken: string }> {
    const next = await oidc.refreshTokenGrant(await this.provider(), refreshToken, { resource: resourceOf(backend) });
    return { token: serviceToken(next), refreshToken: next.refresh_token ?? refreshToken };
  }

  /** Where the browser goes to end the provider's session too. */
  async endSessionUrl(idToken: string | null): Promise<string> {
    const provider = await this.provider();
    const parameters: Record<string, string> = {
      post_logout_redirect_uri: `${this.config.CONSOLE_PUBLIC_URL}/`,
      client_id: this.config.CONSOLE_OIDC_CLIENT_ID,
    };
    if (idToken) parameters.id_token_hint = idToken;
    return oidc.buildEndSessionUrl(provider, parameters).href;
  }
}

function serviceToken(tokens: oidc.TokenEndpointResponse): ServiceToken {
  return { token: tokens.access_token, expiresAt: Date.now() + (tokens.expires_in ?? 60) * 1000 };
}
