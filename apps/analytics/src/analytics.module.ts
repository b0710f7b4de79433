import { DynamicModule, Module } from '@nestjs/common';
import { TOPICS } from '@callcenter/events';
import { PlatformModule } from '@callcenter/platform';
import { AnalyticsConfig } from './analytics.config';
import { AnalyticsHttpController } from './http/analytics.http.controller';
import { PublicStatsHttpController } from './http/public-stats.http.controller';
import { ReadModels } from './model/read-models';

@Module({})
export class AnalyticsModule {
  static forRoot(config: AnalyticsConfig): DynamicModule {
    return {
      module: AnalyticsModule,
      imports: [PlatformModule.forService({ service: 'analytics', config, consumes: [TOPICS.intake, TOPICS.triage, TOPICS.dispatch] })],
      controllers: [AnalyticsHttpController, PublicStatsHttpController],
      providers: [ReadModels],
    };
  }
}
