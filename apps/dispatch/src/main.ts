import { bootstrapService, exitOnStartupFailure, loadConfig } from '@callcenter/platform';
import { DispatchConfig } from './dispatch.config';
import { DispatchModule } from './dispatch.module';

async function main() {
  const config = loadConfig(DispatchConfig);
  await bootstrapService(DispatchModule.forRoot(config), {
    service: 'dispatch',
    port: config.DISPATCH_HTTP_PORT,
    host: config.HTTP_HOST,
    title: 'Polres Call Center — Dispatch',
    description: 'Dispatch service',
  });
}

main().catch(exitOnStartupFailure('dispatch'));
