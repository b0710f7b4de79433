import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync, ValidateBy } from 'class-validator';
import { DEFAULT_PRIORITY_TARGETS, parsePriorityTargets } from '@callcenter/contracts';

export class InvalidConfiguration extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const DEVELOPMENT_DEFAULTS = Symbol('developmentDefaults');

/** Marks a setting whose default is for local use only: `loadConfig` refuses it in production. */
export function DevelopmentDefault(): PropertyDecorator {
  return (target, property) => {
    const marked: (string | symbol)[] = Reflect.getMetadata(DEVELOPMENT_DEFAULTS, target) ?? [];
    Reflect.defineMetadata(DEVELOPMENT_DEFAULTS, [...marked, property], target);
  };
}

/**
 * Settings every service reads from the environment (README, "Configuration").
 * Each service extends it with its own; `loadConfig` validates everything at start and a bad or
 * missing setting stops the service with a message naming it.
 */
export class PlatformConfig {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Matches(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port…]' })
  KAFKA_BROKERS = '127.0.0.1:9092';

  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, { message: 'MONGODB_URI must be a mongodb:// URI' })
  MONGODB_URI = 'mongodb://127.0.0.1:27017';

  /** Prefix of each service's own database: `<prefix>_<service>`. */
  @Matches(/^[A-Za-z0-9_-]{1,40}$/)
  MONGODB_DB_PREFIX = 'callcenter';

  @IsInt()
  @Min(1)
  @Max(256)
  TOPIC_PARTITIONS = 6;

  /** Address the HTTP side binds; 0.0.0.0 in containers. */
  @IsString()
  HTTP_HOST = '127.0.0.1';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** HS256 secret for operator tokens in local use; production may use RS256/JWKS instead. */
  @IsString()
  @DevelopmentDefault()
  @MinLength(16, { message: 'AUTH_JWT_SECRET must be at least 16 characters' })
  AUTH_JWT_SECRET = 'local-development-secret-change-me';

  @IsOptional()
  @IsInt()
  @Min(100)
  OUTBOX_RECOVERY_INTERVAL_MS = 10_000;

  /** Per priority: time to triage / dispatch / arrive, in seconds (`-` for none). */
  @ValidateBy({
    name: 'priorityTargets',
    validator: {
      validate: (value) => {
        try {
          parsePriorityTargets(String(value));
          return true;
        } catch {
          return false;
        }
      },
      defaultMessage: (args) => {
        try {
          parsePriorityTargets(String(args?.value));
          return '';
        } catch (e) {
          return `PRIORITY_TARGETS: ${(e as Error).message}`;
        }
      },
    },
  })
  PRIORITY_TARGETS = DEFAULT_PRIORITY_TARGETS;

  /** The districts of the command (JSON: name, districts[code, name, latitude, longitude]). */
  @IsString()
  JURISDICTION_FILE = 'config/jurisdiction.json';
}

export function loadConfig<T extends object>(
  cls: new () => T,
  env: Record<string, string | undefined> = process.env,
): T {
  const defaults = new cls() as Record<string, unknown>;
  const given: Record<string, unknown> = {};
  for (const key of Object.keys(defaults)) {
    const value = env[key];
    if (value === undefined || value === '') continue;
    // Environment values are strings: read them as the type of the setting's default.
    const kind = typeof defaults[key];
    given[key] =
      kind === 'number' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value)
      : kind === 'boolean' && /^(true|false)$/i.test(value.trim()) ? value.trim().toLowerCase() === 'true'
      : value;
  }
  const config = plainToInstance(cls, { ...defaults, ...given });
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new InvalidConfiguration(
      errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `${e.property}=${JSON.stringify(env[e.property] ?? defaults[e.property])}: ${m}`)),
    );
  }
  if ((config as unknown as PlatformConfig).NODE_ENV === 'production') {
    const marked: string[] = Reflect.getMetadata(DEVELOPMENT_DEFAULTS, cls.prototype) ?? [];
    const kept = marked.filter((key) => (config as Record<string, unknown>)[key] === defaults[key]);
    if (kept.length) throw new InvalidConfiguration(kept.map((key) => `${key}: the development default may not be used in production`));
  }
  return config;
}
