/**
 * bench/intake: sustained SubmitReport load through ghz (a Go load generator the project did not
 * write) against the real intake service, beside the same load against a bare grpc-js server
 * answering the same contract without doing anything (the baseline), plus submit→on-Kafka
 * latency and a count of lost and duplicated reports.
 *
 * Needs Kafka and the database running (`bash infra/bin/infra start`) and a build (`npm run build`).
 *   node dist/bench/intake/intake.bench.js [--duration 30] [--concurrency 32]
 * Env: KAFKA_BROKERS, MONGODB_URI (defaults: the `npm start` infrastructure).
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { MongoClient } from 'mongodb';
import { INTAKE_PROTO_PATH } from '@callcenter/contracts';
import { createKafka, fromKafkaMessage, TOPICS } from '@callcenter/events';
import { startService } from '@callcenter/testing';
import { loadavg, options } from '../harness';

const ROOT = resolve(__dirname, '../../..');
const GHZ = join(ROOT, '.cache/tools/bin/ghz');
const { num: arg } = options(
  'usage: node dist/bench/intake/intake.bench.js [--duration 30] [--concurrency 32] [--port-base B]',
  ['duration', 'concurrency', 'port-base'],
  [],
);
const DURATION_S = arg('duration', 30);
const CONCURRENCY = arg('concurrency', 32);
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const MONGO = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017';
process.env.KAFKA_BROKERS = BROKERS;
process.env.MONGODB_URI = MONGO;
const KEY = 'dev-key-mobile-app-0001';
/** --port-base B: the bare server on B, intake's HTTP on B+1 and gRPC on B+2 (default 15999, 13091, 15091). */
const PORT_BASE = arg('port-base', 0);
const BARE_PORT = PORT_BASE ? PORT_BASE : 15999;
const HTTP_PORT = PORT_BASE ? PORT_BASE + 1 : 13091;
const GRPC_PORT = PORT_BASE ? PORT_BASE + 2 : 15091;

/** The machine is shared: what else was running, so the figures can be read for what they are. */
function machineLoad(when: string): string {
  const top = execFileSync('ps', ['-eo', 'pcpu,comm', '--sort=-pcpu', '--no-headers'], { encoding: 'utf8' })
    .split('\n')
    .slice(0, 6)
    .map((l) => l.trim())
    .filter(Boolean)
    .join('; ');
  return `load average ${when}: ${loadavg()} on ${cpus().length} CPUs; busiest processes (% CPU since start): ${top}`;
}

const REQUEST = {
  source_system: 'mobile-app',
  external_id: 'bench-{{.UUID}}',
  channel: 'MOBILE_APP',
  reporter: { name: 'Siti Aminah', phone: '+6281234567890' },
  category_hint: 'KECELAKAAN_LALU_LINTAS',
  description: 'Kecelakaan motor dan mobil di simpang Jl. Dago - Jl. Sulanjana, satu orang terluka, lalu lintas macet',
  location: { latitude: -6.8847, longitude: 107.6131, address: 'Jl. Ir. H. Juanda 120', district: 'Coblong' },
  people_injured: 1,
  people_involved: 2,
};

interface GhzReport {
  count: number;
  total: number;
  rps: number;
  latencyDistribution: { percentage: number; latency: number }[] | null;
  statusCodeDistribution: Record<string, number>;
  errorDistribution?: Record<string, number>;
}

async function ghz(port: number, protoArgs: string[]): Promise<GhzReport> {
  const { stdout } = await promisify(execFile)(
    GHZ,
    [
      '--insecure',
      ...protoArgs,
      '--call',
      'callcenter.intake.v1.ReportIntake/SubmitReport',
      '-m',
      JSON.stringify({ 'x-api-key': KEY }),
      '-d',
      JSON.stringify(REQUEST),
      '-c',
      String(CONCURRENCY),
      '-z',
      `${DURATION_S}s`,
      '--connections',
      '4',
      '--format',
      'json',
      `127.0.0.1:${port}`,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout);
}

const ms = (ns: number) => ns / 1e6;
const pct = (r: GhzReport, p: number) => ms(r.latencyDistribution?.find((d) => d.percentage === p)?.latency ?? NaN);

/** The same contract answered at once, with nothing stored: what grpc-js and ghz cost alone. */
function startBareServer(port: number): Promise<grpc.Server> {
  const definition = loadSync(INTAKE_PROTO_PATH, { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true });
  const pkg = grpc.loadPackageDefinition(definition) as any;
  const server = new grpc.Server();
  let n = 0;
  server.addService(pkg.callcenter.intake.v1.ReportIntake.service, {
    SubmitReport: (call: any, cb: any) =>
      cb(null, {
        report_id: `00000000-0000-0000-0000-${String(++n).padStart(12, '0')}`,
        tracking_code: '7KQ2M-94XHD',
        external_id: call.request.external_id,
        duplicate: false,
      }),
  });
  return new Promise((ok, fail) => server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? fail(e) : ok(server))));
}

async function main() {
  const prefix = `bench_${Date.now()}`;
  const kafka = createKafka({ brokers: BROKERS.split(','), clientId: 'bench-intake' });
  const admin = kafka.admin();
  await admin.connect();
  const offsets = async () => {
    try {
      return (await admin.fetchTopicOffsets(TOPICS.intake)).reduce((s, p) => s + Number(p.high), 0);
    } catch {
      return 0;
    }
  };

  console.log(`intake benchmark: ${DURATION_S}s at concurrency ${CONCURRENCY}, ghz over 4 connections, Kafka ${BROKERS}, database ${MONGO}`);

  // 1. Baseline: bare grpc-js server, same proto and load.
  console.log(machineLoad('before'));
  const bare = await startBareServer(BARE_PORT);
  const baseline = await ghz(BARE_PORT, ['--proto', INTAKE_PROTO_PATH]);
  bare.forceShutdown();

  // 2. The real service.
  const service = await startService('intake', HTTP_PORT, {
    MONGODB_DB_PREFIX: prefix,
    INTAKE_GRPC_PORT: String(GRPC_PORT),
    INTAKE_RATE_LIMIT_PER_SECOND: '1000000',
    LOG_LEVEL: 'warn',
  });
  const kafkaBefore = await offsets();

  // submit→on-Kafka latency: receivedAt (set when the request is handled) to a consumer seeing it.
  const latencies: number[] = [];
  const consumer = kafka.consumer({ groupId: `bench-latency-${prefix}` });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.intake, fromBeginning: false });
  await consumer.run({
    autoCommit: false, // a throw-away group: no offset commit on the fetch path
    eachMessage: async ({ message }) => {
      const e = fromKafkaMessage(message);
      if (e.producer === 'intake' && (e.data as any)?.externalId?.startsWith('bench-')) latencies.push(Date.now() - Date.parse(e.occurredAt));
    },
  });
  await new Promise((r) => setTimeout(r, 3_000)); // join the group before the load starts

  const run = await ghz(GRPC_PORT, []); // through server reflection
  const loadAfterRun = machineLoad('during the run (1 min average at its end)');
  await new Promise((r) => setTimeout(r, 5_000)); // let the relay drain
  const mongo = await MongoClient.connect(MONGO);
  const stored = await mongo.db(`${prefix}_intake`).collection('event_commits').countDocuments({});
  const unpublished = await mongo.db(`${prefix}_intake`).collection('event_commits').countDocuments({ published: false });
  const kafkaAfter = await offsets();
  await consumer.disconnect();
  await service.stop();
  await mongo.db(`${prefix}_intake`).dropDatabase();
  await mongo.close();
  await admin.deleteGroups([`bench-latency-${prefix}`]).catch(() => undefined);
  await admin.disconnect();

  const ok = run.statusCodeDistribution?.OK ?? 0;
  const onKafka = kafkaAfter - kafkaBefore;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  const rows = [
    ['', 'intake (real)', 'bare grpc-js', 'ratio'],
    ['requests', run.count, baseline.count, ''],
    ['accepted (OK)/s', (ok / (run.total / 1e9)).toFixed(0), baseline.rps.toFixed(0), (ok / (run.total / 1e9) / baseline.rps).toFixed(3)],
    ['p50 ms', pct(run, 50).toFixed(2), pct(baseline, 50).toFixed(2), ''],
    ['p99 ms', pct(run, 99).toFixed(2), pct(baseline, 99).toFixed(2), ''],
    ['errors', JSON.stringify({ ...run.statusCodeDistribution, OK: undefined }), JSON.stringify({ ...baseline.statusCodeDistribution, OK: undefined }), ''],
  ];
  console.log('\n' + rows.map((r) => r.map((c) => String(c).padEnd(22)).join('')).join('\n'));
  console.log(`\nsubmit→on-Kafka latency over ${latencies.length} reports: p50 ${q(50)} ms, p99 ${q(99)} ms, max ${latencies[latencies.length - 1]} ms`);
  console.log(loadAfterRun);
  console.log(`acknowledged ${ok}, stored ${stored}, on Kafka ${onKafka}, unpublished ${unpublished}`);
  console.log(
    `lost (acknowledged but not stored): ${Math.max(0, ok - stored)}; duplicated on Kafka: ${Math.max(0, onKafka - stored)}; stored but never acknowledged (client gave up): ${Math.max(0, stored - ok)}`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
