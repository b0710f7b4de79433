/** bench/portal (README.md; docs/performance.md, "Portal"): a citizen's POST to the portal → 201, beside the same SubmitReport straight to intake. */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { loadJurisdiction } from '@callcenter/contracts';
import { grpcCall, intakeClient, intakeMetadata, startServices, uniqueDbName } from '@callcenter/testing';
import { checkCitizenReport, toSubmitRequest } from '../../apps/portal/src';
import * as h from '../harness';

const GOAL_P99_MS = 300;
const USAGE =
  'usage: node dist/bench/portal/portal.bench.js [--rate 20] [--seconds 45] [--warmup 20] [--port-base 13420: intake B, portal B+1, intake gRPC B+51]';
const { num } = h.options(USAGE, ['rate', 'seconds', 'warmup', 'port-base'], []);
const [rate, seconds, base] = [num('rate', 20), num('seconds', 45), num('port-base', 13420)];
const districts = loadJurisdiction(path.join(h.ROOT, 'config/jurisdiction.json')).districts;
const left = new h.Leftovers();

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
  const prefix = uniqueDbName('benchportal');
  const common = { MONGODB_DB_PREFIX: prefix, LOG_LEVEL: 'warn', OIDC_ISSUER: process.env.OIDC_ISSUER ?? 'http://127.0.0.1:18080' };
  ['intake', 'portal', 'keyvault'].forEach((s) => left.databases.add(`${prefix}_${s}`));
  console.log(
    `portal bench: ${rate} reports/s through the portal and ${rate}/s straight to intake (interleaved) for ${seconds} s; load average at start ${h.loadavg()}`,
  );
  // Every submission comes from 127.0.0.1: high per-IP and per-phone limits (each report has its own phone).
  const limits = { PORTAL_REPORTS_PER_IP_PER_HOUR: '1000000', PORTAL_REPORTS_PER_PHONE_PER_HOUR: '1000', PORTAL_ANALYTICS_URL: 'http://127.0.0.1:13404' };
  const [intake, portal] = await startServices([
    ['intake', base, { ...common, INTAKE_GRPC_PORT: String(base + 51) }],
    ['portal', base + 1, { ...common, ...limits, PORTAL_INTAKE_GRPC: `127.0.0.1:${base + 51}` }],
  ]);
  [intake, portal].forEach((s) => left.services.add(s));
  const [grpc, metadata] = [intakeClient(base + 51), intakeMetadata('dev-key-web-portal-0001')];
  left.closers.push(() => grpc.close());
  let seq = 0;
  /** The POST a citizen's browser makes: ms to a 201 with a tracking code, or the failure. */
  const viaPortal = async () => {
    const [body, t] = [JSON.stringify(citizenReport(seq++)), performance.now()];
    const res = await fetch(`http://127.0.0.1:${base + 1}/api/public/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const [answer, ms] = [(await res.json()) as { trackingCode?: string }, performance.now() - t];
    if (res.status !== 201 || !answer.trackingCode) throw new Error(`portal answered ${res.status}: ${JSON.stringify(answer)}`);
    return ms;
  };
  /** The same request the portal would make (as web-portal, with its key), straight to intake. */
  const direct = async () => {
    const checked = checkCitizenReport(citizenReport(seq++), districts);
    if (!('report' in checked)) throw new Error(JSON.stringify(checked.violations));
    const [request, t] = [toSubmitRequest(checked.report, 'web-portal'), performance.now()];
    const [answer, ms] = [await grpcCall<{ tracking_code: string }>(grpc, 'SubmitReport', request, metadata), performance.now() - t];
    if (!answer.tracking_code) throw new Error('no tracking code from intake');
    return ms;
  };

  for (let i = 0; i < num('warmup', 20); i++) await Promise.all([viaPortal(), direct()]);
  const [portalMs, directMs, failures, pending] = [[] as number[], [] as number[], [] as string[], [] as Promise<unknown>[]];
  const failed = (what: string) => (e: Error) => failures.push(`${what}: ${e.message}`);
  const measure = (into: number[], what: string, send: () => Promise<number>) => pending.push(send().then((ms) => into.push(ms), failed(what)));
  const total = Math.round(rate * seconds);
  // Open loop: each submission at its time whatever the previous ones are doing; the baseline half a period later.
  const { start } = await h.openLoop(total, rate, () => {
    measure(portalMs, 'portal', viaPortal);
    setTimeout(() => measure(directMs, 'intake', direct), 500 / rate);
  });
  await h.sleep(1000 / rate);
  await Promise.all(pending);
  const [elapsed, s] = [(h.nowMs() - start) / 1000, h.pct(portalMs)];
  console.log(`\n=== Report round trip at ${rate}/s for ${seconds} s (${total} through the portal, ${total} straight to intake; ${elapsed.toFixed(1)} s) ===`);
  console.log(h.pctLine('baseline: the same SubmitReport straight to intake (gRPC)', h.pct(directMs)));
  console.log(h.pctLine('POST /api/public/reports → 201 with tracking code (portal)', s, h.p99Goal(s, GOAL_P99_MS)));
  const rss = `portal RSS ${h.rssMiB(portal.pid).toFixed(0)} MiB, intake RSS ${h.rssMiB(intake.pid).toFixed(0)} MiB`;
  console.log(`  failures: ${failures.length}${failures.length ? ` (first: ${failures[0]})` : ''}; ${rss}`);
  console.log(`  load average at the end ${h.loadavg()}`);
}

h.run(main, left);
