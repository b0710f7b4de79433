// bench/privacy (docs/performance.md, "Personal data", issue 14): what crypto-shredding costs — intake's submit, the analytics replay, erasure by phone.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import * as ev from '@callcenter/events';
import { sampleReport, uniqueDbName } from '@callcenter/testing';
import { AnalyticsModel } from '../../apps/analytics/src';
import { SubmitReport, SubmitReportHandler, toSubmitReportDto, TrackingCodeReservations } from '../../apps/intake/src';
import { CallersStore, ReporterErasure } from '../../apps/triage/src';
import * as h from '../harness';

const USAGE = 'usage: node dist/bench/privacy/privacy.bench.js [--seconds 10] [--concurrency 32] [--reports 100] [--rounds 4] [--verbose]';
const { num, has } = h.options(USAGE, ['seconds', 'concurrency', 'reports', 'rounds'], ['verbose']);
const [SECONDS, CONCURRENCY, REPORTS, ROUNDS] = [num('seconds', 10), num('concurrency', 32), num('reports', 100), num('rounds', 4)];
const [OPEN_CONCURRENCY, SECRET] = [50, 'bench-master-key-0123456789abcdefghijklmnop']; // reports opened at once, as triage's case opener does
const VARIANTS = ['plaintext', 'sealed', 'oneKey'] as const;
const left = new h.Leftovers();
/** A vault stand-in whose sealer applies `seal` to every value but null. */
const sealing = (seal: (reportId: string, t: string) => string) => ({
  sealerFor: async (keyId: string) => ({ keyId, seal: (t: string | null) => (t === null ? null : seal(keyId, t)) }) as ev.ReportSealer,
});
const KEY = ev.newDataKey();
const phone = () => `+62812${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
const report = (external_id: string, name: string, number = phone()) =>
  toSubmitReportDto(sampleReport({ external_id, reporter: { name, phone: number, anonymous: false } }));
const cost = (x: number, of: number) => `${((1 - x / of) * 100).toFixed(1)} %`;

async function main() {
  const prefix = uniqueDbName('bench_privacy');
  const [intakeDb, triageDb, keyDb] = ['intake', 'triage', 'keyvault'].map((d) => (left.databases.add(`${prefix}_${d}`), `${prefix}_${d}`));
  const mongo = await left.mongo();
  const store = new ev.MongoEventStore(mongo.db(intakeDb), { producer: 'intake', topic: 'unused', registry: new ev.EventRegistry(ev.intakeEvents) });
  const reservations = new TrackingCodeReservations(mongo.db(intakeDb));
  await Promise.all([store.ensureIndexes(), reservations.onModuleInit()]);
  const vault = () => new ev.PersonalDataVault(new ev.MongoKeyStore(mongo.db(keyDb)), SECRET); // a fresh one: a cold key cache
  // sealed: the real vault; oneKey: sealed with one key kept in memory (sealed events without the key store's writes); plaintext: encryption off.
  const sealers = { plaintext: sealing((_, t) => t), sealed: vault(), oneKey: sealing((id, t) => ev.seal(KEY, id, t)) };
  const handlers = Object.fromEntries(VARIANTS.map((v) => [v, new SubmitReportHandler(store, reservations, sealers[v] as ev.PersonalDataVault)]));
  const written = { plaintext: [] as string[], sealed: [] as string[], oneKey: [] as string[] };

  // ── 1. intake: SubmitReportHandler in process, the variants alternating ──
  const intake = Object.fromEntries(VARIANTS.map((v) => [v, { seconds: 0, latencies: [] as number[] }]));
  /** `seconds` of submissions of `variant`, CONCURRENCY at a time; added to `intake` unless a warm-up. */
  const run = async (variant: (typeof VARIANTS)[number], seconds: number, warmUp = false) => {
    const [started, latencies] = [performance.now(), [] as number[]];
    const worker = async () => {
      while (performance.now() < started + seconds * 1000) {
        const dto = await report(`bench-${randomUUID()}`, 'Siti Aminah');
        await h.timed(latencies, async () => written[variant].push((await handlers[variant].execute(new SubmitReport(dto, 'bench'))).reportId));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const s = (performance.now() - started) / 1000;
    if (has('verbose')) console.log(`  round ${variant}: ${(latencies.length / s).toFixed(0)}/s`);
    if (!warmUp) intake[variant] = { seconds: intake[variant].seconds + s, latencies: [...intake[variant].latencies, ...latencies] };
  };
  for (const v of ['plaintext', 'sealed'] as const) await run(v, 2, true); // warm-up: connections, JIT
  for (let i = 0; i < ROUNDS; i++) for (const variant of VARIANTS) await run(variant, SECONDS / ROUNDS);
  const rate = (v: string) => intake[v].latencies.length / intake[v].seconds;
  console.log(`\nintake: SubmitReportHandler in process, concurrency ${CONCURRENCY}, ${SECONDS} s each (${ROUNDS} rounds, alternating)`);
  for (const [v, p] of VARIANTS.map((v) => [v, h.pct(intake[v].latencies)] as const))
    console.log(`  ${v.padEnd(9)}  ${rate(v).toFixed(0).padStart(6)} submissions/s   p50 ${p.p50.toFixed(1)} ms   p99 ${p.p99.toFixed(1)} ms`);
  console.log(`  cost of encryption: ${cost(rate('sealed'), rate('plaintext'))} of throughput`);

  // ── 2. replay: ReportReceived decoded from its Kafka value into the analytics model; sealed + opened as triage's case opener does ──
  const count = Math.min(written.plaintext.length, written.sealed.length, 20_000);
  const kafkaValues = async (ids: string[]) => {
    const events: ev.EventEnvelope[] = [];
    for (const id of ids.slice(0, count)) events.push(...(await store.readStream(id)).events);
    return events.map((e) => ({ value: Buffer.from(ev.toKafkaMessage(e).value as Buffer | string) }));
  };
  const messages = { plaintext: await kafkaValues(written.plaintext), sealed: await kafkaValues(written.sealed) };
  const bytes = (v: keyof typeof messages) => (messages[v].reduce((s, m) => s + m.value.length, 0) / messages[v].length).toFixed(0);
  const replay = async (variant: keyof typeof messages, open: boolean) => {
    const [model, reader, t, opener] = [new AnalyticsModel(), new ev.EventRegistry([...ev.intakeEvents, ...ev.triageEvents]), performance.now(), vault()];
    const opening: Promise<unknown>[] = [];
    for (const m of messages[variant]) {
      const e = reader.upcast(ev.fromKafkaMessage(m));
      model.apply(e);
      const d = e.data as ev.ReportReceivedV1;
      if (open) opening.push(Promise.all([opener.open(d.reporter.phone), opener.open(d.description)]));
      if (opening.length >= OPEN_CONCURRENCY) await Promise.all(opening.splice(0));
    }
    await Promise.all(opening);
    return messages[variant].length / ((performance.now() - t) / 1000);
  };
  for (const v of ['plaintext', 'sealed'] as const) await replay(v, false); // warm-up
  const runs = { plain: [] as number[], sealed: [] as number[], opened: [] as number[] }; // alternating, the median of each: other load moves single runs a lot
  for (let i = 0; i < 5; i++)
    for (const k of ['plain', 'sealed', 'opened'] as const) runs[k].push(await replay(k === 'plain' ? 'plaintext' : 'sealed', k === 'opened'));
  const [plain, sealed, opened] = [runs.plain, runs.sealed, runs.opened].map(h.median);
  console.log(`\nreplay: ${count} ReportReceived each, decoded from their Kafka value and applied to the analytics model (median of 5 alternating runs)`);
  console.log(`  plaintext            ${plain.toFixed(0).padStart(7)} events/s   (${bytes('plaintext')} bytes per event)`);
  console.log(`  sealed               ${sealed.toFixed(0).padStart(7)} events/s   (${bytes('sealed')} bytes per event)   cost ${cost(sealed, plain)}`);
  const how = `one key look-up per report, cold cache, ${OPEN_CONCURRENCY} at a time`;
  console.log(`  sealed + 2 opened    ${opened.toFixed(0).padStart(7)} events/s   (${how})   cost ${cost(opened, plain)}`);

  // ── 3. erasure by phone (ReporterErasure) ──
  const reporter = phone();
  for (let i = 0; i < REPORTS; i++) await handlers.sealed.execute(new SubmitReport(await report(`erase-${randomUUID()}`, 'Budi Santoso', reporter), 'bench'));
  const triageStore = new ev.MongoEventStore(mongo.db(triageDb), { producer: 'triage', topic: 'unused', registry: new ev.EventRegistry(ev.triageEvents) });
  await triageStore.ensureIndexes();
  const erasure = new ReporterErasure(triageStore, sealers.sealed, new CallersStore(mongo.db(triageDb)));
  const [keys, t] = [await mongo.db(keyDb).collection('report_keys').countDocuments(), performance.now()];
  const receipt = await erasure.erase({ phone: reporter, reason: 'bench' }, 'bench-admin', 'bench');
  const ms = performance.now() - t;
  const names = await Promise.all(receipt.reportIds.map(async (id) => ((await store.readStream(id)).events[0].data as ev.ReportReceivedV1).reporter.name));
  const check = vault();
  const after = await Promise.all(names.filter((n) => n !== null && n !== undefined).map((n) => check.open(n)));
  const outcome = after.every((v) => v === ev.ERASED) ? 'all read "[dihapus]" afterwards' : 'SOME STILL READABLE';
  console.log(`\nerasure by phone: ${receipt.reportIds.length} reports of one reporter among ${keys} keys: ${ms.toFixed(0)} ms (${outcome})`);
}

h.run(main, left);
