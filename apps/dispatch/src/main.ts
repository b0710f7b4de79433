import { runService } from '@callcenter/platform';
import { DispatchConfig } from './dispatch.config';
import { DispatchModule } from './dispatch.module';

runService('dispatch', DispatchConfig, (config) => ({
  module: DispatchModule.forRoot(config),
  port: config.DISPATCH_HTTP_PORT,
  title: 'Polres Call Center — Dispatch',
  description: 'Dispatch service',
}));
