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
}
