import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { DynamicModule, INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { InvalidConfiguration, loadConfig, PlatformConfig } from './config';
import { PLATFORM_CONFIG } from './tokens';
import { HttpErrorsFilter, validationExceptionFactory } from './http-errors.filter';
import { httpMetricsMiddleware, serviceUp } from './metrics';

export interface ServiceBootstrap {
  service: string;
  port: number;
  host: string;
  title: string;
  description: string;
  /** Extra transports (intake's gRPC server) connected before the app starts listening. */
  connect?: (app: INestApplication) => void | Promise<void>;
  /** The validated settings; found in the module's PlatformModule when not given. */
  config?: PlatformConfig;
}

/** The PlatformConfig a service module was built with (PlatformModule.forService provides it). */
export function platformConfigOf(module: unknown, seen = new Set<unknown>()): PlatformConfig | undefined {
  if (!module || typeof module !== 'object' || seen.has(module)) return undefined;
  seen.add(module);
  const dynamic = module as DynamicModule;
  for (const p of dynamic.providers ?? []) {
    if (typeof p === 'object' && p && 'provide' in p && p.provide === PLATFORM_CONFIG && 'useValue' in p) return p.useValue as PlatformConfig;
  }
  for (const imported of dynamic.imports ?? []) {
    const found = platformConfigOf(imported, seen);
    if (found) return found;
  }
  return undefined;
}

/** The PEM certificate and key HTTPS and gRPC serve with, when TLS_CERT_FILE and TLS_KEY_FILE are set. */
export function tlsFiles(config: Pick<PlatformConfig, 'TLS_CERT_FILE' | 'TLS_KEY_FILE'> | undefined): { cert: Buffer; key: Buffer } | undefined {
  if (!config?.TLS_CERT_FILE || !config.TLS_KEY_FILE) return undefined;
  return { cert: readFileSync(config.TLS_CERT_FILE), key: readFileSync(config.TLS_KEY_FILE) };
}

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (PROTOTYPE_KEYS.has(key)) throw new SyntaxError(`"${key}" is not allowed in a request body`);
  return value;
}

/** Creates and starts a service's HTTP side the same way for all four services. */
export async function bootstrapService(module: unknown, options: ServiceBootstrap): Promise<INestApplication> {
  const tls = tlsFiles(options.config ?? platformConfigOf(module));
  const app = await NestFactory.create<NestExpressApplication>(module as any, {
    bufferLogs: true,
    bodyParser: false,
    // TLS_CERT_FILE + TLS_KEY_FILE: HTTPS on the same port (health, metrics and the API alike).
    ...(tls ? { httpsOptions: { cert: tls.cert, key: tls.key } } : {}),
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  exitIfStopHangs(options.service, app.get<PlatformConfig>(PLATFORM_CONFIG, { strict: false }).SHUTDOWN_TIMEOUT_MS);
  // Before any route: every request is timed by its route template, refusals and 404s included.
  app.use(httpMetricsMiddleware());
  // `__proto__` and friends have no business in a request; refusing them at parse time keeps them
  // out of class-transformer and every object built from the body.
  app.useBodyParser('json', { limit: '64kb', reviver: refusePrototypeKeys });
  app.useGlobalFilters(new HttpErrorsFilter());
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, exceptionFactory: validationExceptionFactory }));
  // DOCS_ENABLED: off by default in production, so the API's map is not handed to anyone who asks.
  if (app.get<PlatformConfig>(PLATFORM_CONFIG, { strict: false }).DOCS_ENABLED) {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder().setTitle(options.title).setDescription(options.description).setVersion('1').addBearerAuth().build(),
    );
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  }
  await options.connect?.(app);
  await app.startAllMicroservices();
  await app.listen(options.port, options.host);
  serviceUp.set({ version: process.env.npm_package_version ?? '0.1.0' }, 1);
  return app;
}

/**
 * Nest runs the shutdown hooks on SIGTERM/SIGINT; when they have not finished within `timeoutMs`
 * (a consumer waiting on an unreachable broker, a database call that never answers), the service
 * says what was still open and exits with 1 rather than hang. The timer does not keep it alive.
 */
export function exitIfStopHangs(service: string, timeoutMs: number) {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        const open = process.getActiveResourcesInfo().join(', ');
        process.stderr.write(
          `${JSON.stringify({ level: 'error', service, time: new Date().toISOString(), msg: `${service} did not stop within ${timeoutMs} ms of ${signal}; exiting. Still open: ${open}` })}\n`,
        );
        process.exit(1);
      }, timeoutMs).unref();
    });
  }
}

/**
 * A service's main: reads and validates its settings from the environment, builds its module from them and starts it
 * (bootstrapService, on HTTP_HOST); a service that cannot start says why in one line and exits non-zero.
 */
export function runService<Config extends PlatformConfig>(
  service: string,
  settings: new () => Config,
  build: (config: Config) => Omit<ServiceBootstrap, 'service' | 'host' | 'config'> & { module: unknown },
): void {
  void (async () => {
    const config = loadConfig(settings);
    const { module, ...options } = build(config);
    await bootstrapService(module, { service, host: config.HTTP_HOST, config, ...options });
  })().catch(exitOnStartupFailure(service));
}

/** A service that cannot start says why in one line and exits non-zero. */
export function exitOnStartupFailure(service: string) {
  return (error: unknown) => {
    const message = error instanceof InvalidConfiguration ? error.message : ((error as Error)?.stack ?? String(error));
    process.stderr.write(`${JSON.stringify({ level: 'fatal', service, time: new Date().toISOString(), msg: `${service} failed to start: ${message}` })}\n`);
    process.exit(1);
  };
}
