import { bootstrapService, exitOnStartupFailure, loadConfig } from '@callcenter/platform';
import { IntakeConfig } from './intake.config';
import { IntakeModule } from './intake.module';

async function main() {
  const config = loadConfig(IntakeConfig);
  await bootstrapService(IntakeModule.forRoot(config), {
    service: 'intake',
    port: config.INTAKE_HTTP_PORT,
    host: config.HTTP_HOST,
    title: 'Polres Call Center — Intake',
    description: 'Intake service',
  });
}

main().catch(exitOnStartupFailure('intake'));
