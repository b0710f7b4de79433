/**
 * The citizens' portal from a citizen's seat: how long from the HTTP POST of a valid report to the
 * portal until the 201 with its tracking code (which the portal only answers once intake has stored
 * the report), at a steady rate. Printed beside a baseline measured in the same run, interleaved at
 * the same rate: the very same SubmitReport request (as the portal builds it, as web-portal with its
 * key) sent straight to intake's gRPC API.
 *
 * Needs Kafka and the database (bash infra/bin/infra start) and a build (npm run build). The portal
 * is started with high per-IP and per-phone limits (every submission comes from 127.0.0.1) and each
 * report has its own phone number.
 *
 * usage: node dist/bench/portal/portal.bench.js [--rate 20] [--seconds 45] [--warmup 20] [--port-base 13420]
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { loadavg, options, pct as summarise, Pct as Summary, rssMiB } from '../harness';
import { loadJurisdiction } from '@callcenter/contracts';
import { grpcCall, intakeClient, intakeMetadata, RunningService, startServices, testMongo, uniqueName } from '@callcenter/testing';
import { checkCitizenReport, toSubmitRequest } from '../../apps/portal/src/report/citizen-report';

const PORTAL_KEY = 'dev-key-web-portal-0001';
const GOAL_P99_MS = 300;

const { num } = options(
  'usage: node dist/bench/portal/portal.bench.js [--rate 20] [--seconds 45] [--warmup 20] [--port-base 13420: intake B, portal B+1, intake gRPC B+51]',
  ['rate', 'seconds', 'warmup', 'port-base'],
  [],
);
const base = num('port-base', 13420);
const PORTS = { intake: base, portal: base + 1, grpc: base + 51 };
const PORTAL = `http://127.0.0.1:${PORTS.portal}`;
const rate = num('rate', 20);
const seconds = num('seconds', 45);

const row = (label: string, s: Summary, goal = '') =>
  `  ${label.padEnd(62)} n=${String(s.n).padStart(5)}  p50 ${s.p50.toFixed(1).padStart(7)} ms  p99 ${s.p99.toFixed(1).padStart(7)} ms  max ${s.max.toFixed(1).padStart(7)} ms  ${goal}`;

const districts = loadJurisdiction(path.resolve(__dirname, '../../../config/jurisdiction.json')).districts;

/** A report as the portal's form sends it; i makes its phone (the per-phone limit) and text its own. */
const citizenReport = (i: number) => ({
  idempotencyKey: randomUUID(),
  category: 'KEBAKARAN',
  description: `Gudang kayu terbakar di belakang pasar, api membesar (laporan ${i})`,
  location: { latitude: -6.2297 + (i % 50) * 0.001, longitude: 106.8532, address: `Jl. Tebet Raya ${i}`, district: 'TEBET' },
  peopleInjured: 1,
  anonymous: false,
  name: 'Rina Marlina',
  phone: `+62813${String(1_000_000 + (i % 9_000_000)).padStart(7, '0')}`,
});

async function main() {
  const prefix = uniqueName('benchportal').replace(/-/g, '_');
  const common = { MONGODB_DB_PREFIX: prefix, LOG_LEVEL: 'warn', OIDC_ISSUER: process.env.OIDC_ISSUER ?? 'http://127.0.0.1:18080' };
  console.log(
    `portal bench: ${rate} reports/s through the portal and ${rate}/s straight to intake (interleaved) for ${seconds} s; load average at start ${loadavg()}`,
  );
  const services: RunningService[] = await startServices([
    ['intake', PORTS.intake, { ...common, INTAKE_GRPC_PORT: String(PORTS.grpc) }],
    [
      'portal',
      PORTS.portal,
      {
        ...common,
        PORTAL_INTAKE_GRPC: `127.0.0.1:${PORTS.grpc}`,
        PORTAL_REPORTS_PER_IP_PER_HOUR: '1000000',
        PORTAL_REPORTS_PER_PHONE_PER_HOUR: '1000',
        PORTAL_ANALYTICS_URL: 'http://127.0.0.1:13404',
      },
    ],
  ]);
  const [intake, portal] = services;
  const grpc = intakeClient(PORTS.grpc);
  const metadata = intakeMetadata(PORTAL_KEY);
  let seq = 0;

  /** The POST a citizen's browser makes; the time to a 201 with a tracking code, or the failure. */
  async function viaPortal(): Promise<number> {
    const body = JSON.stringify(citizenReport(seq++));
    const t = performance.now();
    const res = await fetch(`${PORTAL}/api/public/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const answer = (await res.json()) as { trackingCode?: string };
    const ms = performance.now() - t;
    if (res.status !== 201 || !answer.trackingCode) throw new Error(`portal answered ${res.status}: ${JSON.stringify(answer)}`);
    return ms;
  }

  /** The same request the portal would make, straight to intake. */
  async function direct(): Promise<number> {
    const checked = checkCitizenReport(citizenReport(seq++), districts);
    if (!('report' in checked)) throw new Error(JSON.stringify(checked.violations));
    const request = toSubmitRequest(checked.report, 'web-portal');
    const t = performance.now();
    const answer = await grpcCall<{ tracking_code: string }>(grpc, 'SubmitReport', request, metadata);
    const ms = performance.now() - t;
    if (!answer.tracking_code) throw new Error('no tracking code from intake');
    return ms;
  }

  try {
    for (let i = 0; i < num('warmup', 20); i++) await Promise.all([viaPortal(), direct()]);
    const portalMs: number[] = [];
    const directMs: number[] = [];
    const failures: string[] = [];
    const pending: Promise<unknown>[] = [];
    const total = Math.round(rate * seconds);
    const started = performance.now();
    for (let i = 0; i < total; i++) {
      // Open loop: each submission at its time whatever the previous ones are doing; the baseline half a period later.
      const due = started + (i * 1000) / rate;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      pending.push(
        viaPortal().then(
          (ms) => portalMs.push(ms),
          (e) => failures.push(`portal: ${(e as Error).message}`),
        ),
      );
      setTimeout(
        () =>
          pending.push(
            direct().then(
              (ms) => directMs.push(ms),
              (e) => failures.push(`intake: ${(e as Error).message}`),
            ),
          ),
        500 / rate,
      );
    }
    await new Promise((r) => setTimeout(r, 1000 / rate));
    await Promise.all(pending);
    const elapsed = (performance.now() - started) / 1000;
    const s = summarise(portalMs);
    console.log(
      `\n=== Report round trip at ${rate}/s for ${seconds} s (${total} through the portal, ${total} straight to intake; ${elapsed.toFixed(1)} s) ===`,
    );
    console.log(row('baseline: the same SubmitReport straight to intake (gRPC)', summarise(directMs)));
    console.log(
      row('POST /api/public/reports → 201 with tracking code (portal)', s, `goal p99 ≤ ${GOAL_P99_MS} ms: ${s.p99 <= GOAL_P99_MS ? 'MET' : 'MISSED'}`),
    );
    console.log(
      `  failures: ${failures.length}${failures.length ? ` (first: ${failures[0]})` : ''}; portal RSS ${rssMiB(portal.pid).toFixed(0)} MiB, intake RSS ${rssMiB(intake.pid).toFixed(0)} MiB`,
    );
    console.log(`  load average at the end ${loadavg()}`);
  } finally {
    grpc.close();
    await Promise.all(services.map((s) => s.stop()));
    const mongo = await testMongo();
    for (const s of ['intake', 'portal']) await mongo.db(`${prefix}_${s}`).dropDatabase();
    await mongo.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
