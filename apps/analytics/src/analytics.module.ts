import { DynamicModule, Module } from '@nestjs/common';
import { TOPICS } from '@callcenter/events';
import { PlatformModule } from '@callcenter/platform';
import { AnalyticsConfig } from './analytics.config';
import { AnalyticsHttpController } from './http/analytics.http.controller';
import { PublicStatsHttpController } from './http/public-stats.http.controller';
import { ReadModels, SNAPSHOT_INTERVAL, WarmUp } from './model/read-models';
import { WarmingUpGuard } from './http/warming-up.guard';

@Module({})
export class AnalyticsModule {
  static forRoot(config: AnalyticsConfig): DynamicModule {
    const warmUp = new WarmUp();
    return {
      module: AnalyticsModule,
      imports: [PlatformModule.forService({ service: 'analytics', config, consumes: [TOPICS.intake, TOPICS.triage, TOPICS.dispatch], readiness: warmUp })],
      controllers: [AnalyticsHttpController, PublicStatsHttpController],
      providers: [
        ReadModels,
        WarmingUpGuard,
        { provide: WarmUp, useValue: warmUp },
        { provide: SNAPSHOT_INTERVAL, useValue: config.ANALYTICS_SNAPSHOT_INTERVAL_SECONDS },
      ],
    };
  }
}
