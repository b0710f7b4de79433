import { runService } from '@callcenter/platform';
import { AnalyticsConfig } from './analytics.config';
import { AnalyticsModule } from './analytics.module';

runService('analytics', AnalyticsConfig, (config) => ({
  module: AnalyticsModule.forRoot(config),
  port: config.ANALYTICS_HTTP_PORT,
  title: 'Polres Call Center — Analytics',
  description: 'Analytics service',
}));
