import { DynamicModule, Module } from '@nestjs/common';
import { TOPICS } from '@callcenter/events';
import { PlatformModule } from '@callcenter/platform';
import { ConsoleConfig } from './console.config';
import { LiveHttpController } from './live/live.http.controller';
import { LiveFeed } from './live/live-feed';
import { BackendHttpController } from './proxy/backend.http.controller';
import { OidcClient } from './session/oidc-client';
import { SessionHttpController } from './session/session.http.controller';
import { Sessions } from './session/sessions';
import { SignedInGuard } from './session/signed-in.guard';

@Module({})
export class ConsoleModule {
  static forRoot(config: ConsoleConfig): DynamicModule {
    return {
      module: ConsoleModule,
      imports: [PlatformModule.forService({ service: 'console', config, consumes: [TOPICS.triage, TOPICS.dispatch] })],
      // Order matters: the backend proxy's `api/:backend/*path` must not shadow `api/live`.
      controllers: [SessionHttpController, LiveHttpController, BackendHttpController],
      providers: [OidcClient, Sessions, SignedInGuard, LiveFeed],
    };
  }
}
