/**
 * Starts the four built services (NODE_ENV=test) for a simulation and keeps them running until
 * Ctrl-C or SIGTERM, then stops them:
 *   node dist/tools/simulator/src/launch.js --kafka 127.0.0.1:39092 --mongodb mongodb://127.0.0.1:57017 \
 *     --intake 127.0.0.1:15200 --intake-http-url http://127.0.0.1:13200 --triage-url http://127.0.0.1:13201 \
 *     --dispatch-url http://127.0.0.1:13202 --analytics-url http://127.0.0.1:13203 [--db-prefix sim]
 */
import { launchOptionsFrom, launchServices, stopServices } from './drivers/services';
import { parseArgs } from './simulate';
import { DEFAULTS } from './simulation';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const str = (name: string, fallback?: string) => (typeof args[name] === 'string' ? (args[name] as string) : fallback);
  if (str('kafka')) process.env.KAFKA_BROKERS = str('kafka');
  if (str('mongodb')) process.env.MONGODB_URI = str('mongodb');
  const urls = {
    intake: str('intake', DEFAULTS.intake)!,
    intakeHttpUrl: str('intake-http-url', DEFAULTS.intakeHttpUrl)!,
    triageUrl: str('triage-url', DEFAULTS.triageUrl)!,
    dispatchUrl: str('dispatch-url', DEFAULTS.dispatchUrl)!,
    analyticsUrl: str('analytics-url', DEFAULTS.analyticsUrl)!,
  };
  const services = await launchServices(launchOptionsFrom(urls, str('db-prefix') ? { MONGODB_DB_PREFIX: str('db-prefix')! } : undefined));
  console.log(
    `ready: ${services.map((s) => `${s.name} (pid ${s.pid})`).join(', ')}; intake gRPC ${urls.intake}, triage ${urls.triageUrl}, dispatch ${urls.dispatchUrl}, analytics ${urls.analyticsUrl}`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping the services …');
    await stopServices(services);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  setInterval(() => undefined, 60_000); // keep running until a signal
}

main().catch((e) => {
  console.error(`launch: ${(e as Error).message}`);
  process.exit(2);
});
