/** bench/console/dashboard (README.md; docs/performance.md, "Dashboard"): navigation → the volume view of a year of history drawn. */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { launchChromium, signIn, startService, testToken, uniqueDbName } from '@callcenter/testing';
import * as h from '../harness';

const GOAL_FIRST_RENDER_MS = 2_000;
const USAGE = `usage: node dist/bench/console/dashboard.bench.js [--events 1000000] [--per-day 250] [--reuse-history] [--loads 5] [--start-timeout-s 900]
  [--port-base 13400: console B (its OIDC redirect URI), analytics B+4]`;
const { flag, num, has } = h.options(USAGE, ['events', 'per-day', 'loads', 'start-timeout-s', 'port-base'], ['reuse-history']);
const base = num('port-base', 13400);
const [CONSOLE, ANALYTICS] = [`http://127.0.0.1:${base}`, `http://127.0.0.1:${base + 4}`];
const wibDay = (ms: number) => new Date(ms + 7 * 3600_000).toISOString().slice(0, 10); // the day in Asia/Jakarta
const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);
const left = new h.Leftovers();

async function main() {
  const prefix = uniqueDbName('benchdashboard');
  const common = { MONGODB_DB_PREFIX: prefix, LOG_LEVEL: 'warn', OIDC_ISSUER: process.env.OIDC_ISSUER ?? 'http://127.0.0.1:18080' };
  ['analytics', 'console'].forEach((s) => left.databases.add(`${prefix}_${s}`));
  console.log(`dashboard bench: load average at start ${h.loadavg()}`);
  if (!has('reuse-history')) {
    // The analytics bench's generator writes the history straight to the topics; its summary lines are shown.
    const [t, script] = [performance.now(), path.join(h.ROOT, 'dist/bench/analytics/analytics.bench.js')];
    const args = [script, '--history-only', '--events', flag('events') ?? '1000000', '--per-day', flag('per-day') ?? '250'];
    const out = execFileSync(process.execPath, args, { cwd: h.ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 2 ** 26 });
    for (const line of out.split('\n')) if (/^(history|topics now)/.test(line)) console.log(`  ${line}`);
    console.log(`  generated in ${seconds(t)} s`);
  }
  // Analytics reads the whole history from offset 0 before it answers ready: longer than startService's default 60 s.
  const t0 = performance.now();
  const analytics = await startService('analytics', base + 4, common, { readyTimeoutMs: num('start-timeout-s', 900) * 1000 });
  left.services.add(analytics);
  console.log(`  analytics ready (history read from offset 0) in ${seconds(t0)} s, RSS ${h.rssMiB(analytics.pid).toFixed(0)} MiB`);
  const urls = { TRIAGE_URL: `http://127.0.0.1:${base + 2}`, DISPATCH_URL: `http://127.0.0.1:${base + 3}`, ANALYTICS_URL: ANALYTICS };
  const consoleService = await startService('console', base, { ...common, ...urls, CONSOLE_PUBLIC_URL: CONSOLE });
  left.services.add(consoleService);

  // A year: from the same day last year (WIB) to today.
  const [from, to] = [wibDay(Date.now() - 365 * 86_400_000), wibDay(Date.now())];
  const apiQuery = new URLSearchParams({ from: `${from}T00:00:00+07:00`, to: `${wibDay(Date.now() + 86_400_000)}T00:00:00+07:00` });
  const analyst = { headers: { authorization: `Bearer ${testToken('an-dewi', ['analyst'])}` } };
  const year = (await (await fetch(`${ANALYTICS}/api/v1/stats/volume?${apiQuery}`, analyst)).json()) as { total: number };
  console.log(`\n=== Dashboard first render: /dashboard/volume from ${from} to ${to} (${Number(year.total).toLocaleString('en')} reports in the range) ===`);
  const browser = await launchChromium();
  left.closers.push(() => browser.close());
  const { context, page: first } = await signIn(browser, CONSOLE, 'an-dewi', { path: '/dashboard/volume' });
  await first.locator('[data-testid="volume-total"]').waitFor({ timeout: 60_000 });
  await first.close();
  const session = { headers: { cookie: `cc_session=${(await context.cookies()).find((c) => c.name === 'cc_session')!.value}` } };
  const [direct, proxied, loads, answered] = [[], [], [], []] as number[][];
  for (let i = 0; i < num('loads', 5); i++) {
    await h.timed(direct, async () => (await fetch(`${ANALYTICS}/api/v1/stats/volume?${apiQuery}`, analyst)).arrayBuffer());
    await h.timed(proxied, async () => (await fetch(`${CONSOLE}/api/analytics/api/v1/stats/volume?${apiQuery}`, session)).arrayBuffer());
    const page = await context.newPage();
    const stats = page.waitForResponse((r) => r.url().includes('/api/analytics/api/v1/stats/volume'), { timeout: 60_000 });
    const t = performance.now();
    void stats.then(async (r) => (await r.finished(), answered.push(performance.now() - t)));
    await page.goto(`${CONSOLE}/dashboard/volume?from=${from}&to=${to}`);
    for (const drawn of ['#volume canvas, .view-grid canvas', '[data-testid="by-category"] tbody tr', '[data-testid="volume-total"]'])
      await page.locator(drawn).first().waitFor({ timeout: 60_000 });
    loads.push(performance.now() - t);
    await page.close();
  }
  const load = h.pct(loads);
  const line = (label: string, p: h.Pct, goal = '') => h.pctLine(label, p, goal, ['p50', 'max']);
  console.log(line('baseline: GET /api/v1/stats/volume (the year) from analytics directly', h.pct(direct)));
  console.log(line('baseline: the same through the console (session, token, proxy)', h.pct(proxied)));
  console.log(line('navigation → the stats answer has arrived in the page', h.pct(answered)));
  console.log(line('navigation → chart canvas and totals table on screen', load, h.loadsGoal(load, GOAL_FIRST_RENDER_MS)));
  const rss = `analytics RSS ${h.rssMiB(analytics.pid).toFixed(0)} MiB, console RSS ${h.rssMiB(consoleService.pid).toFixed(0)} MiB`;
  console.log(`  ${rss}; load average at the end ${h.loadavg()}`);
  await context.close();
}

h.run(main, left);
