import { bootstrapService, exitOnStartupFailure, loadConfig, tlsFiles } from '@callcenter/platform';
import { connectGrpc } from './grpc/grpc-server';
import { IntakeConfig } from './intake.config';
import { IntakeModule } from './intake.module';

async function main() {
  const config = loadConfig(IntakeConfig);
  await bootstrapService(IntakeModule.forRoot(config), {
    service: 'intake',
    port: config.INTAKE_HTTP_PORT,
    host: config.HTTP_HOST,
    title: 'Polres Call Center — Intake',
    description: 'Intake service: reports arrive over gRPC (callcenter.intake.v1.ReportIntake); this HTTP side serves health and metrics.',
    config,
    connect: (app) =>
      connectGrpc(
        app,
        config.INTAKE_GRPC_HOST,
        config.INTAKE_GRPC_PORT,
        config.GRPC_REFLECTION_ENABLED,
        tlsFiles(config),
        config.INTAKE_GRPC_MAX_CONCURRENT_STREAMS,
      ),
  });
}

main().catch(exitOnStartupFailure('intake'));
