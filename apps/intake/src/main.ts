import { bootstrapService, exitOnStartupFailure, InvalidConfiguration, loadConfig } from '@callcenter/platform';
import { connectGrpc } from './grpc/grpc-server';
import { DEVELOPMENT_API_KEYS, IntakeConfig } from './intake.config';
import { IntakeModule } from './intake.module';

async function main() {
  const config = loadConfig(IntakeConfig);
  if (config.NODE_ENV === 'production' && config.INTAKE_API_KEYS === DEVELOPMENT_API_KEYS) {
    throw new InvalidConfiguration(['INTAKE_API_KEYS: the development keys may not be used in production']);
  }
  await bootstrapService(IntakeModule.forRoot(config), {
    service: 'intake',
    port: config.INTAKE_HTTP_PORT,
    host: config.HTTP_HOST,
    title: 'Polres Call Center — Intake',
    description: 'Intake service: reports arrive over gRPC (callcenter.intake.v1.ReportIntake); this HTTP side serves health and metrics.',
    connect: (app) => connectGrpc(app, config.INTAKE_GRPC_HOST, config.INTAKE_GRPC_PORT),
  });
}

main().catch(exitOnStartupFailure('intake'));
