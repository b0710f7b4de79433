import { INestApplication } from '@nestjs/common';
import { ServerCredentials } from '@grpc/grpc-js';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { withDeclaredDependencies } from './reflection';
import { INTAKE_PACKAGE, INTAKE_PROTO_PATH, INTAKE_SERVICE } from '@callcenter/contracts';
import { grpcMetricsInterceptor } from '@callcenter/platform';

/** Whole request messages above this are refused by gRPC itself (RESOURCE_EXHAUSTED). */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * Intake's gRPC server on the Nest app: the ReportIntake service plus standard health checking
 * (grpc.health.v1) and, when `reflection` (GRPC_REFLECTION_ENABLED), server reflection, so grpcurl and ghz work against ReportIntake without
 * the .proto. (The health service is not in reflection: clients use the standard health.proto.)
 */
export function connectGrpc(
  app: INestApplication,
  host: string,
  port: number,
  reflection = false,
  /** PEM certificate chain and key (TLS_CERT_FILE, TLS_KEY_FILE): TLS instead of plaintext. */
  tls?: { cert: Buffer; key: Buffer },
  /** INTAKE_GRPC_MAX_CONCURRENT_STREAMS: calls one client connection may have open at once (HTTP/2 SETTINGS). */
  maxConcurrentStreams?: number,
): void {
  app.connectMicroservice<MicroserviceOptions>(
    {
      transport: Transport.GRPC,
      options: {
        url: `${host}:${port}`,
        package: INTAKE_PACKAGE,
        protoPath: INTAKE_PROTO_PATH,
        loader: { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true },
        maxReceiveMessageLength: MAX_MESSAGE_BYTES,
        gracefulShutdown: true,
        // No client certificate is asked for: callers authenticate with x-api-key over the TLS channel.
        ...(tls ? { credentials: ServerCredentials.createSsl(null, [{ cert_chain: tls.cert, private_key: tls.key }], false) } : {}),
        // Nest hands these options to grpc-js' Server constructor, which takes its interceptors there.
        channelOptions: {
          interceptors: [grpcMetricsInterceptor()],
          ...(maxConcurrentStreams ? { 'grpc.max_concurrent_streams': maxConcurrentStreams } : {}),
        } as Record<string, unknown>,
        onLoadPackageDefinition: (definition: any, server: any) => {
          if (reflection) new ReflectionService(withDeclaredDependencies(definition)).addToServer(server);
          new HealthImplementation({ '': 'SERVING', [`${INTAKE_PACKAGE}.${INTAKE_SERVICE}`]: 'SERVING' }).addToServer(server);
        },
      },
    },
    // Not the HTTP app's global pipes: the gRPC edge validates against the contract itself (wire.ts).
    { inheritAppConfig: false },
  );
}
