import { bootstrapService, exitOnStartupFailure, loadConfig } from '@callcenter/platform';
import { PortalConfig } from './portal.config';
import { PortalModule } from './portal.module';
import { serveWebApp } from './web-app';

async function main() {
  const config = loadConfig(PortalConfig);
  await bootstrapService(PortalModule.forRoot(config), {
    service: 'portal',
    port: config.PORTAL_HTTP_PORT,
    host: config.HTTP_HOST,
    title: "Polres Call Center — Citizens' portal",
    description: 'Report, follow a report by its tracking code, public statistics',
    connect: (app) => serveWebApp(app, config),
  });
}

main().catch(exitOnStartupFailure('portal'));
