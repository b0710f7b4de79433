import { bootstrapService, exitOnStartupFailure, InvalidConfiguration, loadConfig } from '@callcenter/platform';
import { ConsoleConfig } from './console.config';
import { ConsoleModule } from './console.module';
import { serveWebApp } from './web-app';

async function main() {
  const config = loadConfig(ConsoleConfig);
  if (!config.OIDC_ISSUER)
    throw new InvalidConfiguration(['OIDC_ISSUER: the console signs people in at this OpenID Connect provider; set it (npm start does)']);
  await bootstrapService(ConsoleModule.forRoot(config), {
    service: 'console',
    port: config.CONSOLE_HTTP_PORT,
    host: config.HTTP_HOST,
    title: 'Polres Call Center — Console',
    description: "The people's screens: a backend-for-frontend that signs people in and calls the services for them",
    connect: (app) => serveWebApp(app, config),
  });
}

main().catch(exitOnStartupFailure('console'));
