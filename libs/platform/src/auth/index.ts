export type { AuthenticatedUser, AuthConfig, TokenClaims } from './authenticated-user';
export { TOKEN_ISSUER, userFromClaims } from './authenticated-user';
export type { AuthenticatedRequest } from './auth.guard';
export { AuthGuard } from './auth.guard';
export { Actor, Roles } from './roles.decorator';
export { DevelopmentTokenRequest, DevelopmentTokenResponse, developmentTokensAllowed, mintDevelopmentToken } from './dev-tokens';
export { AuthModule } from './auth.module';
