import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { InvalidConfiguration } from '../config';
import { AuthConfig, tokenOptions } from './authenticated-user';
import { AuthGuard, OIDC_VERIFIER } from './auth.guard';
import { AUTH_CONFIG, developmentTokensAllowed, DevelopmentTokensController } from './dev-tokens';
import { OidcVerifier } from './oidc';

/**
 * Bearer-token authentication for every route marked `@Roles`: access tokens of OIDC_ISSUER for
 * OIDC_AUDIENCE, and with DEV_AUTH (development and test, loopback only) HS256 development tokens
 * and `POST /dev/tokens`.
 */
@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig): DynamicModule {
    // loadConfig says the same; repeated here so a hand-made config fails closed too.
    const problems = [
      ...(config.NODE_ENV === 'production' && !config.OIDC_ISSUER ? ['OIDC_ISSUER: required in production'] : []),
      ...(config.OIDC_ISSUER && !config.OIDC_AUDIENCE ? ['OIDC_AUDIENCE: required with OIDC_ISSUER'] : []),
    ];
    if (problems.length) throw new InvalidConfiguration(problems);
    const oidc = config.OIDC_ISSUER
      ? new OidcVerifier({ issuer: config.OIDC_ISSUER, audience: config.OIDC_AUDIENCE!, maxLifetimeSeconds: config.OIDC_MAX_TOKEN_LIFETIME_SECONDS ?? 3600 })
      : null;
    return {
      module: AuthModule,
      imports: [JwtModule.register(tokenOptions(config))],
      controllers: developmentTokensAllowed(config) ? [DevelopmentTokensController] : [],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: AUTH_CONFIG, useValue: config },
        { provide: OIDC_VERIFIER, useValue: oidc },
      ],
    };
  }
}
