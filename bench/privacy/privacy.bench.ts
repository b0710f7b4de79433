/**
 * bench/privacy (docs/performance.md, issue 14): what crypto-shredding costs, with and without encryption on one database: 1. intake's
 * SubmitReportHandler in process (plaintext, sealed, sealed with one key in memory, alternating); 2. replay of ReportReceived into the
 * analytics model (and sealed + opened as triage's case opener does); 3. ReporterErasure by phone. Needs the database and a build.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import * as ev from '@callcenter/events';
import { sampleReport, testMongo, uniqueName } from '@callcenter/testing';
import { AnalyticsModel } from '../../apps/analytics/src';
import { toSubmitReportDto } from '../../apps/intake/src/grpc/wire';
import { SubmitReportHandler } from '../../apps/intake/src/report/submit-report.handler';
import { TrackingCodeReservations } from '../../apps/intake/src/report/tracking-code-reservations';
import { CallersStore, ReporterErasure } from '../../apps/triage/src';
import * as h from '../harness';

const USAGE = 'usage: node dist/bench/privacy/privacy.bench.js [--seconds 10] [--concurrency 32] [--reports 100] [--rounds 4] [--verbose]';
const { num, has } = h.options(USAGE, ['seconds', 'concurrency', 'reports', 'rounds'], ['verbose']);
const [SECONDS, CONCURRENCY, REPORTS, ROUNDS] = [num('seconds', 10), num('concurrency', 32), num('reports', 100), num('rounds', 4)];
/** As many reports in flight as triage's case opener handles at once (streamsConcurrently). */
const OPEN_CONCURRENCY = 50;
const SECRET = 'bench-master-key-0123456789abcdefghijklmnop';
const out = (line: string) => process.stdout.write(`${line}\n`);
const sealing = (seal: (reportId: string, t: string) => string) => ({
  sealerFor: async (reportId: string): Promise<ev.ReportSealer> => ({
    keyId: reportId,
    seal: ((t: string | null) => (t === null ? null : seal(reportId, t))) as ev.ReportSealer['seal'],
  }),
});
/** Sealed as usual but with one key kept in memory: the size of sealed events without the key store's writes. */
const KEY = ev.newDataKey();
const oneKey = sealing((reportId, t) => ev.seal(KEY, reportId, t));
/** Encryption switched off: the handler's sealer hands every value back as it is. */
const plaintext = sealing((_, t) => t);
const phone = () => `+62812${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
const report = (external_id: string, name: string, number = phone()) =>
  toSubmitReportDto(sampleReport({ external_id, reporter: { name, phone: number, anonymous: false } }));
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cost = (x: number, of: number) => `${((1 - x / of) * 100).toFixed(1)} %`;

async function main() {
  const mongo = await testMongo();
  const prefix = uniqueName('bench_privacy').replace(/-/g, '_');
  const [intakeDb, triageDb, keyDb] = ['intake', 'triage', 'keyvault'].map((d) => mongo.db(`${prefix}_${d}`));
  const store = new ev.MongoEventStore(intakeDb, { producer: 'intake', topic: 'unused', registry: new ev.EventRegistry(ev.intakeEvents) });
  await store.ensureIndexes();
  const reservations = new TrackingCodeReservations(intakeDb);
  await reservations.onModuleInit();
  const vault = new ev.PersonalDataVault(new ev.MongoKeyStore(keyDb), SECRET);
  const handler = (v: unknown) => new SubmitReportHandler(store, reservations, v as ev.PersonalDataVault);
  const handlers = { plaintext: handler(plaintext), sealed: handler(vault), oneKey: handler(oneKey) };
  type Variant = keyof typeof handlers;
  const written: Record<Variant, string[]> = { plaintext: [], sealed: [], oneKey: [] };

  // ── 1. intake ──
  let intake: Partial<Record<Variant, { n: number; seconds: number; latencies: number[] }>> = {};
  const run = async (variant: Variant, seconds: number) => {
    const [started, latencies] = [performance.now(), [] as number[]];
    const worker = async () => {
      while (performance.now() < started + seconds * 1000) {
        const [dto, t] = [await report(`bench-${randomUUID()}`, 'Siti Aminah'), performance.now()];
        const receipt = await handlers[variant].submit(dto, 'bench');
        (latencies.push(performance.now() - t), written[variant].push(receipt.reportId));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const s = (performance.now() - started) / 1000;
    if (has('verbose')) out(`  round ${variant}: ${(latencies.length / s).toFixed(0)}/s`);
    const r = (intake[variant] ??= { n: 0, seconds: 0, latencies: [] });
    ((r.n += latencies.length), (r.seconds += s), r.latencies.push(...latencies));
  };
  await run('plaintext', 2); // warm-up: connections, JIT
  await run('sealed', 2);
  intake = {};
  for (let i = 0; i < ROUNDS; i++) for (const variant of ['plaintext', 'sealed', 'oneKey'] as const) await run(variant, SECONDS / ROUNDS);
  const rate = (v: Variant) => intake[v]!.n / intake[v]!.seconds;
  out(`\nintake: SubmitReportHandler in process, concurrency ${CONCURRENCY}, ${SECONDS} s each (${ROUNDS} rounds, alternating)`);
  for (const [v, p] of (['plaintext', 'sealed', 'oneKey'] as const).map((v) => [v, h.pct(intake[v]!.latencies)] as const))
    out(`  ${v.padEnd(9)}  ${rate(v).toFixed(0).padStart(6)} submissions/s   p50 ${p.p50.toFixed(1)} ms   p99 ${p.p99.toFixed(1)} ms`);
  out(`  cost of encryption: ${cost(rate('sealed'), rate('plaintext'))} of throughput`);

  // ── 2. replay ──
  const count = Math.min(written.plaintext.length, written.sealed.length, 20_000);
  const kafkaValues = async (ids: string[]) => {
    const events: ev.EventEnvelope[] = [];
    for (const id of ids.slice(0, count)) events.push(...(await store.readStream(id)).events);
    return events.map((e) => ({ value: Buffer.from(ev.toKafkaMessage(e).value as Buffer | string) }));
  };
  const messages = { plaintext: await kafkaValues(written.plaintext), sealed: await kafkaValues(written.sealed) };
  const bytes = (v: keyof typeof messages) => (messages[v].reduce((s, m) => s + m.value.length, 0) / messages[v].length).toFixed(0);
  const replay = async (variant: keyof typeof messages, open: boolean) => {
    const [model, reader, t] = [new AnalyticsModel(), new ev.EventRegistry([...ev.intakeEvents, ...ev.triageEvents]), performance.now()];
    const fresh = new ev.PersonalDataVault(new ev.MongoKeyStore(keyDb), SECRET); // cold key cache
    const opening: Promise<unknown>[] = [];
    for (const m of messages[variant]) {
      const e = reader.upcast(ev.fromKafkaMessage(m));
      model.apply(e);
      const d = e.data as ev.ReportReceivedV1;
      if (open) opening.push(Promise.all([fresh.open(d.reporter.phone), fresh.open(d.description)]));
      if (opening.length >= OPEN_CONCURRENCY) await Promise.all(opening.splice(0));
    }
    await Promise.all(opening);
    return messages[variant].length / ((performance.now() - t) / 1000);
  };
  for (const v of ['plaintext', 'sealed'] as const) await replay(v, false); // warm-up
  // Alternating runs, the median of each: the machine's other load moves single runs a lot.
  const runs = { plain: [] as number[], sealed: [] as number[], opened: [] as number[] };
  const variants = [
    ['plain', 'plaintext', false],
    ['sealed', 'sealed', false],
    ['opened', 'sealed', true],
  ] as const;
  for (let i = 0; i < 5; i++) for (const [k, v, open] of variants) runs[k].push(await replay(v, open));
  const [plain, sealed, opened] = [median(runs.plain), median(runs.sealed), median(runs.opened)];
  out(`\nreplay: ${count} ReportReceived each, decoded from their Kafka value and applied to the analytics model (median of 5 alternating runs)`);
  out(`  plaintext            ${plain.toFixed(0).padStart(7)} events/s   (${bytes('plaintext')} bytes per event)`);
  out(`  sealed               ${sealed.toFixed(0).padStart(7)} events/s   (${bytes('sealed')} bytes per event)   cost ${cost(sealed, plain)}`);
  const how = `one key look-up per report, cold cache, ${OPEN_CONCURRENCY} at a time`;
  out(`  sealed + 2 opened    ${opened.toFixed(0).padStart(7)} events/s   (${how})   cost ${cost(opened, plain)}`);

  // ── 3. erasure ──
  const reporter = phone();
  for (let i = 0; i < REPORTS; i++) await handlers.sealed.submit(await report(`erase-${randomUUID()}`, 'Budi Santoso', reporter), 'bench');
  const triageStore = new ev.MongoEventStore(triageDb, { producer: 'triage', topic: 'unused', registry: new ev.EventRegistry(ev.triageEvents) });
  await triageStore.ensureIndexes();
  const erasure = new ReporterErasure(triageStore, vault, new CallersStore(triageDb));
  const [keys, t] = [await keyDb.collection('report_keys').countDocuments(), performance.now()];
  const receipt = await erasure.erase({ phone: reporter, reason: 'bench' }, 'bench-admin', 'bench');
  const ms = performance.now() - t;
  const check = new ev.PersonalDataVault(new ev.MongoKeyStore(keyDb), SECRET);
  const names = await Promise.all(receipt.reportIds.map(async (id) => ((await store.readStream(id)).events[0].data as ev.ReportReceivedV1).reporter.name));
  const after = await Promise.all(names.filter((n) => n !== null && n !== undefined).map((n) => check.open(n)));
  const outcome = after.every((v) => v === ev.ERASED) ? 'all read "[dihapus]" afterwards' : 'SOME STILL READABLE';
  out(`\nerasure by phone: ${receipt.reportIds.length} reports of one reporter among ${keys} keys: ${ms.toFixed(0)} ms (${outcome})`);
  for (const db of [intakeDb, triageDb, keyDb]) await db.dropDatabase();
  await mongo.close();
}

h.run(main);
