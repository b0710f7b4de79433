import { Browser, Page } from 'playwright-core';
import { expect as playwrightExpect } from '@playwright/test';
import {
  accessibilityProblems,
  eventually,
  grpcCall,
  holdsFor,
  launchChromium,
  PHONE,
  restClient,
  sampleReport,
  screenshot,
  servicesForSpec,
  signIn,
  testToken,
} from '@callcenter/testing';

/** This suite's ports (HTTP, and intake's gRPC). */
const PORT = { console: 13300, intake: 13301, triage: 13302, dispatch: 13303, intakeGrpc: 13351 };
const CONSOLE = `http://127.0.0.1:${PORT.console}`;
const see = playwrightExpect.configure({ timeout: 20_000 });

/**
 * Where this suite's reports happen and PATROL-TEBET-01 stands: off the district centroids where
 * other suites' simulated units wait, so the demo unit is the nearest and recommended first.
 */
const SPOT = { latitude: -6.2361, longitude: 106.8587 };

/** Reports of this suite come by a channel no other suite uses, so the queue can be narrowed to them. */
const QUEUE = '/queue?channel=WALK_IN';

describe('console in a real browser (Chromium; real provider, services, Kafka and database)', () => {
  const spec = servicesForSpec(
    'console',
    {
      intake: PORT.intake,
      triage: PORT.triage,
      dispatch: [PORT.dispatch, { DISPATCH_ACK_TIMEOUT_SECONDS: '600' }],
      console: [
        PORT.console,
        {
          CONSOLE_PUBLIC_URL: CONSOLE,
          TRIAGE_URL: `http://127.0.0.1:${PORT.triage}`,
          DISPATCH_URL: `http://127.0.0.1:${PORT.dispatch}`,
          ANALYTICS_URL: 'http://127.0.0.1:13304',
        },
      ],
    },
    { env: { OIDC_ISSUER: process.env.OIDC_ISSUER ?? 'http://127.0.0.1:18080' }, intakeGrpc: PORT.intakeGrpc },
  );
  let browser: Browser;
  const dispatcher = restClient(`http://127.0.0.1:${PORT.dispatch}`, testToken('dsp-setup', ['dispatcher']));

  const triageApi = restClient(`http://127.0.0.1:${PORT.triage}`, testToken('op-setup', ['operator']));
  /** Waits until triage has opened the report's case. */
  const opened = (reportId: string) =>
    eventually(
      () => triageApi.get(`/api/v1/reports/${reportId}`),
      (r) => r.status === 200,
      30_000,
    );

  /** A walk-in report at Tebet; answers its ids and tracking code. */
  async function submit(description: string, categoryHint = 'KEJAHATAN'): Promise<{ reportId: string; trackingCode: string }> {
    const answer = await grpcCall<any>(
      spec.grpcIntake,
      'SubmitReport',
      sampleReport({
        channel: 'WALK_IN',
        category_hint: categoryHint,
        description,
        reporter: { name: 'Wati Susanti', phone: '+6281311112222', anonymous: false },
        location: { ...SPOT, address: 'Jl. Tebet Raya 45', district: 'Tebet' },
        people_injured: 0,
      }),
    );
    return { reportId: answer.report_id, trackingCode: answer.tracking_code };
  }

  beforeAll(async () => {
    // The three demo units of the realm, on shift at their districts.
    for (const [callSign, latitude, longitude, type, district] of [
      ['PATROL-TEBET-01', SPOT.latitude, SPOT.longitude, 'PATROL_CAR', 'TEBET'],
      ['PATROL-SETIABUDI-01', -6.2154, 106.83, 'PATROL_CAR', 'SETIABUDI'],
      ['MOTOR-PANCORAN-01', -6.25, 106.845, 'MOTORCYCLE_PATROL', 'PANCORAN'],
    ] as const) {
      const registered = await dispatcher.post('/api/v1/units', { callSign, type, capabilities: [], homeDistrict: district, onShift: true });
      expect([201, 409]).toContain(registered.status);
      expect((await dispatcher.post(`/api/v1/units/${callSign}/status`, { status: 'AVAILABLE', latitude, longitude })).status).toBe(200);
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function expectAccessible(page: Page, screen: string) {
    await screenshot(page, screen);
    expect({ screen, problems: await accessibilityProblems(page) }).toEqual({ screen, problems: [] });
  }

  it('carries a report from gRPC through triage, dispatch and the field unit to closed, each screen live and accessible', async () => {
    const operator = await signIn(browser, CONSOLE, 'op-budi', { path: QUEUE });
    const queue = operator.page;
    await see(queue.getByRole('heading', { name: 'Antrean triase' })).toBeVisible();
    await see(queue.getByText('Langsung', { exact: true })).toBeVisible();

    // Submitted over gRPC while the queue is open: the row appears without a reload.
    const { reportId, trackingCode } = await submit('Penjambretan tas di depan minimarket Jl. Tebet Raya, pelaku naik motor ke arah Pancoran');
    const row = queue.getByRole('link', { name: trackingCode });
    await see(row).toBeVisible({ timeout: 30_000 });
    await see(queue.getByRole('alert')).toContainText(`P1 baru: ${trackingCode}`); // said at once to a screen reader too
    await expectAccessible(queue, 'operator-queue');

    // Keyboard: the row opens with Enter; the case claims with A.
    await row.focus();
    await queue.keyboard.press('Enter');
    await see(queue.getByRole('heading', { name: `Laporan ${trackingCode}` })).toBeVisible();
    await see(queue.getByText('Identitas pelapor hanya terlihat oleh operator yang memegang laporan.')).toBeVisible();
    await queue.keyboard.press('a');
    await see(queue.getByText(/Ditangani Budi Santoso sejak/)).toBeVisible();
    await see(queue.locator('.timeline li').last()).toContainText('Diambil op-budi'); // what happened, in words, and who
    // The holder may see the reporter, on asking (each view is recorded by triage).
    await queue.getByRole('button', { name: 'Tampilkan identitas pelapor (tercatat)' }).click();
    await see(queue.getByText('Wati Susanti')).toBeVisible();
    await expectAccessible(queue, 'operator-case');

    await queue.getByLabel('Kategori').selectOption('KEJAHATAN');
    await queue.getByRole('heading', { level: 1 }).focus(); // digit keys act outside form fields
    await queue.keyboard.press('2');
    await see(queue.getByRole('radio', { name: /P2/ })).toBeChecked();
    await queue.getByLabel('Kecamatan').selectOption('TEBET');
    await queue.getByRole('button', { name: 'Simpan' }).click();
    await see(queue.getByText('Tersimpan: Klasifikasi')).toBeVisible();
    await queue.getByRole('button', { name: 'Kirim ke dispatch' }).click();
    await see(queue.getByText('Diteruskan ke dispatch')).toBeVisible();

    // The dispatcher's board shows the incident by push, with ranked recommendations.
    const dispatcherUser = await signIn(browser, CONSOLE, 'dsp-andi', { path: '/dispatch' });
    const board = dispatcherUser.page;
    const incidentLink = board.getByRole('link', { name: trackingCode });
    await see(incidentLink).toBeVisible({ timeout: 30_000 });
    await incidentLink.click();
    const assign = board.getByRole('button', { name: 'Tugaskan PATROL-TEBET-01' });
    await see(assign).toBeVisible();
    await see(board.getByText(/Perkiraan tiba \d+ mnt/).first()).toBeVisible();
    await expectAccessible(board, 'dispatcher-board');
    await assign.click();
    await see(board.getByText(/sisa .* untuk konfirmasi/).first()).toBeVisible();

    // The field unit on a phone: acknowledge, en route, on scene, resolve — one big button at a time.
    const unitUser = await signIn(browser, CONSOLE, 'patrol-tebet-01', { viewport: PHONE });
    const phone = unitUser.page;
    await see(phone.getByRole('heading', { name: /Tugas unit/ })).toBeVisible();
    await see(phone.getByText(trackingCode)).toBeVisible({ timeout: 30_000 });
    await expectAccessible(phone, 'unit-phone');
    for (const step of ['Terima tugas', 'Berangkat', 'Tiba di TKP']) {
      await phone.getByRole('button', { name: step }).click();
      await see(phone.getByText(`Tersimpan: ${step}`)).toBeVisible();
    }
    await phone.getByRole('button', { name: 'Selesai' }).click();
    await phone.getByLabel('Hasil').selectOption('ARREST_MADE');
    await phone.getByLabel('Ringkasan').fill('Pelaku diamankan warga, diserahkan ke Polsek Tebet');
    await phone.getByRole('button', { name: 'Selesai' }).click();
    await see(phone.getByText('Belum ada tugas. Tetap siaga.')).toBeVisible();

    // The supervisor sees it resolved on the board and closes it.
    const supervisorUser = await signIn(browser, CONSOLE, 'spv-rina', { path: '/supervisor' });
    const floor = supervisorUser.page;
    await see(floor.getByRole('heading', { name: 'Lantai operator' })).toBeVisible();
    await expectAccessible(floor, 'supervisor-floor');
    // Replay (issue 17): this hour, the slider moved by keyboard to its end (now); the board then holds the incident.
    const dispatchSupervisor = restClient(`http://127.0.0.1:${PORT.dispatch}`, testToken('spv-setup', ['supervisor']));
    // The board's timeline is fed by its own consumer of the dispatch topic: wait until it holds the incident.
    await eventually(
      () => dispatchSupervisor.get(`/api/v1/audit/board?at=${encodeURIComponent(new Date().toISOString())}`),
      (r) => JSON.stringify(r.body).includes(trackingCode),
      60_000,
    );
    await floor.goto(`${CONSOLE}/replay`);
    await see(floor.getByRole('heading', { name: /^Putar ulang/ })).toBeVisible();
    await floor.getByLabel('Jam yang diputar').fill(new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 + 7 * 3_600_000).toISOString().slice(0, 16));
    await floor.getByRole('slider', { name: 'Saat' }).focus();
    await floor.keyboard.press('End');
    await see(floor.getByRole('heading', { name: /^Antrean pukul/ })).toBeVisible();
    await see(floor.getByRole('region', { name: /^Papan dispatch pukul/ }).getByText(trackingCode)).toBeVisible({ timeout: 30_000 });
    await expectAccessible(floor, 'supervisor-replay');
    const incident = await eventually(
      () => dispatcher.get(`/api/v1/incidents?reportId=${reportId}`),
      (r) => r.body.items?.[0]?.status === 'RESOLVED',
    );
    await floor.goto(`${CONSOLE}/dispatch/${incident.body.items[0].incidentId}`);
    await see(floor.getByRole('heading', { name: `${trackingCode} · Selesai` })).toBeVisible();
    await floor.getByRole('button', { name: 'Tutup insiden' }).click();
    await floor.getByRole('button', { name: 'Ya, tutup insiden' }).click(); // closing cannot be undone: asked once more
    await see(floor.getByRole('heading', { name: `${trackingCode} · Ditutup` })).toBeVisible();
    // The dispatcher's open board drops it by push.
    await see(board.getByRole('link', { name: trackingCode })).toHaveCount(0);

    for (const user of [operator, dispatcherUser, unitUser, supervisorUser]) await user.context.close();
  });

  it('tells the operator who lost a race for a case who holds it', async () => {
    const { reportId, trackingCode } = await submit('Keributan antar pemuda di gang sempit dekat Pasar Tebet, warga takut keluar rumah');
    await opened(reportId);
    const budi = await signIn(browser, CONSOLE, 'op-budi', { path: `/queue/${reportId}` });
    const sari = await signIn(browser, CONSOLE, 'op-sari', { path: `/queue/${reportId}` });
    for (const { page } of [budi, sari]) await see(page.getByRole('heading', { name: `Laporan ${trackingCode}` })).toBeVisible({ timeout: 30_000 });
    await Promise.all([budi.page.getByRole('button', { name: 'Ambil' }).click(), sari.page.getByRole('button', { name: 'Ambil' }).click()]);
    const outcome = async (page: Page) => {
      await see(page.getByText(/Tersimpan: Ambil|sedang ditangani/)).toBeVisible();
      return (
        (await page
          .getByText(/Tersimpan: Ambil|sedang ditangani/)
          .first()
          .textContent()) ?? ''
      );
    };
    const [budiSaw, sariSaw] = await Promise.all([outcome(budi.page), outcome(sari.page)]);
    const won = [budiSaw, sariSaw].filter((text) => text.includes('Tersimpan'));
    const lost = [budiSaw, sariSaw].filter((text) => text.includes('sedang ditangani'));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = budiSaw.includes('Tersimpan') ? 'Budi Santoso' : 'Sari Wulandari';
    expect(lost[0]).toMatch(new RegExp(`Laporan ini sedang ditangani ${winner} sejak \\d{2}:\\d{2}:\\d{2} WIB`));
    await expectAccessible(budiSaw.includes('Tersimpan') ? sari.page : budi.page, 'operator-conflict');
    await budi.context.close();
    await sari.context.close();
  });

  it('shows the report it is sent to after another one, its form and its keys included', async () => {
    const first = await submit('Pencurian kotak amal di musala dekat Tebet Utara, pelaku terekam kamera warga');
    const second = await submit('Kebakaran dapur rumah makan di Jl. Tebet Raya, api sudah membesar dan asap tebal', 'KEBAKARAN');
    await Promise.all([opened(first.reportId), opened(second.reportId)]);
    const { context, page } = await signIn(browser, CONSOLE, 'op-sari', { path: `/queue/${first.reportId}` });
    await see(page.getByRole('heading', { name: `Laporan ${first.trackingCode}` })).toBeVisible({ timeout: 30_000 });
    await see(page.getByLabel('Kategori')).toHaveValue('KEJAHATAN');
    // In-page navigation, as a duplicate's link or the back button makes it: the same route, another report.
    await page.evaluate((id) => {
      const w = globalThis as any;
      w.history.pushState(null, '', `/queue/${id}`);
      w.dispatchEvent(new w.PopStateEvent('popstate'));
    }, second.reportId);
    await see(page.getByRole('heading', { name: `Laporan ${second.trackingCode}` })).toBeVisible();
    await see(page.getByLabel('Kategori')).toHaveValue('KEBAKARAN');
    await page.getByRole('heading', { level: 1 }).focus();
    // Single-key shortcuts can be turned off in the key list (WCAG 2.1.4): then A claims nothing; Esc closes the list and stays.
    const letters = page.getByRole('dialog').getByLabel(/Pintasan satu huruf/);
    await page.keyboard.press('?');
    await letters.uncheck();
    await page.keyboard.press('Escape');
    await see(page.getByRole('dialog')).toHaveCount(0);
    await page.getByRole('heading', { level: 1 }).focus();
    await page.keyboard.press('a');
    await holdsFor(
      () => triageApi.get(`/api/v1/reports/${second.reportId}`),
      (r) => !r.body.claim,
      1_500,
    );
    await see(page.getByRole('heading', { name: `Laporan ${second.trackingCode}` })).toBeVisible();
    await page.keyboard.press('?');
    await letters.check();
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { level: 1 }).focus();
    // Forwarding a case nobody holds: triage's rule, said in the screen's language.
    await page.keyboard.press('k');
    await see(page.getByRole('alert')).toHaveText('Tidak bisa sekarang: ambil laporan dulu (A) sebelum bertindak.');
    await page.keyboard.press('a');
    await see(page.getByText(/Ditangani Sari Wulandari sejak/)).toBeVisible();
    const [firstCase, secondCase] = await Promise.all([first, second].map((r) => triageApi.get(`/api/v1/reports/${r.reportId}`)));
    expect([firstCase.body.claim?.operatorId ?? null, secondCase.body.claim?.operatorId]).toEqual([null, 'op-sari']);
    await context.close();
  });

  it('refuses a wrong role on screen and at the API', async () => {
    const { reportId } = await submit('Laporan untuk uji peran: pencurian sepeda di halaman masjid dekat Tebet Barat');
    await opened(reportId);
    const unit = await signIn(browser, CONSOLE, 'patrol-setiabudi-01', { path: QUEUE });
    await see(unit.page.getByRole('heading', { name: 'Anda tidak berwenang membuka halaman ini.' })).toBeVisible();
    await expectAccessible(unit.page, 'forbidden');
    const unitAsks = await unit.page.evaluate(async () => (await fetch('/api/triage/api/v1/queue')).status);
    expect(unitAsks).toBe(403);

    const analyst = await signIn(browser, CONSOLE, 'an-dewi');
    const claimed = await analyst.page.evaluate(async (id) => {
      const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
      const answer = await fetch(`/api/triage/api/v1/reports/${id}/claim`, { method: 'POST', headers: { 'x-csrf-token': session.csrfToken } });
      return { status: answer.status, body: await answer.json() };
    }, reportId);
    expect(claimed).toEqual({ status: 403, body: { code: 'FORBIDDEN', message: expect.stringMatching(/operator/) } });
    await analyst.page.goto(`${CONSOLE}/queue/${reportId}`);
    await see(analyst.page.getByRole('heading', { name: 'Anda tidak berwenang membuka halaman ini.' })).toBeVisible();
    await unit.context.close();
    await analyst.context.close();
  });

  it('refuses bad input with a sentence on screen and stores nothing', async () => {
    const { reportId, trackingCode } = await submit('Ada orang mencurigakan mondar-mandir di kompleks perumahan Tebet Timur sejak sore');
    await opened(reportId);
    const { context, page } = await signIn(browser, CONSOLE, 'op-budi', { path: `/queue/${reportId}` });
    await see(page.getByRole('heading', { name: `Laporan ${trackingCode}` })).toBeVisible({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Ambil' }).click();
    await see(page.getByText(/Ditangani Budi Santoso/)).toBeVisible();
    const before = await page.locator('.timeline li').count();
    await page.getByRole('button', { name: 'Tolak' }).click();
    const explanation = page.getByLabel('Penjelasan');
    // Shorter than triage accepts: the browser says so, and nothing is sent.
    await explanation.pressSequentially('x');
    await page.getByRole('button', { name: 'Kirim', exact: true }).click();
    expect(await explanation.evaluate((field: any) => [field.validity.tooShort, field.validationMessage !== ''])).toEqual([true, true]);
    await see(page.getByRole('alert')).toHaveCount(0);
    // Long enough but blank: triage refuses it, and the screen says which field.
    await explanation.fill('   ');
    await page.getByRole('button', { name: 'Kirim', exact: true }).click();
    await see(page.getByRole('alert')).toContainText('Periksa isian: Penjelasan — tidak boleh kosong');
    await expectAccessible(page, 'operator-bad-input');
    await page.reload();
    await see(page.getByRole('heading', { name: `Laporan ${trackingCode}` })).toBeVisible();
    expect(await page.locator('.timeline li').count()).toBe(before);
    await see(page.getByText('Ditriase')).toBeVisible(); // still in triage, not rejected
    await context.close();
  });

  it('answers 401 to a forged or ended session and 403 to a change without the CSRF token, and keeps every token from the page', async () => {
    expect((await fetch(`${CONSOLE}/api/session`, { headers: { cookie: 'cc_session=forged-0123456789' } })).status).toBe(401);
    const { context, page } = await signIn(browser, CONSOLE, 'op-sari', { path: QUEUE });
    const cookie = (await context.cookies()).find((c) => c.name === 'cc_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    const headers = { cookie: `cc_session=${cookie.value}`, 'content-type': 'application/json' };
    expect((await fetch(`${CONSOLE}/api/session`, { headers })).status).toBe(200);
    const crossSite = await fetch(`${CONSOLE}/api/triage/api/v1/reports/${crypto.randomUUID()}/claim`, { method: 'POST', headers });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.json()).toMatchObject({ code: 'CSRF_TOKEN_INVALID' });
    // No token of any kind is readable by the page.
    const readable = await page.evaluate(() => {
      const w = globalThis as any; // the page's window
      return JSON.stringify({ ...w.localStorage, ...w.sessionStorage }) + w.document.cookie;
    });
    expect(readable).not.toMatch(/eyJ/);
    // A session that has ended (signed out elsewhere) is refused like a forged one.
    const { csrfToken } = (await (await fetch(`${CONSOLE}/api/session`, { headers })).json()) as { csrfToken: string };
    expect((await fetch(`${CONSOLE}/auth/logout`, { method: 'POST', headers: { ...headers, 'x-csrf-token': csrfToken } })).status).toBe(200);
    expect((await fetch(`${CONSOLE}/api/session`, { headers })).status).toBe(401);
    expect((await fetch(`${CONSOLE}/api/triage/api/v1/queue`, { headers })).status).toBe(401);
    await context.close();
  });

  it('signs out at the provider too; the back button then shows nothing private', async () => {
    const { context, page } = await signIn(browser, CONSOLE, 'op-budi', { path: QUEUE });
    // The header names who is signed in (queue rows may name Budi too, as the holder of a claim).
    await see(page.locator('.who')).toContainText('Budi Santoso');
    await page.getByRole('button', { name: 'Keluar' }).click();
    await see(page.getByLabel(/Nama pengguna/)).toBeVisible({ timeout: 20_000 }); // the provider's login page again
    await expectAccessible(page, 'sign-in');
    await page.goBack();
    await see(page.getByLabel(/Nama pengguna/)).toBeVisible({ timeout: 20_000 }); // asked to sign in again
    await see(page.getByText('Budi Santoso')).toHaveCount(0);
    await see(page.getByRole('heading', { name: 'Antrean triase' })).toHaveCount(0);
    expect((await context.request.get(`${CONSOLE}/api/session`)).status()).toBe(401);
    await context.close();
  });

  it('says a quarter of an hour ahead that the session ends, and signs in again from there', async () => {
    const { context, page } = await signIn(browser, CONSOLE, 'op-sari', { path: QUEUE });
    await page.clock.install(); // the page's clock only: the session itself is the console's
    await page.reload();
    await see(page.getByRole('heading', { name: 'Antrean triase' })).toBeVisible();
    const warning = page.getByRole('alert').filter({ hasText: 'Sesi Anda berakhir pukul' });
    await see(warning).toHaveCount(0);
    await page.clock.fastForward('11:46:00'); // CONSOLE_SESSION_HOURS 12
    await see(warning).toBeVisible();
    await warning.getByRole('button', { name: 'Masuk lagi sekarang' }).click();
    await page.waitForURL(`${CONSOLE}${QUEUE}`); // through the provider, whose session still stands, and back to the same page
    await see(page.getByRole('heading', { name: 'Antrean triase' })).toBeVisible();
    await context.close();
  });

  it('switches to English with ?lang=en', async () => {
    const { context, page } = await signIn(browser, CONSOLE, 'op-sari', { path: QUEUE, lang: 'en' });
    await see(page.getByRole('heading', { name: 'Triage queue' })).toBeVisible();
    await see(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    await screenshot(page, 'operator-queue-en');
    await context.close();
  });
});
