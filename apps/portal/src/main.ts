import { runService } from '@callcenter/platform';
import { PortalConfig } from './portal.config';
import { PortalModule } from './portal.module';
import { serveWebApp } from './web-app';

runService('portal', PortalConfig, (config) => ({
  module: PortalModule.forRoot(config),
  port: config.PORTAL_HTTP_PORT,
  title: "Polres Call Center — Citizens' portal",
  description: 'Report, follow a report by its tracking code, public statistics',
  connect: (app) => serveWebApp(app, config),
}));
