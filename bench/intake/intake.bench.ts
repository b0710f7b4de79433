// bench/intake (docs/performance.md, "Intake"): SubmitReport through ghz against intake and a bare grpc-js server (the baseline); submit → on-Kafka; losses.
import { execFile, execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { INTAKE_PROTO_PATH } from '@callcenter/contracts';
import { createKafka, fromKafkaMessage, TOPICS } from '@callcenter/events';
import { sampleReport, startService } from '@callcenter/testing';
import * as h from '../harness';

const USAGE = 'usage: node dist/bench/intake/intake.bench.js [--duration 30] [--concurrency 32] [--port-base B]';
const { num } = h.options(USAGE, ['duration', 'concurrency', 'port-base'], []);
const [DURATION_S, CONCURRENCY, BASE] = [num('duration', 30), num('concurrency', 32), num('port-base', 0)];
// --port-base B: the bare server on B, intake's HTTP on B+1 and gRPC on B+2 (default 15999, 13091, 15091).
const [BARE_PORT, HTTP_PORT, GRPC_PORT] = BASE ? [BASE, BASE + 1, BASE + 2] : [15999, 13091, 15091];
const [BROKERS, MONGO] = [(process.env.KAFKA_BROKERS ??= '127.0.0.1:9092'), (process.env.MONGODB_URI ??= 'mongodb://127.0.0.1:27017')];
const description = 'Kecelakaan motor dan mobil di simpang Jl. Dago - Jl. Sulanjana, satu orang terluka, lalu lintas macet';
const location = { latitude: -6.8847, longitude: 107.6131, address: 'Jl. Ir. H. Juanda 120', district: 'Coblong' };
const fields = { description, location, people_involved: 2, occurred_at: undefined };
const REQUEST = sampleReport({ external_id: 'bench-{{.UUID}}', category_hint: 'KECELAKAAN_LALU_LINTAS', ...fields });
const kafka = createKafka({ brokers: BROKERS.split(','), clientId: 'bench-intake' });
const left = new h.Leftovers(undefined, kafka);
/** The machine is shared: what else was running, so the figures can be read for what they are. */
function machineLoad(when: string): string {
  const ps = execFileSync('ps', ['-eo', 'pcpu,comm', '--sort=-pcpu', '--no-headers'], { encoding: 'utf8' });
  return `load average ${when}: ${h.loadavg()} on ${cpus().length} CPUs; busiest processes (% CPU since start): ${ps.trim().split(/\n\s*/).slice(0, 6).join('; ')}`;
}
type Latency = { percentage: number; latency: number };
type GhzReport = { count: number; total: number; rps: number; latencyDistribution: Latency[] | null; statusCodeDistribution: Record<string, number> };
async function ghz(port: number, protoArgs: string[]): Promise<GhzReport> {
  const call = ['--call', 'callcenter.intake.v1.ReportIntake/SubmitReport', '-m', '{"x-api-key":"dev-key-mobile-app-0001"}', '-d', JSON.stringify(REQUEST)];
  const load = ['-c', `${CONCURRENCY}`, '-z', `${DURATION_S}s`, '--connections', '4', '--format', 'json', `127.0.0.1:${port}`];
  const { stdout } = await promisify(execFile)(`${h.ROOT}/.cache/tools/bin/ghz`, ['--insecure', ...protoArgs, ...call, ...load], { maxBuffer: 2 ** 26 });
  return JSON.parse(stdout);
}
const ghzMs = (r: GhzReport, p: number) => h.f((r.latencyDistribution?.find((d) => d.percentage === p)?.latency ?? NaN) / 1e6, 2);
/** The same contract answered at once, with nothing stored: what grpc-js and ghz cost alone. */
function startBareServer(port: number): Promise<grpc.Server> {
  const pkg = grpc.loadPackageDefinition(loadSync(INTAKE_PROTO_PATH, { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true })) as any;
  const [server, id] = [new grpc.Server(), (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`];
  let n = 0;
  const SubmitReport = (call: any, cb: any) => cb(null, { report_id: id(++n), tracking_code: '7KQ2M-94XHD', external_id: call.request.external_id });
  server.addService(pkg.callcenter.intake.v1.ReportIntake.service, { SubmitReport });
  return new Promise((ok, fail) => server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? fail(e) : ok(server))));
}

async function main() {
  const [prefix, admin] = [`bench_${Date.now()}`, kafka.admin()];
  await admin.connect();
  left.closers.push(() => admin.disconnect());
  const offsets = () => h.topicSize(admin, TOPICS.intake).catch(() => 0);
  console.log(`intake benchmark: ${DURATION_S}s at concurrency ${CONCURRENCY}, ghz over 4 connections, Kafka ${BROKERS}, database ${MONGO}`);
  console.log(machineLoad('before'));
  // 1. Baseline: bare grpc-js server, same proto and load.
  const server = await startBareServer(BARE_PORT);
  const baseline = await ghz(BARE_PORT, ['--proto', INTAKE_PROTO_PATH]);
  server.forceShutdown();
  // 2. The real service; submit → on-Kafka latency: occurredAt (set when the request is handled) to a consumer (a throw-away group, joined first) seeing it.
  const env = { MONGODB_DB_PREFIX: prefix, INTAKE_GRPC_PORT: `${GRPC_PORT}`, INTAKE_RATE_LIMIT_PER_SECOND: '1000000', LOG_LEVEL: 'warn' };
  const service = await startService('intake', HTTP_PORT, env);
  (left.services.add(service), left.databases.add(`${prefix}_intake`).add(`${prefix}_keyvault`), left.groups.add(`bench-latency-${prefix}`));
  const [kafkaBefore, latencies] = [await offsets(), [] as number[]];
  const consumer = await h.joinedConsumer(kafka, { groupId: `bench-latency-${prefix}` }, [TOPICS.intake], false, {
    autoCommit: false,
    eachMessage: async ({ message }) => {
      const e = fromKafkaMessage(message);
      if (e.producer === 'intake' && (e.data as any)?.externalId?.startsWith('bench-')) latencies.push(Date.now() - Date.parse(e.occurredAt));
    },
  });
  left.closers.unshift(() => consumer.disconnect());
  const [run, loadAfterRun] = [await ghz(GRPC_PORT, []), machineLoad('during the run (1 min average at its end)')]; // through server reflection
  await h.sleep(5_000); // let the relay drain
  const commits = (await left.mongo()).db(`${prefix}_intake`).collection('event_commits');
  const [stored, unpublished] = [await commits.countDocuments({}), await commits.countDocuments({ published: false })];
  const onKafka = (await offsets()) - kafkaBefore;
  await left.stopService(service);
  const [ok, okRate] = [run.statusCodeDistribution?.OK ?? 0, (run.statusCodeDistribution?.OK ?? 0) / (run.total / 1e9)];
  const errors = (r: GhzReport) => JSON.stringify({ ...r.statusCodeDistribution, OK: undefined });
  const cells = (r: GhzReport, rate: number) => [r.count, rate.toFixed(0), ghzMs(r, 50), ghzMs(r, 99), errors(r)];
  const [real, bare] = [cells(run, okRate), cells(baseline, baseline.rps)];
  const ratio = (okRate / baseline.rps).toFixed(3);
  const body = ['requests', 'accepted (OK)/s', 'p50 ms', 'p99 ms', 'errors'].map((k, i) => [k, real[i], bare[i], i === 1 ? ratio : '']);
  console.log('\n' + [['', 'intake (real)', 'bare grpc-js', 'ratio'], ...body].map((r) => r.map((c) => String(c).padEnd(22)).join('')).join('\n'));
  const p = h.pct(latencies);
  console.log(`\nsubmit→on-Kafka latency over ${p.n} reports: p50 ${h.f(p.p50, 0)} ms, p99 ${h.f(p.p99, 0)} ms, max ${h.f(p.max, 0)} ms`);
  console.log(`${loadAfterRun}\nacknowledged ${ok}, stored ${stored}, on Kafka ${onKafka}, unpublished ${unpublished}`);
  const lost = `lost (acknowledged but not stored): ${Math.max(0, ok - stored)}; duplicated on Kafka: ${Math.max(0, onKafka - stored)}`;
  console.log(`${lost}; stored but never acknowledged (client gave up): ${Math.max(0, stored - ok)}`);
}

h.run(main, left);
