import 'reflect-metadata';
import { SingleBar, Presets } from 'cli-progress';
import { loadConfig, mintDevelopmentToken } from '@callcenter/platform';
import { AnalyticsConfig } from './analytics.config';

/**
 * `npm run rebuild` — asks the running analytics service to rebuild every read model from offset 0
 * into a new generation and shows its progress until it has switched. The token is
 * ANALYTICS_ADMIN_TOKEN, or in development one minted with the local secret.
 */
async function main() {
  const config = loadConfig(AnalyticsConfig);
  const base = process.env.ANALYTICS_URL ?? `http://127.0.0.1:${config.ANALYTICS_HTTP_PORT}`;
  const token = process.env.ANALYTICS_ADMIN_TOKEN ?? mintDevelopmentToken(config, { sub: 'cli-rebuild', roles: ['admin'], ttlSeconds: 3_600 });
  const headers = { authorization: `Bearer ${token}` };
  const started = await fetch(`${base}/api/v1/admin/rebuild`, { method: 'POST', headers });
  const first = (await started.json()) as { generation: number; total: number };
  if (started.status !== 202) {
    process.stderr.write(`rebuild refused (${started.status}): ${JSON.stringify(first)}\n`);
    process.exit(1);
  }
  const bar = new SingleBar(
    { format: 'generation {generation} |{bar}| {percentage}% {value}/{total} events | {rate} events/s | ETA {eta_formatted}', etaBuffer: 20 },
    Presets.shades_classic,
  );
  bar.start(Math.max(1, first.total), 0, { generation: first.generation, rate: 0 });
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const { rebuild } = (await (await fetch(`${base}/api/v1/admin/rebuild`, { headers })).json()) as { rebuild: any };
    if (!rebuild) continue;
    bar.setTotal(Math.max(1, rebuild.total));
    bar.update(rebuild.done, { generation: rebuild.generation, rate: rebuild.eventsPerSecond });
    if (rebuild.state !== 'RUNNING') {
      bar.stop();
      if (rebuild.state === 'FAILED') {
        process.stderr.write(`rebuild failed: ${rebuild.error}\n`);
        process.exit(1);
      }
      process.stdout.write(`generation ${rebuild.generation} is live: ${rebuild.done} events at ${rebuild.eventsPerSecond} events/s\n`);
      return;
    }
  }
}

main().catch((e) => {
  process.stderr.write(`rebuild: ${(e as Error).message}\n`);
  process.exit(1);
});
