import { runService } from '@callcenter/platform';
import { TriageConfig } from './triage.config';
import { TriageModule } from './triage.module';

runService('triage', TriageConfig, (config) => ({
  module: TriageModule.forRoot(config),
  port: config.TRIAGE_HTTP_PORT,
  title: 'Polres Call Center — Triage',
  description: 'Triage service',
}));
