import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@callcenter/platform';
import { FollowHttpController } from './follow/follow.http.controller';
import { IntakeGateway } from './intake/intake-gateway';
import { PortalConfig } from './portal.config';
import { AbuseGuard } from './report/abuse-guard';
import { ReportHttpController } from './report/report.http.controller';
import { PublicStatsHttpController } from './stats/public-stats.http.controller';

@Module({})
export class PortalModule {
  static forRoot(config: PortalConfig): DynamicModule {
    return {
      module: PortalModule,
      // No topics: the portal neither writes nor reads events. Its database holds only rate limits and the idempotency keys it has submitted.
      imports: [PlatformModule.forService({ service: 'portal', config, consumes: [] })],
      controllers: [ReportHttpController, FollowHttpController, PublicStatsHttpController],
      providers: [IntakeGateway, AbuseGuard],
    };
  }
}
