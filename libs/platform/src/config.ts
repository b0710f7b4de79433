import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync, ValidateBy, ValidateIf } from 'class-validator';
import { DEFAULT_PRIORITY_TARGETS, parsePriorityTargets } from '@callcenter/contracts';
import { isDevelopmentValue, KNOWN_DEVELOPMENT_VALUES } from './development-values';

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

const SECRETS = Symbol('secrets');

export interface SecretOptions {
  /** `name=value` pairs, comma-separated (INTAKE_API_KEYS); a value `sha256:<hex>` is a hash, not the secret in clear. */
  pairs?: boolean;
}

/** Secrets and keys need at least this many bytes in production. */
export const MIN_SECRET_BYTES = 32;

/**
 * Marks a secret or key: in production `loadConfig` refuses any known development or example value
 * (development-values.ts, `dev-key-…`, `…change-me…`) and one shorter than MIN_SECRET_BYTES.
 */
export function Secret(options: SecretOptions = {}): PropertyDecorator {
  return (target, property) => {
    const marked: Record<string, SecretOptions> = Reflect.getMetadata(SECRETS, target) ?? {};
    Reflect.defineMetadata(SECRETS, { ...marked, [property]: options }, target);
  };
}

const ON_OUTSIDE_PRODUCTION = Symbol('onOutsideProduction');

/** A switch whose default is on in development and test and off in production (docs, reflection). */
export function OnOutsideProduction(): PropertyDecorator {
  return (target, property) => {
    const marked: (string | symbol)[] = Reflect.getMetadata(ON_OUTSIDE_PRODUCTION, target) ?? [];
    Reflect.defineMetadata(ON_OUTSIDE_PRODUCTION, [...marked, property], target);
  };
}

/** 127.0.0.0/8, ::1 or localhost: where development tokens may be served. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return !!octets && octets.slice(1).every((o) => Number(o) <= 255);
}

/**
 * Settings every service reads from the environment (README, "Configuration").
 * Each service extends it with its own; `loadConfig` validates everything at start and a bad or
 * missing setting stops the service with a message naming it.
 */
export class PlatformConfig {
  /** Unset or empty means production: a service started without it (systemd, pm2, `node dist/…`) fails closed. */
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'production';

  /**
   * Development tokens (HS256 with AUTH_JWT_SECRET, `POST /dev/tokens`): only when set, never in
   * production, and only on a loopback HTTP_HOST. `1` or `true`.
   */
  @IsBoolean({ message: 'DEV_AUTH must be 1, true, 0 or false' })
  DEV_AUTH = false;

  /** The identity provider whose access tokens the services accept (required in production). */
  @ValidateIf((_, value) => value !== '')
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, { message: 'OIDC_ISSUER must be an http(s) URL, e.g. https://sso.example.org/realms/polres' })
  OIDC_ISSUER = '';

  /** The `aud` access tokens must carry; empty means `urn:callcenter:<service>`. */
  @IsString()
  OIDC_AUDIENCE = '';

  /** Access tokens whose `exp - iat` exceeds this are refused. */
  @IsInt()
  @Min(60)
  @Max(86_400)
  OIDC_MAX_TOKEN_LIFETIME_SECONDS = 3600;

  /** Prometheus `/metrics`. */
  @IsBoolean({ message: 'METRICS_ENABLED must be 1, true, 0 or false' })
  METRICS_ENABLED = true;

  /** Swagger UI at `/docs` and the document at `/docs-json`; default on outside production. */
  @IsOptional()
  @IsBoolean({ message: 'DOCS_ENABLED must be 1, true, 0 or false' })
  @OnOutsideProduction()
  DOCS_ENABLED?: boolean = undefined;

  @Matches(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port…]' })
  KAFKA_BROKERS = '127.0.0.1:9092';

  /**
   * The service's own Kafka user (SCRAM): with it the connection is SASL_SSL and the broker's ACLs
   * let the service write only its own topic. Empty: PLAINTEXT (local development).
   */
  @IsString()
  KAFKA_SASL_USERNAME = '';

  @IsString()
  @Secret()
  KAFKA_SASL_PASSWORD = '';

  @IsIn(['scram-sha-512', 'scram-sha-256', 'plain'])
  KAFKA_SASL_MECHANISM: 'scram-sha-512' | 'scram-sha-256' | 'plain' = 'scram-sha-512';

  /** PEM of the CA that signed the brokers' certificates (empty: the system's CAs). Alone, it means TLS without SASL. */
  @IsString()
  KAFKA_SSL_CA_FILE = '';

  /** PEM certificate (with its chain) and key: when both are set, HTTP serves HTTPS and intake's gRPC serves TLS. */
  @IsString()
  TLS_CERT_FILE = '';

  @IsString()
  TLS_KEY_FILE = '';

  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, { message: 'MONGODB_URI must be a mongodb:// URI' })
  MONGODB_URI = 'mongodb://127.0.0.1:27017';

  /** Prefix of each service's own database: `<prefix>_<service>`. */
  @Matches(/^[A-Za-z0-9_-]{1,40}$/)
  MONGODB_DB_PREFIX = 'callcenter';

  @IsInt()
  @Min(1)
  @Max(256)
  TOPIC_PARTITIONS = 6;

  /**
   * retention.ms of the dead-letter topics, in days (read by libs/events deadLetterRetentionMs when
   * a consumer creates its dead-letter topic): parked copies of events, kept to be replayed.
   */
  @IsInt()
  @Min(1)
  @Max(3650)
  DEAD_LETTER_RETENTION_DAYS = 30;

  /** Address the HTTP side binds; 0.0.0.0 in containers. */
  @IsString()
  HTTP_HOST = '127.0.0.1';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** HS256 secret of development tokens (DEV_AUTH); production verifies OIDC_ISSUER's tokens instead. */
  @IsString()
  @DevelopmentDefault()
  @Secret()
  @MinLength(16, { message: 'AUTH_JWT_SECRET must be at least 16 characters' })
  AUTH_JWT_SECRET = 'local-development-secret-change-me';

  /**
   * Master key of personal data (crypto-shredding, docs/privacy.md): wraps each report's data key.
   * Every service that seals or opens reporters' data needs the same value; losing it makes all
   * sealed fields unreadable, like an erasure of everyone.
   */
  @IsString()
  @DevelopmentDefault()
  @Secret()
  @MinLength(16, { message: 'PERSONAL_DATA_MASTER_KEY must be at least 16 characters' })
  PERSONAL_DATA_MASTER_KEY = 'local-development-personal-data-master-key';

  @IsOptional()
  @IsInt()
  @Min(100)
  OUTBOX_RECOVERY_INTERVAL_MS = 10_000;

  /**
   * How long a stop (SIGTERM/SIGINT) may take: consumers finish their batch and commit, timers
   * finish their round, connections close. Past it the service logs what was still open and exits
   * with 1, so a stop during an outage cannot hang (orchestrators kill after their own grace).
   */
  @IsInt()
  @Min(1_000)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS = 20_000;

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

export function loadConfig<T extends object>(cls: new () => T, env: Record<string, string | undefined> = process.env): T {
  const defaults = new cls() as Record<string, unknown>;
  const switches: string[] = (Reflect.getMetadata(ON_OUTSIDE_PRODUCTION, cls.prototype) ?? []).map(String);
  const given: Record<string, unknown> = {};
  for (const key of Object.keys(defaults)) {
    const value = env[key];
    if (value === undefined || value === '') continue;
    // Environment values are strings: read them as the type of the setting's default.
    const kind = switches.includes(key) ? 'boolean' : typeof defaults[key];
    given[key] =
      kind === 'number' && /^-?\d+(\.\d+)?$/.test(value.trim())
        ? Number(value)
        : kind === 'boolean' && /^(true|false|1|0)$/i.test(value.trim())
          ? /^(true|1)$/i.test(value.trim())
          : value;
  }
  const config = plainToInstance(cls, { ...defaults, ...given });
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new InvalidConfiguration(
      errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `${e.property}=${JSON.stringify(env[e.property] ?? defaults[e.property])}: ${m}`)),
    );
  }
  const settings = config as Record<string, unknown>;
  const platform = config as unknown as PlatformConfig;
  const production = platform.NODE_ENV === 'production';
  for (const key of switches) {
    if (settings[key] === undefined) settings[key] = !production;
  }
  const problems = [...developmentAuthProblems(platform), ...transportSecurityProblems(platform)];
  if (production) {
    if (!platform.OIDC_ISSUER) problems.push('OIDC_ISSUER: required in production, the identity provider whose access tokens the services accept');
    const marked: string[] = (Reflect.getMetadata(DEVELOPMENT_DEFAULTS, cls.prototype) ?? []).map(String);
    const kept = marked.filter((key) => settings[key] === defaults[key]);
    problems.push(...kept.map((key) => `${key}: the development default may not be used in production`));
    const secrets: Record<string, SecretOptions> = Reflect.getMetadata(SECRETS, cls.prototype) ?? {};
    for (const [key, options] of Object.entries(secrets)) {
      // '' can only be a setting whose default is '' (empty values read as unset): not in use.
      if (kept.includes(key) || typeof settings[key] !== 'string' || settings[key] === '') continue;
      problems.push(...secretProblems(key, settings[key] as string, options));
    }
  }
  if (problems.length) throw new InvalidConfiguration(problems);
  return config;
}

function unreadable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return false;
  } catch {
    return true;
  }
}

/** Kafka credentials and TLS files come in pairs and must be readable, or the service would fail later and less clearly. */
function transportSecurityProblems(config: PlatformConfig): string[] {
  const problems: string[] = [];
  if (!!config.KAFKA_SASL_USERNAME !== !!config.KAFKA_SASL_PASSWORD) {
    problems.push('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: set both (SASL_SSL) or neither (PLAINTEXT)');
  }
  if (!!config.TLS_CERT_FILE !== !!config.TLS_KEY_FILE) problems.push('TLS_CERT_FILE and TLS_KEY_FILE: set both (TLS) or neither');
  for (const key of ['KAFKA_SSL_CA_FILE', 'TLS_CERT_FILE', 'TLS_KEY_FILE'] as const) {
    if (config[key] && unreadable(config[key])) problems.push(`${key}: cannot read ${config[key]}`);
  }
  return problems;
}

/** How this service connects to Kafka (libs/events createKafka): SASL_SSL with its own user, or PLAINTEXT. */
export function kafkaSecurity(config: PlatformConfig) {
  return {
    caFile: config.KAFKA_SSL_CA_FILE || undefined,
    sasl: config.KAFKA_SASL_USERNAME
      ? { mechanism: config.KAFKA_SASL_MECHANISM, username: config.KAFKA_SASL_USERNAME, password: config.KAFKA_SASL_PASSWORD }
      : undefined,
  };
}

/** DEV_AUTH is refused outright where it would hand out tokens to anyone who can reach the port. */
function developmentAuthProblems(config: PlatformConfig): string[] {
  if (config.DEV_AUTH !== true) return [];
  if (config.NODE_ENV === 'production') {
    return ['DEV_AUTH: development tokens may not be enabled in production (NODE_ENV unset or production); unset DEV_AUTH'];
  }
  if (!isLoopbackHost(config.HTTP_HOST)) {
    return [`DEV_AUTH: development tokens need a loopback HTTP_HOST (127.0.0.1, ::1 or localhost), not ${JSON.stringify(config.HTTP_HOST)}`];
  }
  return [];
}

const KNOWN_DEVELOPMENT_HASHES = new Set(KNOWN_DEVELOPMENT_VALUES.map((v) => createHash('sha256').update(v, 'utf8').digest('hex')));

function secretProblems(key: string, value: string, options: SecretOptions): string[] {
  const example = `${key}: a development or example value may not be used in production`;
  if (isDevelopmentValue(value)) return [example];
  const parts = options.pairs
    ? value.split(',').map((pair) => {
        const at = pair.indexOf('=');
        return { name: `${key} (${pair.slice(0, Math.max(at, 0)).trim()})`, secret: pair.slice(at + 1).trim() };
      })
    : [{ name: key, secret: value }];
  return parts.flatMap(({ name, secret }) => {
    if (options.pairs && secret.startsWith('sha256:')) {
      return KNOWN_DEVELOPMENT_HASHES.has(secret.slice(7).toLowerCase())
        ? [`${name}: the hash of a development or example key may not be used in production`]
        : [];
    }
    if (isDevelopmentValue(secret)) return [`${name}: a development or example value may not be used in production`];
    if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) return [`${name}: must be at least ${MIN_SECRET_BYTES} bytes in production`];
    return [];
  });
}
