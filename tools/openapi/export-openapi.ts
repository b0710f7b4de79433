/**
 * Writes the OpenAPI documents of triage, dispatch and analytics to libs/api-client/src/generated/,
 * from which `openapi-typescript` generates the types of the shared REST client (scripts/openapi-types.sh). No service is started: Nest's
 * preview mode reads the routes and DTOs without connecting to Kafka or the database.
 * usage: node dist/tools/openapi/export-openapi.js [--check]
 */
import 'reflect-metadata';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { register } from 'prom-client';
import { AnalyticsConfig, AnalyticsModule } from '../../apps/analytics/src';
import { DispatchConfig, DispatchModule } from '../../apps/dispatch/src';
import { TriageConfig, TriageModule } from '../../apps/triage/src';

const OUT = resolve(__dirname, __dirname.includes('/dist/') ? '../../../libs/api-client/src/generated' : '../../libs/api-client/src/generated');

export async function openApiDocuments(): Promise<Record<string, object>> {
  const services = {
    triage: () => TriageModule.forRoot(Object.assign(new TriageConfig(), { NODE_ENV: 'test' })),
    dispatch: () => DispatchModule.forRoot(Object.assign(new DispatchConfig(), { NODE_ENV: 'test' })),
    analytics: () => AnalyticsModule.forRoot(Object.assign(new AnalyticsConfig(), { NODE_ENV: 'test' })),
  };
  const documents: Record<string, object> = {};
  for (const [name, makeModule] of Object.entries(services)) {
    // Each module registers the default process metrics; one process builds three.
    register.clear();
    const module = makeModule();
    const app = await NestFactory.create(module, { preview: true, logger: false, abortOnError: false });
    documents[name] = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle(name).setVersion('1').addBearerAuth().build());
    await app.close();
  }
  return documents;
}

async function main() {
  const check = process.argv.includes('--check');
  const documents = await openApiDocuments();
  mkdirSync(OUT, { recursive: true });
  let stale = 0;
  for (const [name, document] of Object.entries(documents)) {
    const file = join(OUT, `${name}.openapi.json`);
    const text = `${JSON.stringify(document, null, 2)}\n`;
    if (check) {
      let current = '';
      try {
        current = readFileSync(file, 'utf8');
      } catch {
        /* missing */
      }
      if (current !== text) {
        stale++;
        process.stderr.write(`${file} is out of date: run npm run openapi\n`);
      }
    } else writeFileSync(file, text);
  }
  process.exit(stale ? 1 : 0);
}

if (require.main === module)
  main().catch((e) => {
    process.stderr.write(`${e.stack ?? e}\n`);
    process.exit(1);
  });
