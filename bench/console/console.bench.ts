/** bench/console (README.md; docs/performance.md, "Console"): submission → row on the operators' open queues; first load of a long queue. */
import type { Page } from 'playwright-core';
import { fromKafkaMessage, TOPICS } from '@callcenter/events';
import {
  grpcCall,
  intakeClient,
  launchChromium,
  sampleReport,
  signIn,
  startServices,
  testKafka,
  testToken,
  triageApi,
  uniqueDbName,
  uniqueName,
} from '@callcenter/testing';
import * as h from '../harness';

const [GOAL_VISIBLE_P99_MS, GOAL_FIRST_LOAD_MS] = [1_000, 1_500];
const USAGE = `usage: node dist/bench/console/console.bench.js [--rate 5] [--seconds 60] [--operators 2] [--open-cases 10000] [--loads 5]
  [--port-base 13400: console B (its OIDC redirect URI), intake B+1, triage B+2, intake gRPC B+51]`;
const { num } = h.options(USAGE, ['rate', 'seconds', 'operators', 'open-cases', 'loads', 'port-base'], []);
const [rate, seconds, openCases, base] = [num('rate', 5), num('seconds', 60), num('open-cases', 10_000), num('port-base', 13400)];
const CONSOLE = `http://127.0.0.1:${base}`;
const kafka = testKafka();
const left = new h.Leftovers(undefined, kafka);

type Seen = Record<string, number>; // tracking code → when the page first showed it (epoch ms)
/** Records, in the page (globalThis.__seen), when each tracking code first appears in the DOM. */
const watchRows = (page: Page) =>
  page.evaluate(() => {
    const w = globalThis as any;
    w.__seen = {};
    const scan = () => {
      for (const el of w.document.querySelectorAll('.queue-row .code')) if (el.textContent && !w.__seen[el.textContent]) w.__seen[el.textContent] = Date.now();
    };
    new w.MutationObserver(scan).observe(w.document.body, { childList: true, subtree: true, characterData: true });
    scan();
  });
const seenIn = (pages: Page[]) => Promise.all(pages.map((p) => p.evaluate(() => (globalThis as any).__seen as Seen).catch(() => ({}) as Seen)));

async function main() {
  const prefix = uniqueDbName('benchconsole');
  const common = { MONGODB_DB_PREFIX: prefix, LOG_LEVEL: 'warn', OIDC_ISSUER: process.env.OIDC_ISSUER ?? 'http://127.0.0.1:18080' };
  const urls = { TRIAGE_URL: `http://127.0.0.1:${base + 2}`, DISPATCH_URL: `http://127.0.0.1:${base + 3}`, ANALYTICS_URL: `http://127.0.0.1:${base + 4}` };
  ['intake', 'triage', 'console', 'keyvault'].forEach((s) => left.databases.add(`${prefix}_${s}`));
  const services = await startServices([
    ['intake', base + 1, { ...common, INTAKE_GRPC_PORT: String(base + 51) }],
    ['triage', base + 2, common],
    ['console', base, { ...common, ...urls, CONSOLE_PUBLIC_URL: CONSOLE }],
  ]);
  services.forEach((s) => left.services.add(s));
  const [, triageService, consoleService] = services;
  const grpc = intakeClient(base + 51);
  const triage = triageApi(base + 2, testToken('op-bench', ['operator'])); // the typed client (libs/api-client)
  const browser = await launchChromium();
  left.closers.push(() => (grpc.close(), browser.close()));
  console.log(`console bench: ${rate} reports/s for ${seconds} s, ${num('operators', 2)} operators signed in; then first load with ${openCases} open cases`);

  // ── 1. submission → row on the open screens ──
  const operatorNames = ['op-budi', 'op-sari', 'spv-rina'].slice(0, num('operators', 2));
  const operators = await Promise.all(operatorNames.map((name) => signIn(browser, CONSOLE, name, { path: '/queue?channel=WALK_IN' })));
  const pages = operators.map((o) => o.page);
  for (const page of pages) await page.getByText('Langsung', { exact: true }).waitFor({ timeout: 20_000 });
  await Promise.all(pages.map(watchRows));
  const opened = new Map<string, number>(); // reportId → when the TriageCaseOpened reached a plain consumer
  const groupId = uniqueName('bench-console');
  left.groups.add(groupId);
  const consumer = await h.joinedConsumer(kafka, { groupId }, [TOPICS.triage], false, {
    eachMessage: async ({ message }) => {
      const event = fromKafkaMessage(message);
      if (event.type === 'TriageCaseOpened') opened.set(event.streamId, Date.now());
    },
  });
  left.closers.unshift(() => consumer.disconnect());
  await h.sleep(1_000); // the group settles on its offsets

  const sent = new Map<string, { reportId: string; at: number }>(); // tracking code → submission
  const worked = new Set<string>();
  /** Operators work the queue: a case every screen has shown is claimed and rejected, so the open list stays short as on shift. */
  const workSeen = async (seen: Seen[]) => {
    for (const [code, { reportId }] of sent) {
      if (worked.has(code) || !seen.every((s) => s[code])) continue;
      worked.add(code);
      const path = { reportId };
      await triage.POST('/api/v1/reports/{reportId}/claim', { params: { path } });
      await triage.POST('/api/v1/reports/{reportId}/reject', { params: { path }, body: { reason: 'NOT_POLICE_MATTER', explanation: 'benchmark traffic' } });
    }
  };
  const total = Math.round(rate * seconds);
  await h.openLoop(total, rate, (i) => {
    const [at, description] = [Date.now(), `Kebakaran gudang di Jl. Tebet Raya ${i}, api besar, dua orang terluka`];
    const reporter = { name: 'Bench', phone: `+62812${String(1_000_000 + i).padStart(7, '0')}`, anonymous: false };
    const location = { latitude: -6.2297 + (i % 50) * 0.002, longitude: 106.8532, address: `Jl. Tebet Raya ${i}`, district: 'Tebet' };
    const report = sampleReport({ channel: 'WALK_IN', description, reporter, location, people_injured: 2 });
    void grpcCall<any>(grpc, 'SubmitReport', report).then((answer) => sent.set(answer.tracking_code, { reportId: answer.report_id, at }));
    if (i % 5 === 0) void seenIn(pages).then(workSeen);
  });
  let seen: Seen[] = [];
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await h.sleep(250)) {
    seen = await seenIn(pages);
    if (seen.every((s) => [...sent.keys()].every((code) => s[code]))) break;
  }
  const visible: number[] = [];
  let missing = 0;
  for (const [code, { at }] of sent) for (const s of seen) s[code] ? visible.push(s[code] - at) : missing++;
  const kafkaHop = [...sent.values()].flatMap(({ reportId, at }) => (opened.has(reportId) ? [opened.get(reportId)! - at] : []));
  const shown = h.pct(visible);
  console.log(`\n=== 1. Submission → row visible on an open queue (${sent.size} reports acknowledged of ${total}; ${operators.length} browsers) ===`);
  console.log(h.pctLine('baseline: submit → TriageCaseOpened at a plain kafkajs consumer', h.pct(kafkaHop)));
  console.log(h.pctLine("submit → row in the DOM of each operator's browser", shown, h.p99Goal(shown, GOAL_VISIBLE_P99_MS)));
  console.log(`  rows never seen: ${missing}; console RSS ${h.rssMiB(consoleService.pid).toFixed(0)} MiB`);
  for (const o of operators.slice(1)) await o.context.close();

  // ── 2. first load of the queue with many open cases ──
  console.log(`\n=== 2. First load of the queue with ${openCases} open cases ===`);
  const queueTotal = async (channel?: 'SMS') =>
    (await triage.GET('/api/v1/queue', { params: { query: { channel: channel && [channel], limit: 1 } } })).data!.total;
  const [before, seedStarted] = [await queueTotal('SMS'), Date.now()];
  await h.pool([...Array(openCases).keys()], 50, async (i) => {
    const description = `Pencurian helm di parkiran pasar, laporan ${i}`;
    const reporter = { name: 'Seed', phone: `+62813${String(1_000_000 + i).padStart(7, '0')}`, anonymous: false };
    const location = { latitude: -6.25 + (i % 97) * 0.001, longitude: 106.8 + (i % 89) * 0.001, address: 'Pasar', district: 'Tebet' };
    await grpcCall(grpc, 'SubmitReport', sampleReport({ channel: 'SMS', description, category_hint: 'KEJAHATAN', people_injured: 0, reporter, location }));
  });
  while ((await queueTotal('SMS')) - before < openCases) await h.sleep(1_000);
  console.log(`  seeded in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s; ${await queueTotal()} open cases in the queue`);
  const { context } = operators[0];
  const session = { headers: { cookie: `cc_session=${(await context.cookies()).find((c) => c.name === 'cc_session')!.value}` } };
  const [direct, proxied, loads] = [[], [], []] as number[][];
  for (let i = 0; i < num('loads', 5); i++) {
    await h.timed(direct, () => triage.GET('/api/v1/queue', { params: { query: { limit: 200 } } }));
    await h.timed(proxied, async () => (await fetch(`${CONSOLE}/api/triage/api/v1/queue?limit=200`, session)).arrayBuffer());
    const page = await context.newPage();
    await h.timed(loads, async () => {
      await page.goto(`${CONSOLE}/queue`);
      for (const shown of [page.locator('.queue-row'), page.getByText(/\d[\d.]* laporan/)]) await shown.first().waitFor({ timeout: 30_000 });
    });
    await page.close();
  }
  const load = h.pct(loads);
  console.log(h.pctLine('baseline: GET /queue?limit=200 from triage directly', h.pct(direct)));
  console.log(h.pctLine('baseline: the same through the console (session, token, proxy)', h.pct(proxied)));
  console.log(h.pctLine('navigation → first rows and the total on screen (virtualised)', load, h.loadsGoal(load, GOAL_FIRST_LOAD_MS)));
  console.log(`  console RSS ${h.rssMiB(consoleService.pid).toFixed(0)} MiB, triage RSS ${h.rssMiB(triageService.pid).toFixed(0)} MiB`);
  await context.close();
}

h.run(main, left);
