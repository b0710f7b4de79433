import { runService, tlsFiles } from '@callcenter/platform';
import { connectGrpc } from './grpc/grpc-server';
import { IntakeConfig } from './intake.config';
import { IntakeModule } from './intake.module';

runService('intake', IntakeConfig, (config) => ({
  module: IntakeModule.forRoot(config),
  port: config.INTAKE_HTTP_PORT,
  title: 'Polres Call Center — Intake',
  description: 'Intake service: reports arrive over gRPC (callcenter.intake.v1.ReportIntake); this HTTP side serves health and metrics.',
  connect: (app) =>
    connectGrpc(
      app,
      config.INTAKE_GRPC_HOST,
      config.INTAKE_GRPC_PORT,
      config.GRPC_REFLECTION_ENABLED,
      tlsFiles(config),
      config.INTAKE_GRPC_MAX_CONCURRENT_STREAMS,
    ),
}));
