import { IsBoolean, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { DevelopmentDefault, OnOutsideProduction, PlatformConfig, Secret } from '@callcenter/platform';

/** Development keys: accepted only outside production (loadConfig refuses them there). */
const DEVELOPMENT_API_KEYS = [
  'mobile-app=dev-key-mobile-app-0001',
  'web-portal=dev-key-web-portal-0001',
  'hotline-110=dev-key-hotline-110-0001',
  'sms-gateway=dev-key-sms-gateway-0001',
  'whatsapp-gateway=dev-key-whatsapp-gw-0001',
].join(',');

export class IntakeConfig extends PlatformConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  INTAKE_HTTP_PORT = 3001;

  @IsInt()
  @Min(1)
  @Max(65535)
  INTAKE_GRPC_PORT = 50051;

  @IsString()
  INTAKE_GRPC_HOST = '127.0.0.1';

  /** gRPC server reflection (grpcurl and ghz without the .proto); default on outside production. */
  @IsOptional()
  @IsBoolean({ message: 'GRPC_REFLECTION_ENABLED must be 1, true, 0 or false' })
  @OnOutsideProduction()
  GRPC_REFLECTION_ENABLED?: boolean = undefined;

  /** `source_system=key` pairs, comma-separated; `source=sha256:<hex>` to configure only a hash. */
  @IsString()
  @MinLength(1)
  @DevelopmentDefault()
  @Secret({ pairs: true })
  INTAKE_API_KEYS = DEVELOPMENT_API_KEYS;

  /** Submissions per second each calling system may make, sustained (bursts up to twice that). */
  @IsInt()
  @Min(1)
  INTAKE_RATE_LIMIT_PER_SECOND = 2_000;

  /** Status look-ups (GetReportStatus, WatchReport) per second each calling system may make (bursts up to twice that). */
  @IsInt()
  @Min(1)
  INTAKE_STATUS_RATE_LIMIT_PER_SECOND = 200;

  /**
   * HTTP/2 streams (calls) one client connection may have open at once; past it the client queues.
   * Together with the in-flight bounds this keeps memory bounded (at most 64 KB per submission).
   */
  @IsInt()
  @Min(1)
  INTAKE_GRPC_MAX_CONCURRENT_STREAMS = 128;

  /** Submissions being handled at once for one connection (unary calls and SubmitReports items); more are shed with UNAVAILABLE. */
  @IsInt()
  @Min(1)
  INTAKE_MAX_IN_FLIGHT_PER_CONNECTION = 128;

  /** Submissions being handled at once in this process, over all connections; more are shed with UNAVAILABLE. */
  @IsInt()
  @Min(1)
  INTAKE_MAX_IN_FLIGHT = 1_000;

  /** WatchReport streams one calling system may have open at once (per process); more are RESOURCE_EXHAUSTED. */
  @IsInt()
  @Min(1)
  INTAKE_MAX_WATCHES_PER_CALLER = 500;

  /** How long one WatchReport stream may last; then it ends with UNAVAILABLE and the caller watches again. */
  @IsInt()
  @Min(1)
  INTAKE_WATCH_MAX_SECONDS = 1_800;
}
