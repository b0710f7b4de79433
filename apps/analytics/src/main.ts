import { bootstrapService, exitOnStartupFailure, loadConfig } from '@callcenter/platform';
import { AnalyticsConfig } from './analytics.config';
import { AnalyticsModule } from './analytics.module';

async function main() {
  const config = loadConfig(AnalyticsConfig);
  await bootstrapService(AnalyticsModule.forRoot(config), {
    service: 'analytics',
    port: config.ANALYTICS_HTTP_PORT,
    host: config.HTTP_HOST,
    title: 'Polres Call Center — Analytics',
    description: 'Analytics service',
  });
}

main().catch(exitOnStartupFailure('analytics'));
