import { randomUUID } from 'node:crypto';
import { Browser, Page } from 'playwright-core';
import { expect as playwrightExpect } from '@playwright/test';
import type { MongoClient } from 'mongodb';
import {
  accessibilityProblems,
  eventually,
  launchChromium,
  PHONE,
  portalReport,
  restClient,
  RunningService,
  screenshot,
  startService,
  startServices,
  testMongo,
  testToken,
  uniqueDbName,
  uniqueName,
} from '@callcenter/testing';
import { CATEGORIES, reportIdFor } from '@callcenter/contracts';

const INTAKE_HTTP = 13501;
const TRIAGE_HTTP = 13502;
const DISPATCH_HTTP = 13503;
const ANALYTICS_HTTP = 13504;
const PORTAL_HTTP = 13505;
const LIMITED_PORTAL_HTTP = 13506;
const INTAKE_GRPC = 13551;
const PORTAL = `http://127.0.0.1:${PORTAL_HTTP}`;
const see = playwrightExpect.configure({ timeout: 30_000 });

describe("citizens' portal in a real browser (Chromium; real intake, triage, dispatch, analytics, Kafka and database)", () => {
  const prefix = uniqueDbName('portal');
  const limitedPrefix = `${prefix}_limited`;
  let services: RunningService[] = [];
  let limited: RunningService | undefined;
  let browser: Browser;
  let mongo: MongoClient;
  const portal = restClient(PORTAL);
  const operator = restClient(`http://127.0.0.1:${TRIAGE_HTTP}`, testToken('op-budi', ['operator']));
  const dispatcher = restClient(`http://127.0.0.1:${DISPATCH_HTTP}`, testToken('dsp-andi', ['dispatcher']));
  const analyst = restClient(`http://127.0.0.1:${ANALYTICS_HTTP}`, testToken('an-dewi', ['analyst']));
  const unitClient = (callSign: string) => restClient(`http://127.0.0.1:${DISPATCH_HTTP}`, testToken(`unit:${callSign}`, ['unit']));

  /** Commits intake stored for the report a portal idempotency key makes. */
  const intakeCommits = (key: string) =>
    mongo
      .db(`${prefix}_intake`)
      .collection('event_commits')
      .find({ streamId: reportIdFor('web-portal', key) })
      .toArray();

  const report = (overrides: Record<string, unknown> = {}) =>
    portalReport({ phone: `+62813${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`, ...overrides });

  /** The report id triage knows for a tracking code (the citizen only ever has the code). */
  async function caseOf(trackingCode: string): Promise<string> {
    const found = await eventually(
      () => operator.get('/api/v1/queue?channel=WEB&limit=200'),
      (r) => r.status === 200 && r.body.items.some((i: any) => i.trackingCode === trackingCode),
      30_000,
    );
    return found.body.items.find((i: any) => i.trackingCode === trackingCode).reportId;
  }

  let unitSeq = 0;
  async function unitAtTebet(): Promise<string> {
    const callSign = `PATROL-PORTAL-${uniqueName('u').split('-')[1].toUpperCase()}${unitSeq++}`;
    expect((await dispatcher.post('/api/v1/units', { callSign, type: 'PATROL_CAR', capabilities: [], homeDistrict: 'TEBET', onShift: true })).status).toBe(201);
    expect((await unitClient(callSign).post(`/api/v1/units/${callSign}/status`, { status: 'AVAILABLE', latitude: -6.231, longitude: 106.851 })).status).toBe(
      200,
    );
    return callSign;
  }

  /** Operator forwards; returns the incident. */
  async function forward(reportId: string, category = 'KEBAKARAN', district = 'TEBET') {
    expect((await operator.post(`/api/v1/reports/${reportId}/claim`)).status).toBe(200);
    expect((await operator.post(`/api/v1/reports/${reportId}/classify`, { category, priority: 'P2', district })).status).toBe(200);
    expect((await operator.post(`/api/v1/reports/${reportId}/forward`)).status).toBe(200);
    const found = await eventually(
      () => dispatcher.get(`/api/v1/incidents?reportId=${reportId}`),
      (r) => r.body?.total === 1,
      30_000,
    );
    return found.body.items[0];
  }

  async function arrive(incidentId: string) {
    const unit = await unitAtTebet();
    expect((await dispatcher.post(`/api/v1/incidents/${incidentId}/assign`, { unitId: unit })).status).toBe(200);
    const u = unitClient(unit);
    expect((await u.post(`/api/v1/incidents/${incidentId}/acknowledge`)).status).toBe(200);
    expect((await u.post(`/api/v1/incidents/${incidentId}/en-route`)).status).toBe(200);
    expect((await u.post(`/api/v1/incidents/${incidentId}/arrive`)).status).toBe(200);
  }

  beforeAll(async () => {
    const common = { MONGODB_DB_PREFIX: prefix, OIDC_ISSUER: process.env.OIDC_ISSUER ?? 'http://127.0.0.1:18080' };
    const portalEnv = {
      ...common,
      PORTAL_INTAKE_GRPC: `127.0.0.1:${INTAKE_GRPC}`,
      PORTAL_ANALYTICS_URL: `http://127.0.0.1:${ANALYTICS_HTTP}`,
      PORTAL_STATS_CACHE_SECONDS: '0',
      PORTAL_REPORTS_PER_IP_PER_HOUR: '1000',
      PORTAL_REPORTS_PER_PHONE_PER_HOUR: '1000',
      PORTAL_LOOKUPS_PER_IP_PER_MINUTE: '10000',
    };
    services = await startServices([
      ['intake', INTAKE_HTTP, { ...common, INTAKE_GRPC_PORT: String(INTAKE_GRPC) }],
      ['triage', TRIAGE_HTTP, common],
      ['dispatch', DISPATCH_HTTP, { ...common, DISPATCH_ACK_TIMEOUT_SECONDS: '600' }],
      ['analytics', ANALYTICS_HTTP, common],
      ['portal', PORTAL_HTTP, portalEnv],
    ]);
    mongo = await testMongo();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await limited?.stop();
    await Promise.all(services.map((s) => s.stop()));
    for (const db of ['intake', 'triage', 'dispatch', 'analytics', 'portal']) await mongo?.db(`${prefix}_${db}`).dropDatabase();
    await mongo?.db(`${limitedPrefix}_portal`).dropDatabase();
    await mongo?.close();
  });

  async function phonePage(path = '/', options: { geolocation?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      locale: 'id-ID',
      timezoneId: 'Asia/Jakarta',
      ...(options.geolocation ? { geolocation: { latitude: -6.2301, longitude: 106.8529 }, permissions: ['geolocation'] } : {}),
    });
    const page = await context.newPage();
    await page.goto(new URL(path, PORTAL).href);
    return page;
  }

  async function expectAccessible(page: Page, screen: string) {
    await screenshot(page, screen);
    expect({ screen, problems: await accessibilityProblems(page) }).toEqual({ screen, problems: [] });
  }

  /** Fills the form with the keyboard only: focus, type, Space on a radio, Enter on the button. */
  async function fillByKeyboard(
    page: Page,
    values: { category: string; description: string; district?: string; address?: string; injured?: string; name?: string; phone?: string },
  ) {
    await page.getByRole('radio', { name: values.category, exact: true }).focus();
    await page.keyboard.press('Space');
    await page.getByLabel('Apa yang terjadi? *').focus();
    await page.keyboard.type(values.description);
    if (values.address) (await page.getByLabel('Alamat atau patokan').focus(), await page.keyboard.type(values.address));
    if (values.district) await page.getByLabel('Kecamatan').selectOption({ label: values.district });
    if (values.injured !== undefined) {
      await page.getByLabel('Berapa orang terluka? *').focus();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(values.injured);
    }
    if (values.name) (await page.getByLabel('Nama', { exact: true }).focus(), await page.keyboard.type(values.name));
    if (values.phone) (await page.getByLabel('Nomor telepon').focus(), await page.keyboard.type(values.phone));
  }

  it('a citizen on a phone reports, gets a tracking code, and watches Diterima → Sedang ditinjau → Diteruskan ke petugas → Petugas di lokasi without a reload', async () => {
    const page = await phonePage('/', { geolocation: true });
    await see(page.getByRole('heading', { name: 'Laporkan kejadian' })).toBeVisible();
    await see(page.getByRole('link', { name: 'Darurat? Telepon 110' }).first()).toBeVisible();
    await expectAccessible(page, 'portal-report');

    await fillByKeyboard(page, {
      category: 'Kejahatan',
      description: 'Penjambretan tas di depan minimarket, pelaku naik motor',
      address: 'Jl. Tebet Raya 45',
      district: 'Tebet',
      injured: '1',
      name: 'Wati Susanti',
      phone: '0813 1111 2222',
    });
    // An urgent category repeats the emergency number next to the choice.
    await see(page.getByText('Kejadian ini bisa darurat')).toBeVisible();
    await page.getByRole('button', { name: 'Gunakan lokasi saya' }).click();
    await see(page.getByText(/Lokasi ponsel dipakai \(-6\.2301, 106\.8529\)/)).toBeVisible();
    await expectAccessible(page, 'portal-report-filled');

    await page.getByRole('button', { name: 'Periksa laporan' }).focus();
    await page.keyboard.press('Enter');
    await see(page.getByRole('heading', { name: 'Periksa sebelum mengirim' })).toBeVisible();
    await see(page.getByText('Laporan akan dikirim ke Polres Metro Jakarta Selatan.')).toBeVisible();
    await see(page.getByText('Wati Susanti, +6281311112222')).toBeVisible();
    await expectAccessible(page, 'portal-review');

    await page.getByRole('button', { name: 'Kirim laporan' }).focus();
    await page.keyboard.press('Enter');
    await see(page.getByRole('heading', { name: 'Laporan terkirim' })).toBeVisible();
    const trackingCode = (await page.locator('#tracking-code').textContent())!.trim();
    expect(trackingCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    const fontSize = await page.locator('#tracking-code').evaluate((el) => parseFloat((globalThis as any).getComputedStyle(el).fontSize));
    expect(fontSize).toBeGreaterThanOrEqual(30);
    await page.getByRole('button', { name: 'Salin kode' }).click();
    await see(page.getByText('Kode disalin.')).toBeVisible();
    await expectAccessible(page, 'portal-confirmation');

    await page.getByRole('link', { name: 'Ikuti laporan ini' }).click();
    await see(page.getByRole('heading', { name: `Kode pelacakan ${trackingCode}` })).toBeVisible();
    const step = (state: string) => page.locator(`.timeline li[data-state="${state}"]`);
    await see(step('RECEIVED')).toContainText('Diterima');
    await expectAccessible(page, 'portal-follow');
    // Marks this document: a reload or navigation would lose the mark.
    await page.evaluate(() => ((globalThis as any).stillTheSamePage = true));

    const reportId = await caseOf(trackingCode);
    expect((await operator.post(`/api/v1/reports/${reportId}/claim`)).status).toBe(200);
    await see(step('IN_TRIAGE')).toContainText('Sedang ditinjau');
    await operator.post(`/api/v1/reports/${reportId}/notes`, { text: 'Catatan internal: pelapor terdengar panik' });
    expect((await operator.post(`/api/v1/reports/${reportId}/classify`, { category: 'KEJAHATAN', priority: 'P2', district: 'TEBET' })).status).toBe(200);
    expect((await operator.post(`/api/v1/reports/${reportId}/forward`)).status).toBe(200);
    await see(step('FORWARDED')).toContainText('Diteruskan ke petugas');
    const incident = (
      await eventually(
        () => dispatcher.get(`/api/v1/incidents?reportId=${reportId}`),
        (r) => r.body?.total === 1,
        30_000,
      )
    ).body.items[0];
    await arrive(incident.incidentId);
    await see(step('ON_SCENE')).toContainText('Petugas di lokasi');
    await see(page.getByRole('status')).toContainText('Petugas di lokasi');
    expect(await page.evaluate(() => (globalThis as any).stillTheSamePage)).toBe(true);
    await expectAccessible(page, 'portal-follow-on-scene');

    // Nothing but states, times and intake's reporter-safe messages reaches the citizen.
    const shown = await page.locator('main').innerText();
    const answer = await portal.get(`/api/public/reports/${trackingCode}`);
    for (const secret of ['op-budi', 'Budi', 'dsp-andi', 'PATROL-PORTAL', 'Catatan internal', 'Wati', '+6281311112222', reportId]) {
      expect(shown).not.toContain(secret);
      expect(JSON.stringify(answer.body)).not.toContain(secret);
    }
    await page.context().close();
  });

  it('English with ?lang=en and a switch back to Indonesian', async () => {
    const page = await phonePage('/?lang=en');
    await see(page.getByRole('heading', { name: 'Report an incident' })).toBeVisible();
    await see(page.getByRole('link', { name: 'Emergency? Call 110' }).first()).toBeVisible();
    await see(page.getByRole('radio', { name: 'Traffic accident' })).toBeVisible();
    await expectAccessible(page, 'portal-report-en');
    await page.getByRole('link', { name: 'Bahasa Indonesia' }).click();
    await see(page.getByRole('heading', { name: 'Laporkan kejadian' })).toBeVisible();
    await page.context().close();
  });

  it('a double click and a retry with the same idempotency key make exactly one report', async () => {
    const page = await phonePage('/');
    const keys: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/public/reports') keys.push(JSON.parse(r.postData()!).idempotencyKey);
    });
    await page.getByRole('radio', { name: 'Kebakaran', exact: true }).check();
    await page.getByLabel('Apa yang terjadi? *').fill('Asap tebal keluar dari ruko kosong di ujung jalan');
    await page.getByLabel('Kecamatan').selectOption({ label: 'Pancoran' });
    await page.getByLabel('Kirim tanpa nama (anonim)').check();
    await page.getByRole('button', { name: 'Periksa laporan' }).click();
    await page.getByRole('button', { name: 'Kirim laporan' }).dblclick();
    await see(page.getByRole('heading', { name: 'Laporan terkirim' })).toBeVisible();
    expect(keys.length).toBeGreaterThanOrEqual(1);
    expect(new Set(keys).size).toBe(1);
    expect(await intakeCommits(keys[0])).toHaveLength(1);
    await page.context().close();

    // The API: two at once and a later retry with one key answer one tracking code.
    const body = report();
    const [a, b] = await Promise.all([portal.post('/api/public/reports', body), portal.post('/api/public/reports', body)]);
    const c = await portal.post('/api/public/reports', body);
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect(new Set([a.body.trackingCode, b.body.trackingCode, c.body.trackingCode]).size).toBe(1);
    expect(c.body.duplicate).toBe(true);
    const commits = await intakeCommits(body.idempotencyKey);
    expect(commits).toHaveLength(1);
    expect(commits[0].events).toHaveLength(1);
    expect(commits[0].events[0].data).toMatchObject({ sourceSystem: 'web-portal', externalId: body.idempotencyKey, channel: 'WEB' });

    // The same key with other content (an edit after a send that reached intake): 409 saying so, and the first report stands alone.
    const edited = await portal.post('/api/public/reports', { ...body, description: `${body.description}, dan api mulai terlihat` });
    expect(edited).toMatchObject({
      status: 409,
      body: { code: 'REPORT_ALREADY_SENT', message: expect.stringMatching(/sudah kami terima sebelum Anda mengubahnya/) },
    });
    expect(await intakeCommits(body.idempotencyKey)).toHaveLength(1);
  });

  it('a filled honeypot is answered like a success and nothing is submitted', async () => {
    const body = report({ website: 'http://spam.example' });
    const answer = await portal.post('/api/public/reports', body);
    expect(answer.status).toBe(201);
    expect(answer.body.trackingCode).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    await new Promise((r) => setTimeout(r, 500));
    expect(await intakeCommits(body.idempotencyKey)).toHaveLength(0);
    expect((await portal.get(`/api/public/reports/${answer.body.trackingCode}`)).status).toBe(404);
  });

  it('bad input answers 400 naming each field with a message a person understands, on screen too, and stores nothing', async () => {
    const body = report({ description: 'x', location: {}, phone: '12345', peopleInjured: 'banyak' });
    const answer = await portal.post('/api/public/reports', body);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_FAILED');
    expect(answer.body.violations.map((v: any) => v.field)).toEqual(['description', 'location', 'peopleInjured', 'phone']);
    expect(answer.body.violations.find((v: any) => v.field === 'phone').message).toBe(
      'Nomor telepon tidak valid. Tulis seperti 0812 3456 7890 atau +62 812 3456 7890.',
    );
    const english = await portal.post('/api/public/reports?lang=en', body);
    expect(english.body.violations.find((v: any) => v.field === 'location').message).toMatch(/^Where did it happen\?/);
    expect(await intakeCommits(body.idempotencyKey)).toHaveLength(0);
    // Too large a body: refused before anything else.
    const huge = await portal.post('/api/public/reports', report({ description: 'a'.repeat(20_000) }));
    expect(huge.status).toBe(413);

    const page = await phonePage('/');
    const keys: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && keys.push(JSON.parse(r.postData()!).idempotencyKey));
    await page.getByRole('radio', { name: 'Lainnya', exact: true }).check();
    await page.getByLabel('Apa yang terjadi? *').fill('Ada suara ledakan keras dari arah rel kereta');
    await page.getByLabel('Nomor telepon').fill('12345');
    await page.getByRole('button', { name: 'Periksa laporan' }).click();
    await see(page.locator('#phone-error')).toHaveText('Nomor telepon tidak valid. Tulis seperti 0812 3456 7890 atau +62 812 3456 7890.');
    await see(page.locator('#where-error')).toContainText('Di mana kejadiannya?');
    await see(page.getByLabel('Nomor telepon')).toHaveAttribute('aria-invalid', 'true');
    await see(page.getByRole('alert')).toContainText('Ada yang perlu diperbaiki');
    await expectAccessible(page, 'portal-report-errors');
    expect(await intakeCommits(keys[0])).toHaveLength(0);
    await page.context().close();
  });

  it('limits per IP and per phone number answer 429 with a clear message', async () => {
    limited = await startService('portal', LIMITED_PORTAL_HTTP, {
      MONGODB_DB_PREFIX: limitedPrefix,
      OIDC_ISSUER: process.env.OIDC_ISSUER ?? 'http://127.0.0.1:18080',
      PORTAL_INTAKE_GRPC: `127.0.0.1:${INTAKE_GRPC}`,
      PORTAL_REPORTS_PER_IP_PER_HOUR: '3',
      PORTAL_REPORTS_PER_PHONE_PER_HOUR: '2',
    });
    const client = restClient(`http://127.0.0.1:${LIMITED_PORTAL_HTTP}`);
    const phone = '+6281299990000';
    expect((await client.post('/api/public/reports', report({ phone }))).status).toBe(201);
    const twice = report({ phone });
    expect((await client.post('/api/public/reports', twice)).status).toBe(201);
    // A retry of a report already made is not counted.
    expect((await client.post('/api/public/reports', twice)).status).toBe(201);
    const byPhone = await client.post('/api/public/reports', report({ phone }));
    expect(byPhone.status).toBe(429);
    expect(byPhone.body).toMatchObject({ code: 'TOO_MANY_REPORTS', field: 'phone' });
    expect(byPhone.body.message).toMatch(
      /^Nomor telepon ini sudah mengirim 2 laporan dalam satu jam terakhir\. Coba lagi dalam \d+ menit, atau telepon 110 bila darurat\.$/,
    );
    // The refused phone did not use up the network's allowance: one more from another number passes.
    expect((await client.post('/api/public/reports', report({ anonymous: true }))).status).toBe(201);
    const byIp = await client.post('/api/public/reports?lang=en', report({ anonymous: true }));
    expect(byIp.status).toBe(429);
    expect(byIp.body).toMatchObject({ code: 'TOO_MANY_REPORTS', field: null });
    expect(byIp.body.message).toMatch(/^Too many reports from your network in the last hour\. Try again in \d+ minutes\. In an emergency, call 110\.$/);

    // On screen: the review step says why it was not sent.
    const context = await browser.newContext({ viewport: PHONE, locale: 'id-ID' });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${LIMITED_PORTAL_HTTP}/`);
    await page.getByRole('radio', { name: 'Lainnya', exact: true }).check();
    await page.getByLabel('Apa yang terjadi? *').fill('Lampu jalan mati sepanjang gang, rawan kejahatan');
    await page.getByLabel('Kecamatan').selectOption({ label: 'Cilandak' });
    await page.getByRole('button', { name: 'Periksa laporan' }).click();
    await page.getByRole('button', { name: 'Kirim laporan' }).click();
    await see(page.getByRole('alert')).toContainText('Terlalu banyak laporan dari jaringan Anda');
    await screenshot(page, 'portal-limit');
    await context.close();
  });

  it('public statistics: small cells suppressed, no free text or coordinates, the numbers analytics computes', async () => {
    // Six fire reports at Setiabudi, forwarded, with a unit on scene: enough for the response times.
    const sent: { trackingCode: string; description: string; name: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const body = report({ description: `Kebakaran gudang nomor ${i} ${randomUUID().slice(0, 6)}` });
      const answer = await portal.post('/api/public/reports', body);
      expect(answer.status).toBe(201);
      sent.push({ trackingCode: answer.body.trackingCode, description: body.description, name: body.name });
    }
    for (const s of sent) await arrive((await forward(await caseOf(s.trackingCode), 'KEBAKARAN', 'SETIABUDI')).incidentId);

    const month = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 7);
    const from = `${month}-01T00:00:00+07:00`;
    const [y, m] = month.split('-').map(Number);
    const to = `${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}-01T00:00:00+07:00`;
    const q = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;

    // Both sides read one live model: compare once it holds our reports and stands still.
    const compare = async () => {
      const [pub, volume, durations] = await Promise.all([
        portal.get(`/api/public/stats?from=${month}&to=${month}`),
        analyst.get(`/api/v1/stats/volume?${q}`),
        analyst.get(`/api/v1/stats/durations?${q}`),
      ]);
      return { pub: pub.body, volume: volume.body, durations: durations.body };
    };
    const settled = await eventually(
      compare,
      (r) =>
        (r.volume.byDistrict?.SETIABUDI ?? 0) >= 6 &&
        (r.durations.measures?.find((x: any) => x.measure === 'received_to_arrived')?.count ?? 0) >= 6 &&
        JSON.stringify(r.pub.months?.[0]?.byDistrict) === JSON.stringify(expectedCells(r.volume.byDistrict, Object.keys(r.pub.months[0].byDistrict))),
      60_000,
      500,
    );
    const { pub, volume, durations } = settled;
    expect(pub.months).toHaveLength(1);
    const row = pub.months[0];
    expect(row.month).toBe(month);
    expect(row.total).toBe(volume.total >= 5 ? volume.total : '< 5');
    expect(row.byCategory).toEqual(expectedCells(volume.byCategory, Object.keys(row.byCategory)));
    expect(row.byDistrict).toEqual(expectedCells(volume.byDistrict, Object.keys(row.byDistrict)));
    for (const [measure, source] of [
      ['received_to_on_scene', 'received_to_arrived'],
      ['received_to_triage_decision', 'received_to_decided'],
    ]) {
      const mine = row.responseTimes.find((r: any) => r.measure === measure);
      const theirs = durations.measures.find((r: any) => r.measure === source);
      expect(mine).toEqual({ measure, count: theirs.count, medianSeconds: theirs.p50Seconds, p90Seconds: theirs.p90Seconds });
    }
    for (const cells of [row.byCategory, row.byDistrict])
      for (const v of Object.values(cells)) expect(v === 0 || v === '< 5' || v === '*' || (typeof v === 'number' && v >= 5)).toBe(true);

    // No free text, names, phones or coordinates in JSON or CSV.
    const csv = await fetch(`${PORTAL}/api/public/stats?format=csv&from=${month}&to=${month}`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const csvText = await csv.text();
    expect(csvText.split('\r\n')[0]).toBe('month,table,key,name,value,median_seconds,p90_seconds');
    expect(csvText).toContain(`${month},district,SETIABUDI,Setiabudi,${row.byDistrict.SETIABUDI}`);
    const json = JSON.stringify(pub);
    for (const text of [json, csvText]) {
      for (const s of sent) for (const secret of [s.description, s.name, s.trackingCode]) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/latitude|longitude|-6\.\d{3}|106\.\d{3}|\+62|Jl\./);
    }
    const allowedKeys = new Set<string>(CATEGORIES);
    expect(Object.keys(row.byCategory).every((k) => allowedKeys.has(k))).toBe(true);
    expect(Object.keys(row.byDistrict)).toContain('UNKNOWN');

    // The page.
    const page = await phonePage('/statistik');
    await see(page.getByRole('heading', { name: 'Statistik publik' })).toBeVisible();
    await see(page.getByRole('table', { name: 'Menurut kecamatan' })).toContainText('Setiabudi');
    await see(page.getByRole('table', { name: 'Waktu tanggap' })).toContainText('Laporan diterima → petugas tiba di lokasi');
    await expectAccessible(page, 'portal-stats');
    await page.context().close();
  });
});

/** What the public table must show for the analysts' counts: suppression as documented. */
function expectedCells(counts: Record<string, number>, keys: string[]): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const k of keys) {
    const c = counts[k] ?? 0;
    out[k] = c > 0 && c < 5 ? '< 5' : c;
  }
  const small = keys.filter((k) => out[k] === '< 5');
  if (small.length === 1) {
    const partner = keys
      .filter((k) => typeof out[k] === 'number' && (out[k] as number) > 0)
      .sort((a, b) => (counts[a] ?? 0) - (counts[b] ?? 0) || a.localeCompare(b))[0];
    if (partner) out[partner] = '*';
  }
  return out;
}
