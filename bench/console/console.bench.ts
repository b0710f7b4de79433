/**
 * The console from a person's seat: how long from a gRPC submission until the row is on the screen
 * of operators who have the queue open, and how long the queue takes to become usable with many open
 * cases. Each figure is printed beside a baseline measured in the same run: the Kafka hop the
 * browser cannot beat, and the queue API answering without a browser.
 *
 * Needs Kafka, the database and the OIDC provider (bash infra/bin/infra start, with
 * OIDC_CONSOLE_REDIRECT_URIS including http://127.0.0.1:13400/auth/callback — scripts/test.sh's
 * provider has it), a build (npm run build) and Debian's chromium.
 *
 * usage: node dist/bench/console/console.bench.js [--rate 5] [--seconds 60] [--operators 2] [--open-cases 10000] [--loads 5] [--port-base 13400]
 */
import { options, pct as summarise, Pct as Summary, rssMiB } from '../harness';
import { Browser, Page } from 'playwright-core';
import { fromKafkaMessage, TOPICS } from '@callcenter/events';
import {
  grpcCall,
  intakeClient,
  restClient,
  RunningService,
  sampleReport,
  startServices,
  testKafka,
  testMongo,
  testToken,
  uniqueName,
} from '@callcenter/testing';
import { launchChromium, signIn } from '../../apps/console/test/browser';

const GOAL_VISIBLE_P99_MS = 1_000;
const GOAL_FIRST_LOAD_MS = 1_500;

const { num } = options(
  'usage: node dist/bench/console/console.bench.js [--rate 5] [--seconds 60] [--operators 2] [--open-cases 10000] [--loads 5]\n' +
    '  [--port-base 13400: console B (its OIDC redirect URI), intake B+1, triage B+2, intake gRPC B+51]',
  ['rate', 'seconds', 'operators', 'open-cases', 'loads', 'port-base'],
  [],
);
const base = num('port-base', 13400);
const PORTS = { console: base, intake: base + 1, triage: base + 2, grpc: base + 51 };
const CONSOLE = `http://127.0.0.1:${PORTS.console}`;
const rate = num('rate', 5);
const seconds = num('seconds', 60);
const openCases = num('open-cases', 10_000);

const row = (label: string, s: Summary, goal = '') =>
  `  ${label.padEnd(58)} n=${String(s.n).padStart(5)}  p50 ${s.p50.toFixed(1).padStart(8)} ms  p99 ${s.p99.toFixed(1).padStart(8)} ms  max ${s.max.toFixed(1).padStart(8)} ms  ${goal}`;

/** Records, in the page, when each tracking code first appears in the DOM (epoch ms). */
async function watchRows(page: Page) {
  await page.evaluate(() => {
    const w = globalThis as any;
    w.__seen = {} as Record<string, number>;
    const scan = () => {
      for (const el of w.document.querySelectorAll('.queue-row .code')) {
        const code = el.textContent;
        if (code && !w.__seen[code]) w.__seen[code] = Date.now();
      }
    };
    new w.MutationObserver(scan).observe(w.document.body, { childList: true, subtree: true, characterData: true });
    scan();
  });
}

async function main() {
  const prefix = uniqueName('benchconsole').replace(/-/g, '_');
  const common = { MONGODB_DB_PREFIX: prefix, LOG_LEVEL: 'warn', OIDC_ISSUER: process.env.OIDC_ISSUER ?? 'http://127.0.0.1:18080' };
  const services: RunningService[] = await startServices([
    ['intake', PORTS.intake, { ...common, INTAKE_GRPC_PORT: String(PORTS.grpc) }],
    ['triage', PORTS.triage, common],
    [
      'console',
      PORTS.console,
      {
        ...common,
        CONSOLE_PUBLIC_URL: CONSOLE,
        TRIAGE_URL: `http://127.0.0.1:${PORTS.triage}`,
        DISPATCH_URL: `http://127.0.0.1:${base + 3}`,
        ANALYTICS_URL: `http://127.0.0.1:${base + 4}`,
      },
    ],
  ]);
  const [, , consoleService] = services;
  const grpc = intakeClient(PORTS.grpc);
  const triage = restClient(`http://127.0.0.1:${PORTS.triage}`, testToken('op-bench', ['operator']));
  const browser: Browser = await launchChromium();
  const kafka = testKafka();
  const consumer = kafka.consumer({ groupId: uniqueName('bench-console') });
  try {
    console.log(`console bench: ${rate} reports/s for ${seconds} s, ${num('operators', 2)} operators signed in; then first load with ${openCases} open cases`);

    // ── 1. submission → row on the open screens ──
    const operatorNames = ['op-budi', 'op-sari', 'spv-rina'].slice(0, num('operators', 2));
    const operators = await Promise.all(operatorNames.map((name) => signIn(browser, CONSOLE, name, { path: '/queue?channel=WALK_IN' })));
    for (const { page } of operators) {
      await page.getByText('Langsung', { exact: true }).waitFor({ timeout: 20_000 });
      await watchRows(page);
    }
    const opened = new Map<string, number>(); // reportId → when the TriageCaseOpened reached a plain consumer
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.triage, fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const event = fromKafkaMessage(message);
        if (event.type === 'TriageCaseOpened') opened.set(event.streamId, Date.now());
      },
    });
    await new Promise((r) => setTimeout(r, 3_000)); // the consumer joins its group
    const sent = new Map<string, { reportId: string; at: number }>(); // tracking code → submission
    const total = Math.round(rate * seconds);
    const started = Date.now();
    // Operators work the queue: a case seen on every screen is rejected, so the open list stays short as it would on shift.
    const worked = new Set<string>();
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      const at = Date.now();
      void grpcCall<any>(
        grpc,
        'SubmitReport',
        sampleReport({
          channel: 'WALK_IN',
          description: `Kebakaran gudang di Jl. Tebet Raya ${i}, api besar, dua orang terluka`,
          reporter: { name: 'Bench', phone: `+62812${String(1_000_000 + i).padStart(7, '0')}`, anonymous: false },
          location: { latitude: -6.2297 + (i % 50) * 0.002, longitude: 106.8532, address: `Jl. Tebet Raya ${i}`, district: 'Tebet' },
          people_injured: 2,
        }),
      ).then((answer) => sent.set(answer.tracking_code, { reportId: answer.report_id, at }));
      if (i % 5 === 0)
        void workSeen(
          operators.map((o) => o.page),
          sent,
          worked,
          triage,
        );
    }
    const deadline = Date.now() + 15_000;
    let seen: Record<string, number>[] = [];
    while (Date.now() < deadline) {
      seen = await Promise.all(operators.map(({ page }) => page.evaluate(() => (globalThis as any).__seen as Record<string, number>)));
      if (seen.every((s) => [...sent.keys()].every((code) => s[code]))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const visible: number[] = [];
    let missing = 0;
    for (const [code, { at }] of sent) for (const s of seen) s[code] ? visible.push(s[code] - at) : missing++;
    const kafkaHop = [...sent.values()].flatMap(({ reportId, at }) => (opened.has(reportId) ? [opened.get(reportId)! - at] : []));
    const visibleSummary = summarise(visible);
    console.log(`\n=== 1. Submission → row visible on an open queue (${sent.size} reports acknowledged of ${total}; ${operators.length} browsers) ===`);
    console.log(row('baseline: submit → TriageCaseOpened at a plain kafkajs consumer', summarise(kafkaHop)));
    console.log(
      row(
        "submit → row in the DOM of each operator's browser",
        visibleSummary,
        `goal p99 ≤ ${GOAL_VISIBLE_P99_MS} ms: ${visibleSummary.p99 <= GOAL_VISIBLE_P99_MS ? 'MET' : 'MISSED'}`,
      ),
    );
    console.log(`  rows never seen: ${missing}; console RSS ${rssMiB(consoleService.pid).toFixed(0)} MiB`);
    for (const o of operators.slice(1)) await o.context.close();

    // ── 2. first load of the queue with many open cases ──
    console.log(`\n=== 2. First load of the queue with ${openCases} open cases ===`);
    const before = (await triage.get('/api/v1/queue?channel=SMS&limit=1')).body.total as number;
    const seedStarted = Date.now();
    for (let i = 0; i < openCases; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, openCases - i) }, (_, j) =>
          grpcCall(
            grpc,
            'SubmitReport',
            sampleReport({
              channel: 'SMS',
              description: `Pencurian helm di parkiran pasar, laporan ${i + j}`,
              category_hint: 'KEJAHATAN',
              people_injured: 0,
              reporter: { name: 'Seed', phone: `+62813${String(1_000_000 + i + j).padStart(7, '0')}`, anonymous: false },
              location: { latitude: -6.25 + ((i + j) % 97) * 0.001, longitude: 106.8 + ((i + j) % 89) * 0.001, address: 'Pasar', district: 'Tebet' },
            }),
          ),
        ),
      );
    }
    for (;;) {
      const now = (await triage.get('/api/v1/queue?channel=SMS&limit=1')).body.total as number;
      if (now - before >= openCases) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const queueTotal = (await triage.get('/api/v1/queue?limit=1')).body.total as number;
    console.log(`  seeded in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s; ${queueTotal} open cases in the queue`);
    const operator = operators[0];
    const cookie = (await operator.context.cookies()).find((c) => c.name === 'cc_session')!.value;
    const direct: number[] = [];
    const proxied: number[] = [];
    const loads: number[] = [];
    for (let i = 0; i < num('loads', 5); i++) {
      let t = performance.now();
      await triage.get('/api/v1/queue?limit=200');
      direct.push(performance.now() - t);
      t = performance.now();
      await (await fetch(`${CONSOLE}/api/triage/api/v1/queue?limit=200`, { headers: { cookie: `cc_session=${cookie}` } })).arrayBuffer();
      proxied.push(performance.now() - t);
      const page = await operator.context.newPage();
      t = performance.now();
      await page.goto(`${CONSOLE}/queue`);
      await page.locator('.queue-row').first().waitFor({ timeout: 30_000 });
      await page
        .getByText(/\d[\d.]* laporan/)
        .first()
        .waitFor();
      loads.push(performance.now() - t);
      await page.close();
    }
    const loadSummary = summarise(loads);
    console.log(row('baseline: GET /queue?limit=200 from triage directly', summarise(direct)));
    console.log(row('baseline: the same through the console (session, token, proxy)', summarise(proxied)));
    console.log(
      row(
        'navigation → first rows and the total on screen (virtualised)',
        loadSummary,
        `goal ≤ ${GOAL_FIRST_LOAD_MS} ms: ${loadSummary.max <= GOAL_FIRST_LOAD_MS ? 'MET (every load)' : loadSummary.p50 <= GOAL_FIRST_LOAD_MS ? 'MET at p50 only' : 'MISSED'}`,
      ),
    );
    console.log(`  console RSS ${rssMiB(consoleService.pid).toFixed(0)} MiB, triage RSS ${rssMiB(services[1].pid).toFixed(0)} MiB`);
    await operator.context.close();
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await browser.close();
    grpc.close();
    await Promise.all(services.map((s) => s.stop()));
    const mongo = await testMongo();
    for (const s of ['intake', 'triage', 'console']) await mongo.db(`${prefix}_${s}`).dropDatabase();
    await mongo.close();
  }
}

/** Claims and rejects what every screen has shown, as operators on shift would. */
async function workSeen(pages: Page[], sent: Map<string, { reportId: string }>, worked: Set<string>, triage: ReturnType<typeof restClient>) {
  const seen = await Promise.all(
    pages.map((p) => p.evaluate(() => (globalThis as any).__seen as Record<string, number>).catch(() => ({}) as Record<string, number>)),
  );
  for (const [code, { reportId }] of sent) {
    if (worked.has(code) || !seen.every((s) => s[code])) continue;
    worked.add(code);
    await triage.post(`/api/v1/reports/${reportId}/claim`);
    await triage.post(`/api/v1/reports/${reportId}/reject`, { reason: 'NOT_POLICE_MATTER', explanation: 'benchmark traffic' });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
