export type { AuthenticatedUser, AuthConfig, DevelopmentAuthConfig, TokenClaims } from './authenticated-user';
export { oidcAudience, TOKEN_ISSUER, userFromClaims } from './authenticated-user';
export { IdentityProviderUnavailable, InvalidAccessToken, OIDC_ALGORITHMS, OidcVerifier } from './oidc';
export type { AuthenticatedRequest } from './auth.guard';
export { AuthGuard } from './auth.guard';
export { Actor, Roles } from './roles.decorator';
export { DevelopmentTokenRequest, DevelopmentTokenResponse, developmentTokensAllowed, mintDevelopmentToken } from './dev-tokens';
export { AuthModule } from './auth.module';
