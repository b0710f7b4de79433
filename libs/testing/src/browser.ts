import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { OIDC_DEMO_PASSWORD } from './oidc';

// The browser helpers of the console's and the portal's browser tests and benches. Playwright and axe-core are loaded
// when first used, so the many specs that import @callcenter/testing without a browser do not pay for them.

/** Debian's Chromium (scripts/test.sh installs it); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    // Root in a container has no user namespace for the sandbox; SwiftShader draws the map's WebGL.
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-dev-shm-usage'],
  });
}

export const PHONE = { width: 390, height: 844 };

/**
 * Signs a demo user in the way a person does: the console sends the browser to the provider's
 * login page, the form is filled and sent, and the console's page comes back.
 */
export async function signIn(
  browser: Browser,
  consoleUrl: string,
  username: string,
  options: { viewport?: { width: number; height: number }; path?: string; lang?: 'id' | 'en' } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 }, locale: 'id-ID', timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  const url = new URL(options.path ?? '/', consoleUrl);
  if (options.lang) url.searchParams.set('lang', options.lang);
  await page.goto(url.href);
  await page.getByLabel(/Nama pengguna|Username/).fill(username);
  await page.getByLabel(/Kata sandi|Password/).fill(OIDC_DEMO_PASSWORD);
  await Promise.all([
    page.waitForURL((url) => url.origin === new URL(consoleUrl).origin && !url.pathname.startsWith('/auth/'), { timeout: 30_000 }),
    page.getByRole('button', { name: /Masuk|Sign in/ }).click(),
  ]);
  return { context, page };
}

/** axe-core on the page as it is: the serious and critical violations, each with its nodes. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(' | ')}`,
    );
}

/** Screenshots go to SCREENSHOT_DIR (docs/screens for `npm run screens`), else the test data folder. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = resolve(process.env.SCREENSHOT_DIR ?? join(__dirname, '../../../.data/test/screens'));
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: false });
}
