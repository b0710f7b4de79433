import { RunningService, startService } from '@callcenter/testing';

export interface LaunchOptions {
  intakeGrpcPort: number;
  intakeHttpPort: number;
  triageHttpPort: number;
  dispatchHttpPort: number;
  analyticsHttpPort: number;
  /** Extra environment of the services (NODE_ENV is test and DEV_AUTH=1, so development tokens and keys work). */
  env?: Record<string, string>;
}

const portOf = (url: string) => Number(new URL(url).port);

export function launchOptionsFrom(
  urls: { intake: string; intakeHttpUrl: string; triageUrl: string; dispatchUrl: string; analyticsUrl: string },
  env?: Record<string, string>,
): LaunchOptions {
  return {
    intakeGrpcPort: Number(urls.intake.split(':').pop()),
    intakeHttpPort: portOf(urls.intakeHttpUrl),
    triageHttpPort: portOf(urls.triageUrl),
    dispatchHttpPort: portOf(urls.dispatchUrl),
    analyticsHttpPort: portOf(urls.analyticsUrl),
    env,
  };
}

/**
 * Starts the four built services (dist/apps/<name>/src/main.js) as processes with startService from
 * @callcenter/testing, against KAFKA_BROKERS and MONGODB_URI of this process's environment; resolves
 * once every one answers /health/ready. Stops the ones that started if another fails.
 */
export async function launchServices(options: LaunchOptions): Promise<RunningService[]> {
  if (!process.env.KAFKA_BROKERS || !process.env.MONGODB_URI) {
    throw new Error('launching services needs KAFKA_BROKERS and MONGODB_URI in the environment (or --kafka and --mongodb)');
  }
  const env = { INTAKE_GRPC_PORT: String(options.intakeGrpcPort), ...options.env };
  const started = await Promise.allSettled([
    startService('intake', options.intakeHttpPort, env),
    startService('triage', options.triageHttpPort, env),
    startService('dispatch', options.dispatchHttpPort, env),
    startService('analytics', options.analyticsHttpPort, env),
  ]);
  const running = started.filter((s): s is PromiseFulfilledResult<RunningService> => s.status === 'fulfilled').map((s) => s.value);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stopServices(running);
    throw failed.reason;
  }
  return running;
}

export async function stopServices(services: RunningService[]): Promise<void> {
  await Promise.all(
    services.map(async (s) => {
      const stopped = s.stop();
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000));
      if ((await Promise.race([stopped, timeout])) === 'timeout') await s.kill();
    }),
  );
}
