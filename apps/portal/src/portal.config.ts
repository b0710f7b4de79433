import { IsBoolean, IsInt, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { DevelopmentDefault, PlatformConfig, Secret } from '@callcenter/platform';

/** The citizens' portal's settings (README, "Configuration"). */
export class PortalConfig extends PlatformConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORTAL_HTTP_PORT = 3005;

  /** Intake's gRPC address, `host:port`. */
  @Matches(/^[^\s:/]+:\d{1,5}$/, { message: 'PORTAL_INTAKE_GRPC must be host:port' })
  PORTAL_INTAKE_GRPC = '127.0.0.1:50051';

  /** TLS to intake's gRPC (intake with TLS_CERT_FILE/TLS_KEY_FILE); set automatically by PORTAL_INTAKE_CA_FILE. */
  @IsBoolean({ message: 'PORTAL_INTAKE_TLS must be 1, true, 0 or false' })
  PORTAL_INTAKE_TLS = false;

  /** PEM of the CA that signed intake's certificate (empty: the system's CAs); implies TLS. */
  @IsString()
  PORTAL_INTAKE_CA_FILE = '';

  /** The portal's key as the calling system `web-portal` at intake (one of INTAKE_API_KEYS). */
  @IsString()
  @MinLength(1)
  @DevelopmentDefault()
  @Secret()
  PORTAL_INTAKE_API_KEY = 'dev-key-web-portal-0001';

  /** Analytics, for the open-data aggregates only (`/api/v1/public/stats`). */
  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'PORTAL_ANALYTICS_URL must be an http(s) URL' })
  PORTAL_ANALYTICS_URL = 'http://127.0.0.1:3004';

  /** Reports accepted per client IP address per hour (a shared network: keep it generous). */
  @IsInt()
  @Min(1)
  PORTAL_REPORTS_PER_IP_PER_HOUR = 20;

  /** Reports accepted per phone number per hour. */
  @IsInt()
  @Min(1)
  PORTAL_REPORTS_PER_PHONE_PER_HOUR = 5;

  /** Tracking-code look-ups (status and live follow) per client IP address per minute. */
  @IsInt()
  @Min(1)
  PORTAL_LOOKUPS_PER_IP_PER_MINUTE = 60;

  /** Largest request body accepted, in bytes (a report with a 4000-character description fits in 16 KiB). */
  @IsInt()
  @Min(1024)
  @Max(65536)
  PORTAL_MAX_BODY_BYTES = 16_384;

  /** Reverse proxies in front of the portal whose X-Forwarded-For is trusted (0: none; the peer address is the client). */
  @IsInt()
  @Min(0)
  @Max(10)
  PORTAL_TRUSTED_PROXIES = 0;

  /** How long the portal keeps an answer of analytics' public statistics. */
  @IsInt()
  @Min(0)
  @Max(3600)
  PORTAL_STATS_CACHE_SECONDS = 60;
}

/** The calling system the portal is at intake (INTAKE_API_KEYS). */
export const PORTAL_SOURCE_SYSTEM = 'web-portal';
