/**
 * bench/privacy: what crypto-shredding of reporters' personal data costs (issue 14). In one run,
 * with and without encryption on the same database:
 *
 *   1. intake: SubmitReportHandler (tracking code, data key, ReportReceived appended) in process
 *      against the real database, closed loop, plaintext and sealed alternately (A B A B);
 *   2. replay: decoding ReportReceived as Kafka carries it and applying it to the analytics model,
 *      plaintext and sealed; and sealed plus opening the phone and the description as triage's case
 *      opener does (one key look-up per report, cold cache, 50 reports at a time);
 *   3. erasure: ReporterErasure by phone for a reporter with --reports reports (keys destroyed,
 *      ReporterDataErased appended), among the keys of every report written before.
 *
 * Needs the database (bash infra/bin/infra start) and a build.
 *   node dist/bench/privacy/privacy.bench.js [--seconds 10] [--concurrency 32] [--reports 100]
 * Env: MONGODB_URI (default: the `npm start` database).
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  ERASED,
  EventEnvelope,
  newDataKey,
  seal,
  EventRegistry,
  fromKafkaMessage,
  intakeEvents,
  MongoEventStore,
  MongoKeyStore,
  PersonalDataVault,
  ReportReceivedV1,
  ReportSealer,
  toKafkaMessage,
  triageEvents,
} from '@callcenter/events';
import { sampleReport, testMongo, uniqueName } from '@callcenter/testing';
import { AnalyticsModel } from '../../apps/analytics/src';
import { toSubmitReportDto } from '../../apps/intake/src/grpc/wire';
import { SubmitReportHandler } from '../../apps/intake/src/report/submit-report.handler';
import { TrackingCodeReservations } from '../../apps/intake/src/report/tracking-code-reservations';
import { CallersStore, ReporterErasure } from '../../apps/triage/src';
import { options, pct } from '../harness';

const { num: arg, has } = options(
  'usage: node dist/bench/privacy/privacy.bench.js [--seconds 10] [--concurrency 32] [--reports 100] [--rounds 4] [--verbose]',
  ['seconds', 'concurrency', 'reports', 'rounds'],
  ['verbose'],
);
const SECONDS = arg('seconds', 10);
const CONCURRENCY = arg('concurrency', 32);
const REPORTS = arg('reports', 100);
const ROUNDS = arg('rounds', 4);
/** As many reports in flight as triage's case opener handles at once (streamsConcurrently). */
const OPEN_CONCURRENCY = 50;
const SECRET = 'bench-master-key-0123456789abcdefghijklmnop';

/** Sealed as usual but with one key kept in memory: the size of sealed events without the key store's writes. */
class OneKeyVault {
  private readonly key = newDataKey();
  async sealerFor(reportId: string): Promise<ReportSealer> {
    return { keyId: reportId, seal: ((t: string | null) => (t === null ? null : seal(this.key, reportId, t))) as ReportSealer['seal'] };
  }
}

/** Encryption switched off: the handler's sealer hands every value back as it is. */
class PlaintextVault {
  async sealerFor(reportId: string): Promise<ReportSealer> {
    return { keyId: reportId, seal: ((t: string | null) => t) as ReportSealer['seal'] };
  }
}

async function main() {
  const mongo = await testMongo();
  const prefix = uniqueName('bench_privacy').replace(/-/g, '_');
  const intakeDb = mongo.db(`${prefix}_intake`);
  const triageDb = mongo.db(`${prefix}_triage`);
  const keyDb = mongo.db(`${prefix}_keyvault`);
  const registry = new EventRegistry(intakeEvents);
  const store = new MongoEventStore(intakeDb, { producer: 'intake', topic: 'unused', registry });
  await store.ensureIndexes();
  const reservations = new TrackingCodeReservations(intakeDb);
  await reservations.onModuleInit();
  const vault = new PersonalDataVault(new MongoKeyStore(keyDb), SECRET);
  const handlers = {
    plaintext: new SubmitReportHandler(store, reservations, new PlaintextVault() as unknown as PersonalDataVault),
    sealed: new SubmitReportHandler(store, reservations, vault),
    oneKey: new SubmitReportHandler(store, reservations, new OneKeyVault() as unknown as PersonalDataVault),
  };
  const written: Record<keyof typeof handlers, string[]> = { plaintext: [], sealed: [], oneKey: [] };
  const phone = () => `+62812${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

  // ── 1. intake ──
  const intake: Record<string, { n: number; seconds: number; latencies: number[] }> = {};
  const run = async (variant: keyof typeof handlers, seconds: number) => {
    const until = performance.now() + seconds * 1000;
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < until) {
          const dto = await toSubmitReportDto(
            sampleReport({ external_id: `bench-${randomUUID()}`, reporter: { name: 'Siti Aminah', phone: phone(), anonymous: false } }),
          );
          const t = performance.now();
          const receipt = await handlers[variant].submit(dto, 'bench');
          latencies.push(performance.now() - t);
          written[variant].push(receipt.reportId);
        }
      }),
    );
    if (has('verbose')) process.stdout.write(`  round ${variant}: ${(latencies.length / ((performance.now() - started) / 1000)).toFixed(0)}/s\n`);
    const r = (intake[variant] ??= { n: 0, seconds: 0, latencies: [] });
    r.n += latencies.length;
    r.seconds += (performance.now() - started) / 1000;
    r.latencies.push(...latencies);
  };
  await run('plaintext', 2); // warm-up: connections, JIT
  await run('sealed', 2);
  for (const k of Object.keys(intake)) delete intake[k];
  for (let i = 0; i < ROUNDS; i++) for (const variant of ['plaintext', 'sealed', 'oneKey'] as const) await run(variant, SECONDS / ROUNDS);
  const rate = (v: string) => intake[v].n / intake[v].seconds;
  process.stdout.write(`\nintake: SubmitReportHandler in process, concurrency ${CONCURRENCY}, ${SECONDS} s each (${ROUNDS} rounds, alternating)\n`);
  for (const v of ['plaintext', 'sealed', 'oneKey']) {
    const p = pct(intake[v].latencies);
    process.stdout.write(`  ${v.padEnd(9)}  ${rate(v).toFixed(0).padStart(6)} submissions/s   p50 ${p.p50.toFixed(1)} ms   p99 ${p.p99.toFixed(1)} ms\n`);
  }
  process.stdout.write(`  cost of encryption: ${((1 - rate('sealed') / rate('plaintext')) * 100).toFixed(1)} % of throughput\n`);

  // ── 2. replay ──
  const envelopes = async (ids: string[]) => {
    const out: EventEnvelope[] = [];
    for (const id of ids) out.push(...(await store.readStream(id)).events);
    return out.map((e) => ({ value: Buffer.from(toKafkaMessage(e).value as Buffer | string) }));
  };
  const count = Math.min(written.plaintext.length, written.sealed.length, 20_000);
  const messages = { plaintext: await envelopes(written.plaintext.slice(0, count)), sealed: await envelopes(written.sealed.slice(0, count)) };
  const bytes = (v: keyof typeof messages) => messages[v].reduce((s, m) => s + (m.value as Buffer).length, 0) / messages[v].length;
  const replay = async (variant: keyof typeof messages, open: boolean) => {
    const model = new AnalyticsModel();
    const reader = new EventRegistry([...intakeEvents, ...triageEvents]);
    const fresh = new PersonalDataVault(new MongoKeyStore(keyDb), SECRET); // cold key cache
    const t = performance.now();
    const opening: Promise<unknown>[] = [];
    for (const m of messages[variant]) {
      const e = reader.upcast(fromKafkaMessage(m));
      model.apply(e);
      if (open) {
        const d = e.data as ReportReceivedV1;
        opening.push(Promise.all([fresh.open(d.reporter.phone), fresh.open(d.description)]));
        if (opening.length >= OPEN_CONCURRENCY) await Promise.all(opening.splice(0));
      }
    }
    await Promise.all(opening);
    return messages[variant].length / ((performance.now() - t) / 1000);
  };
  for (const v of ['plaintext', 'sealed'] as const) await replay(v, false); // warm-up
  // Alternating runs, the median of each: the machine's other load moves single runs a lot.
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const runs: Record<'plain' | 'sealed' | 'opened', number[]> = { plain: [], sealed: [], opened: [] };
  for (let i = 0; i < 5; i++) {
    runs.plain.push(await replay('plaintext', false));
    runs.sealed.push(await replay('sealed', false));
    runs.opened.push(await replay('sealed', true));
  }
  const [plain, sealed, opened] = [median(runs.plain), median(runs.sealed), median(runs.opened)];
  process.stdout.write(
    `\nreplay: ${count} ReportReceived each, decoded from their Kafka value and applied to the analytics model (median of 5 alternating runs)\n`,
  );
  process.stdout.write(`  plaintext            ${plain.toFixed(0).padStart(7)} events/s   (${bytes('plaintext').toFixed(0)} bytes per event)\n`);
  process.stdout.write(
    `  sealed               ${sealed.toFixed(0).padStart(7)} events/s   (${bytes('sealed').toFixed(0)} bytes per event)   cost ${((1 - sealed / plain) * 100).toFixed(1)} %\n`,
  );
  process.stdout.write(
    `  sealed + 2 opened    ${opened.toFixed(0).padStart(7)} events/s   (one key look-up per report, cold cache, ${OPEN_CONCURRENCY} at a time)   cost ${((1 - opened / plain) * 100).toFixed(1)} %\n`,
  );

  // ── 3. erasure ──
  const reporter = phone();
  for (let i = 0; i < REPORTS; i++) {
    await handlers.sealed.submit(
      await toSubmitReportDto(sampleReport({ external_id: `erase-${randomUUID()}`, reporter: { name: 'Budi Santoso', phone: reporter, anonymous: false } })),
      'bench',
    );
  }
  const triageStore = new MongoEventStore(triageDb, { producer: 'triage', topic: 'unused', registry: new EventRegistry(triageEvents) });
  await triageStore.ensureIndexes();
  const erasure = new ReporterErasure(triageStore, vault, new CallersStore(triageDb));
  const keys = await keyDb.collection('report_keys').countDocuments();
  const t = performance.now();
  const receipt = await erasure.erase({ phone: reporter, reason: 'bench' }, 'bench-admin', 'bench');
  const ms = performance.now() - t;
  const check = new PersonalDataVault(new MongoKeyStore(keyDb), SECRET);
  const stillReadable = (await Promise.all(receipt.reportIds.map(async (id) => (await store.readStream(id)).events[0].data as ReportReceivedV1))).filter(
    (d) => d.reporter.name !== null && d.reporter.name !== undefined,
  );
  const after = await Promise.all(stillReadable.map((d) => check.open(d.reporter.name)));
  process.stdout.write(
    `\nerasure by phone: ${receipt.reportIds.length} reports of one reporter among ${keys} keys: ${ms.toFixed(0)} ms` +
      ` (${after.every((v) => v === ERASED) ? 'all read "[dihapus]" afterwards' : 'SOME STILL READABLE'})\n`,
  );

  for (const db of [intakeDb, triageDb, keyDb]) await db.dropDatabase();
  await mongo.close();
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
