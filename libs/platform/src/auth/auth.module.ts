import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AuthConfig, tokenOptions } from './authenticated-user';
import { AuthGuard } from './auth.guard';
import { AUTH_CONFIG, developmentTokensAllowed, DevelopmentTokensController } from './dev-tokens';

/** Bearer-token authentication for every route marked `@Roles`, and `POST /dev/tokens` outside production. */
@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AuthModule,
      imports: [JwtModule.register(tokenOptions(config))],
      controllers: developmentTokensAllowed(config) ? [DevelopmentTokensController] : [],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: AUTH_CONFIG, useValue: config },
      ],
    };
  }
}
