import { InvalidConfiguration, runService } from '@callcenter/platform';
import { ConsoleConfig } from './console.config';
import { ConsoleModule } from './console.module';
import { serveWebApp } from './web-app';

runService('console', ConsoleConfig, (config) => {
  if (!config.OIDC_ISSUER)
    throw new InvalidConfiguration(['OIDC_ISSUER: the console signs people in at this OpenID Connect provider; set it (npm start does)']);
  return {
    module: ConsoleModule.forRoot(config),
    port: config.CONSOLE_HTTP_PORT,
    title: 'Polres Call Center — Console',
    description: "The people's screens: a backend-for-frontend that signs people in and calls the services for them",
    connect: (app) => serveWebApp(app, config),
  };
});
