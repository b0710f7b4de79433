/**
 * The analysts' dashboard with a year of history: how long from navigation to the volume view for
 * the whole year until its chart is drawn and its totals table is on the screen. Printed beside
 * baselines measured in the same run: GET /api/v1/stats/volume for the same range straight from
 * analytics, and the same through the console (session, token, proxy).
 *
 * The history is the analytics bench's (its generator, written straight to the topics):
 * `node dist/bench/analytics/analytics.bench.js --history-only --events N --per-day P`, run by this
 * bench unless --reuse-history. Analytics is then started and reads it all from offset 0 before it
 * answers ready (caught up); the console runs on 13400 (registered at the test OIDC provider).
 *
 * Needs Kafka, the database and the OIDC provider (bash infra/bin/infra start, with
 * OIDC_CONSOLE_REDIRECT_URIS including http://127.0.0.1:13400/auth/callback), a build (npm run
 * build) and Debian's chromium.
 *
 * usage: node dist/bench/console/dashboard.bench.js [--events 1000000] [--per-day 250] [--reuse-history] [--loads 5] [--port-base 13400]
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { loadavg, options, pct as summarise, Pct as Summary, rssMiB } from '../harness';
import { Browser } from 'playwright-core';
import { RunningService, startService, testMongo, testToken, uniqueName } from '@callcenter/testing';
import { launchChromium, signIn } from '../../apps/console/test/browser';

const ROOT = path.resolve(__dirname, '../../..');
const GOAL_FIRST_RENDER_MS = 2_000;
const WIB_MS = 7 * 3600_000;

const { flag, num, has } = options(
  'usage: node dist/bench/console/dashboard.bench.js [--events 1000000] [--per-day 250] [--reuse-history] [--loads 5] [--start-timeout-s 900]\n' +
    '  [--port-base 13400: console B (its OIDC redirect URI), analytics B+4]',
  ['events', 'per-day', 'loads', 'start-timeout-s', 'port-base'],
  ['reuse-history'],
);
const base = num('port-base', 13400);
const PORTS = { console: base, analytics: base + 4 };
const CONSOLE = `http://127.0.0.1:${PORTS.console}`;
const ANALYTICS = `http://127.0.0.1:${PORTS.analytics}`;

const row = (label: string, s: Summary, goal = '') =>
  `  ${label.padEnd(66)} n=${String(s.n).padStart(3)}  p50 ${s.p50.toFixed(1).padStart(8)} ms  max ${s.max.toFixed(1).padStart(8)} ms  ${goal}`;

const wibDay = (ms: number) => new Date(ms + WIB_MS).toISOString().slice(0, 10);

/** The analytics bench's generator, writing the history straight to the topics. */
function generateHistory(): Promise<void> {
  const script = path.join(ROOT, 'dist/bench/analytics/analytics.bench.js');
  const child = spawn(process.execPath, [script, '--history-only', '--events', flag('events') ?? '1000000', '--per-day', flag('per-day') ?? '250'], {
    cwd: ROOT,
    env: process.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout!.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n')) if (/^(history|topics now)/.test(line)) console.log(`  ${line}`);
  });
  return new Promise((ok, fail) => child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`the analytics bench's generator exited with ${code}`)))));
}

async function main() {
  const prefix = uniqueName('benchdashboard').replace(/-/g, '_');
  const common = { MONGODB_DB_PREFIX: prefix, LOG_LEVEL: 'warn', OIDC_ISSUER: process.env.OIDC_ISSUER ?? 'http://127.0.0.1:18080' };
  const services: RunningService[] = [];
  let browser: Browser | undefined;
  try {
    console.log(`dashboard bench: load average at start ${loadavg()}`);
    if (!has('reuse-history')) {
      const t = performance.now();
      await generateHistory();
      console.log(`  generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }

    // Analytics reads a year of history before it is ready: longer than startService's default 60 s.
    const t0 = performance.now();
    const analyticsService = await startService('analytics', PORTS.analytics, common, { readyTimeoutMs: num('start-timeout-s', 900) * 1000 });
    services.push(analyticsService);
    console.log(
      `  analytics ready (history read from offset 0) in ${((performance.now() - t0) / 1000).toFixed(1)} s, RSS ${rssMiB(analyticsService.pid).toFixed(0)} MiB`,
    );
    services.push(
      await startService('console', PORTS.console, {
        ...common,
        CONSOLE_PUBLIC_URL: CONSOLE,
        TRIAGE_URL: `http://127.0.0.1:${base + 2}`,
        DISPATCH_URL: `http://127.0.0.1:${base + 3}`,
        ANALYTICS_URL: ANALYTICS,
      }),
    );

    // A year: from the same day last year (WIB) to today.
    const to = wibDay(Date.now());
    const from = wibDay(Date.now() - 365 * 86_400_000);
    const apiQuery = new URLSearchParams({ from: `${from}T00:00:00+07:00`, to: `${wibDay(Date.now() + 86_400_000)}T00:00:00+07:00` });
    const analyst = testToken('an-dewi', ['analyst']);
    const year = (await (await fetch(`${ANALYTICS}/api/v1/stats/volume?${apiQuery}`, { headers: { authorization: `Bearer ${analyst}` } })).json()) as {
      total: number;
    };
    console.log(`\n=== Dashboard first render: /dashboard/volume from ${from} to ${to} (${Number(year.total).toLocaleString('en')} reports in the range) ===`);

    browser = await launchChromium();
    const { context, page: first } = await signIn(browser, CONSOLE, 'an-dewi', { path: '/dashboard/volume' });
    await first.locator('[data-testid="volume-total"]').waitFor({ timeout: 60_000 });
    await first.close();
    const cookie = (await context.cookies()).find((c) => c.name === 'cc_session')!.value;
    const direct: number[] = [];
    const proxied: number[] = [];
    const loads: number[] = [];
    const answered: number[] = [];
    for (let i = 0; i < num('loads', 5); i++) {
      let t = performance.now();
      await (await fetch(`${ANALYTICS}/api/v1/stats/volume?${apiQuery}`, { headers: { authorization: `Bearer ${analyst}` } })).arrayBuffer();
      direct.push(performance.now() - t);
      t = performance.now();
      await (await fetch(`${CONSOLE}/api/analytics/api/v1/stats/volume?${apiQuery}`, { headers: { cookie: `cc_session=${cookie}` } })).arrayBuffer();
      proxied.push(performance.now() - t);
      const page = await context.newPage();
      const stats = page.waitForResponse((r) => r.url().includes('/api/analytics/api/v1/stats/volume'), { timeout: 60_000 });
      t = performance.now();
      void stats.then(async (r) => (await r.finished(), answered.push(performance.now() - t)));
      await page.goto(`${CONSOLE}/dashboard/volume?from=${from}&to=${to}`);
      await page.locator('#volume canvas, .view-grid canvas').first().waitFor({ timeout: 60_000 });
      await page.locator('[data-testid="by-category"] tbody tr').first().waitFor({ timeout: 60_000 });
      await page.locator('[data-testid="volume-total"]').waitFor({ timeout: 60_000 });
      loads.push(performance.now() - t);
      await page.close();
    }
    const s = summarise(loads);
    console.log(row('baseline: GET /api/v1/stats/volume (the year) from analytics directly', summarise(direct)));
    console.log(row('baseline: the same through the console (session, token, proxy)', summarise(proxied)));
    console.log(row('navigation → the stats answer has arrived in the page', summarise(answered)));
    console.log(
      row(
        'navigation → chart canvas and totals table on screen',
        s,
        `goal ≤ ${GOAL_FIRST_RENDER_MS} ms: ${s.max <= GOAL_FIRST_RENDER_MS ? 'MET (every load)' : s.p50 <= GOAL_FIRST_RENDER_MS ? 'MET at p50 only' : 'MISSED'}`,
      ),
    );
    console.log(
      `  analytics RSS ${rssMiB(analyticsService.pid).toFixed(0)} MiB, console RSS ${rssMiB(services[1].pid).toFixed(0)} MiB; load average at the end ${loadavg()}`,
    );
    await context.close();
  } finally {
    await browser?.close();
    await Promise.all(services.map((s) => s.stop()));
    const mongo = await testMongo();
    for (const s of ['analytics', 'console']) await mongo.db(`${prefix}_${s}`).dropDatabase();
    await mongo.close();
  }
}

/** Spawns analytics like startService does, but returns as soon as it runs: its readiness is awaited with a longer deadline. */
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
