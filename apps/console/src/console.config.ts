import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { DevelopmentDefault, PlatformConfig, Secret } from '@callcenter/platform';

const URL_PATTERN = /^https?:\/\/[^\s/]+(\/[^\s]*)?$/;

/** The console's settings (README, "Configuration"); the services it calls are reached by URL. */
export class ConsoleConfig extends PlatformConfig {
  @IsInt()
  @Min(1)
  @Max(65535)
  CONSOLE_HTTP_PORT = 3000;

  /** Where people reach the console; the sign-in callback is `<this>/auth/callback`. `https://` makes cookies Secure. */
  @Matches(URL_PATTERN, { message: 'CONSOLE_PUBLIC_URL must be an http(s) URL' })
  CONSOLE_PUBLIC_URL = 'http://127.0.0.1:3000';

  @IsString()
  CONSOLE_OIDC_CLIENT_ID = 'callcenter-console';

  /** The console's secret at the provider (OIDC_ISSUER, shared with the services), refused in production as shipped. */
  @IsString()
  @DevelopmentDefault()
  @Secret()
  CONSOLE_OIDC_CLIENT_SECRET = 'dev-only-callcenter-console-secret';

  @Matches(URL_PATTERN, { message: 'TRIAGE_URL must be an http(s) URL' })
  TRIAGE_URL = 'http://127.0.0.1:3002';

  @Matches(URL_PATTERN, { message: 'DISPATCH_URL must be an http(s) URL' })
  DISPATCH_URL = 'http://127.0.0.1:3003';

  @Matches(URL_PATTERN, { message: 'ANALYTICS_URL must be an http(s) URL' })
  ANALYTICS_URL = 'http://127.0.0.1:3004';

  /** A session ends this long after sign-in, whatever happens; an idle one after CONSOLE_SESSION_IDLE_MINUTES. */
  @IsInt()
  @Min(1)
  @Max(24)
  CONSOLE_SESSION_HOURS = 12;

  @IsInt()
  @Min(5)
  @Max(24 * 60)
  CONSOLE_SESSION_IDLE_MINUTES = 120;

  /** A raster tile URL template (`https://tiles.example/{z}/{x}/{y}.png`); empty draws districts and points only. */
  @IsString()
  MAP_TILE_URL = '';

  @IsIn(['id', 'en'])
  CONSOLE_DEFAULT_LANGUAGE: 'id' | 'en' = 'id';
}

/** The services the console calls for people, each with its own token audience (RFC 8707 resource). */
export const BACKENDS = ['triage', 'dispatch', 'analytics'] as const;
export type Backend = (typeof BACKENDS)[number];

export const resourceOf = (backend: Backend) => `urn:callcenter:${backend}`;

export function backendUrl(config: ConsoleConfig, backend: Backend): string {
  return { triage: config.TRIAGE_URL, dispatch: config.DISPATCH_URL, analytics: config.ANALYTICS_URL }[backend];
}
