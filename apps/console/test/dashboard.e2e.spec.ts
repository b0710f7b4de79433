import { readFileSync } from 'node:fs';
import { Browser, Page } from 'playwright-core';
import { expect as playwrightExpect } from '@playwright/test';
import type { MongoClient } from 'mongodb';
import {
  accessibilityProblems,
  consumerGroupCaughtUp,
  eventually,
  launchChromium,
  restClient,
  RunningService,
  screenshot,
  signIn,
  startServices,
  testKafka,
  testMongo,
  testToken,
  uniqueDbName,
} from '@callcenter/testing';
import { TOPICS } from '@callcenter/events';
import { runSimulation } from '../../../tools/simulator/src/simulate';

const PORT = { console: 13300, intake: 13311, triage: 13312, dispatch: 13313, analytics: 13314 };
const GRPC = 13361;
const CONSOLE = `http://127.0.0.1:${PORT.console}`;
const see = playwrightExpect.configure({ timeout: 20_000 });
const shown = (n: number) => new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 }).format(n);
/** Today in Asia/Jakarta, as the dashboard's day filters take it. */
const todayWib = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);

describe('analyst dashboard, commander overview and admin rebuild in a real browser, after a simulated hour', () => {
  const prefix = uniqueDbName('dashboard');
  const services: RunningService[] = [];
  let mongo: MongoClient;
  let browser: Browser;
  const analyst = restClient(`http://127.0.0.1:${PORT.analytics}`, testToken('an-check', ['analyst', 'commander']));
  let ledger: Awaited<ReturnType<typeof runSimulation>>;

  beforeAll(async () => {
    mongo = await testMongo();
    const env = { MONGODB_DB_PREFIX: prefix, INTAKE_GRPC_PORT: String(GRPC), OIDC_ISSUER: process.env.OIDC_ISSUER ?? 'http://127.0.0.1:18080' };
    services.push(
      ...(await startServices([
        ['intake', PORT.intake, env],
        ['triage', PORT.triage, env],
        ['dispatch', PORT.dispatch, env],
        ['analytics', PORT.analytics, env],
        [
          'console',
          PORT.console,
          {
            ...env,
            CONSOLE_PUBLIC_URL: CONSOLE,
            TRIAGE_URL: `http://127.0.0.1:${PORT.triage}`,
            DISPATCH_URL: `http://127.0.0.1:${PORT.dispatch}`,
            ANALYTICS_URL: `http://127.0.0.1:${PORT.analytics}`,
          },
        ],
      ])),
    );
    const kafka = testKafka();
    await consumerGroupCaughtUp(kafka, 'triage-case-opener', [TOPICS.intake]);
    await consumerGroupCaughtUp(kafka, 'dispatch-incident-opener', [TOPICS.triage]);
    ledger = await runSimulation({
      period: '1h',
      speed: 240,
      reportsPerHour: 120,
      seed: 20261202,
      intake: `127.0.0.1:${GRPC}`,
      intakeHttpUrl: `http://127.0.0.1:${PORT.intake}`,
      triageUrl: `http://127.0.0.1:${PORT.triage}`,
      dispatchUrl: `http://127.0.0.1:${PORT.dispatch}`,
      analyticsUrl: `http://127.0.0.1:${PORT.analytics}`,
      bots: true,
      operators: 4,
      units: 12,
      drain: '20m',
      verify: true,
      log: null,
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(services.map((s) => s.stop()));
    for (const s of Object.keys(PORT)) await mongo?.db(`${prefix}_${s}`).dropDatabase();
    await mongo?.close();
  });

  async function expectAccessible(page: Page, screen: string) {
    await screenshot(page, screen);
    expect({ screen, problems: await accessibilityProblems(page) }).toEqual({ screen, problems: [] });
  }

  /** The counts a table on screen shows, by its rows' header text. */
  const tableCounts = (page: Page, testId: string) =>
    page
      .getByTestId(testId)
      .locator('tbody tr')
      .evaluateAll((rows) => Object.fromEntries(rows.map((r) => [r.querySelector('th')!.textContent!.trim(), r.querySelector('td')!.textContent!.trim()])));

  it("shows the API's numbers for the same filters, which match the simulator's ledger", async () => {
    const { summary, analytics } = ledger;
    expect(summary.acknowledged).toBe(summary.sent);
    expect(analytics?.matched).toBe(true);
    // Ground truth: over the simulation's window, analytics counts exactly what the ledger sent, channel by channel.
    const window = `from=${encodeURIComponent(summary.receivedFrom!)}&to=${encodeURIComponent(new Date(Date.parse(summary.receivedTo!) + 1).toISOString())}`;
    const inWindow = (await analyst.get(`/api/v1/stats/volume?${window}`)).body;
    expect(inWindow.total).toBe(summary.acknowledged);
    expect(inWindow.byChannel).toEqual(summary.byChannel);

    const { context, page } = await signIn(browser, CONSOLE, 'an-dewi', { path: `/dashboard/volume?from=${todayWib()}&to=${todayWib()}&by=channel` });
    await see(page.getByRole('heading', { name: 'Dasbor analis' })).toBeVisible();
    const filters = `from=${encodeURIComponent(`${todayWib()}T00:00:00+07:00`)}&to=${encodeURIComponent(`${new Date(Date.parse(`${todayWib()}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)}T00:00:00+07:00`)}`;
    const api = (await analyst.get(`/api/v1/stats/volume?${filters}`)).body;
    await see(page.getByTestId('volume-total')).toContainText(shown(api.total));
    const channels = await tableCounts(page, 'by-channel');
    expect(Object.values(channels).sort()).toEqual(
      Object.values(api.byChannel as Record<string, number>)
        .map(shown)
        .sort(),
    );
    expect(Object.keys(channels)).toContain('Telepon 110');
    await expectAccessible(page, 'analyst-volume');

    // Filtering: the same shares the API gives, per channel.
    await page.getByRole('link', { name: 'Penyaringan' }).click();
    await see(page.getByTestId('filtering-channel')).toBeVisible();
    const rejectedShown = await page
      .getByTestId('filtering-channel')
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.querySelectorAll('td')[1].textContent!.trim()));
    expect(rejectedShown.sort()).toEqual(
      Object.values(api.notActionableByChannel as Record<string, { rejected: number }>)
        .map((g) => shown(g.rejected))
        .sort(),
    );
    await expectAccessible(page, 'analyst-filtering');

    for (const [view, testId] of [
      ['durations', 'durations'],
      ['load', 'load'],
      ['staffing', 'staffing'],
      ['hotspots', 'hotspots'],
      ['workload', 'workload-operators'],
    ] as const) {
      await page.goto(`${CONSOLE}/dashboard/${view}?from=${todayWib()}&to=${todayWib()}`);
      await see(page.getByTestId(testId)).toBeVisible();
      await expectAccessible(page, `analyst-${view}`);
    }
    await context.close();
  });

  it("drills down from a count to the reports and on to a report's timeline", async () => {
    const { context, page } = await signIn(browser, CONSOLE, 'an-dewi', { path: `/dashboard/volume?from=${todayWib()}&to=${todayWib()}` });
    await page.getByTestId('volume-total').getByRole('link').click();
    await see(page.getByRole('heading', { name: /^Laporan \(/ })).toBeVisible();
    await expectAccessible(page, 'analyst-drill-down');
    await page.getByTestId('report-list').locator('tbody a').first().click();
    await see(page.getByRole('heading', { name: /Riwayat laporan/ })).toBeVisible();
    await see(page.getByTestId('timeline')).toContainText('ReportReceived');
    await expectAccessible(page, 'analyst-timeline');
    await context.close();
  });

  it('downloads each view as CSV and as PNG', async () => {
    const { context, page } = await signIn(browser, CONSOLE, 'an-dewi', { path: `/dashboard/volume?from=${todayWib()}&to=${todayWib()}` });
    await see(page.getByTestId('volume-total')).toBeVisible();
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Unduh CSV' }).click()]);
    const csvText = readFileSync((await csv.path())!, 'utf8');
    expect(csvText.split('\n')[0]).toMatch(/dimension,value,count/);
    expect(csvText).toMatch(/total,all,\d+/);
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Unduh PNG' }).first().click()]);
    expect(png.suggestedFilename()).toMatch(/\.png$/);
    expect(
      readFileSync((await png.path())!)
        .subarray(0, 8)
        .toString('hex'),
    ).toBe('89504e470d0a1a0a');
    await context.close();
  });

  it('gives the commander the open reports, overdue, units and today on one screen', async () => {
    const { context, page } = await signIn(browser, CONSOLE, 'cmd-hadi');
    await see(page.getByRole('heading', { name: 'Ringkasan komandan' })).toBeVisible();
    const open = (await analyst.get('/api/v1/stats/overview')).body.open.total as number;
    await see(page.getByTestId('open-total'))
      .toHaveText(shown(open), { timeout: 30_000 })
      .catch(async () => {
        // The bots may still close reports: the screen must agree with the API read just after.
        const now = (await analyst.get('/api/v1/stats/overview')).body.open.total as number;
        await see(page.getByTestId('open-total')).toHaveText(shown(now));
      });
    await expectAccessible(page, 'commander');
    await context.close();
  });

  it('lets an admin rebuild the read models from the browser and watch it to the switch', async () => {
    const { context, page } = await signIn(browser, CONSOLE, 'adm-eko');
    await see(page.getByRole('heading', { name: 'Administrasi model baca' })).toBeVisible();
    await see(page.getByTestId('generation')).toHaveText(/^\d+$/);
    const before = Number(await page.getByTestId('generation').textContent());
    await page.getByRole('button', { name: 'Bangun ulang semua model baca' }).click();
    await see(page.getByTestId('rebuild-progress')).toContainText(/RUNNING|SWITCHED/);
    await see(page.getByTestId('rebuild-progress')).toContainText('SWITCHED', { timeout: 120_000 });
    await see(page.getByTestId('generation')).toHaveText(String(before + 1));
    await expectAccessible(page, 'admin-rebuild');
    const after = await eventually(
      () => analyst.get('/api/v1/stats/volume'),
      (r) => r.status === 200,
    );
    expect(after.body.total).toBeGreaterThanOrEqual(ledger.summary.acknowledged);
    await context.close();
  });
});
