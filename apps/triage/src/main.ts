import { bootstrapService, exitOnStartupFailure, loadConfig } from '@callcenter/platform';
import { TriageConfig } from './triage.config';
import { TriageModule } from './triage.module';

async function main() {
  const config = loadConfig(TriageConfig);
  await bootstrapService(TriageModule.forRoot(config), {
    service: 'triage',
    port: config.TRIAGE_HTTP_PORT,
    host: config.HTTP_HOST,
    title: 'Polres Call Center — Triage',
    description: 'Triage service',
  });
}

main().catch(exitOnStartupFailure('triage'));
