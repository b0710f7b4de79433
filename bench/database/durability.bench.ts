// bench/database: acknowledged-write durability and speed of MongoEventStore.append on each database `infra start-db` runs (issue 15). See README.md.
import 'reflect-metadata'; // @callcenter/events pulls in @callcenter/contracts, whose DTO decorators need it first
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { MongoEventStore, ReportReceived } from '@callcenter/events';
import { receivedReportData } from '@callcenter/testing';
import * as h from '../harness';

const strings = ['engines', 'seconds', 'rounds', 'concurrency', 'rate', 'steady-seconds', 'repeat', 'port'];
const o = h.options(h.readmeOptions('database'), strings, ['no-power-cut', 'strace', 'keep']);
const config = {
  engines: (o.flag('engines') ?? 'mongo-java-server,mongo-java-server-memory,ferretdb-postgresql').split(',').filter(Boolean),
  ...{ speedSeconds: o.num('seconds', 5), rounds: o.num('rounds', 3), concurrency: o.num('concurrency', 32), rate: o.num('rate', 200) },
  ...{ steadySeconds: o.num('steady-seconds', 6), repeat: o.num('repeat', 3), port: o.num('port', 14710), powerCut: !o.has('no-power-cut') },
  ...{ strace: o.has('strace'), keep: o.has('keep'), dataDir: path.resolve(process.env.BENCH_DATA_DIR ?? path.join(h.ROOT, '.data/bench-database')) },
  out: process.env.BENCH_OUT ?? '/tmp/durability-last-run.json',
};
const LABELS: Record<string, string> = {
  'mongo-java-server': 'mongo-java-server 1.47, H2 MVStore, fsync before the answer (default)',
  'mongo-java-server-nosync': 'mongo-java-server 1.47, H2 MVStore, --no-sync (before the fix)',
  'mongo-java-server-memory': 'mongo-java-server 1.47, in-memory backend',
  'ferretdb-postgresql': 'FerretDB 1.24 on PostgreSQL',
  ferretdb: 'FerretDB 1.24 on SQLite',
};

const INFRA = path.join(h.ROOT, 'infra/bin/infra');
const latency = (values: number[]) => h.pctRounded(values, 2, ['n', 'p50', 'p99', 'max']);
const run = (cmd: string, argv: string[], env = process.env) => execFileSync(cmd, argv, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
/** `fn`'s value, or `otherwise`'s when it throws (a process or a file already gone, a command that failed). */
function attempt<T>(fn: () => T, otherwise?: (e: unknown) => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    return otherwise?.(e);
  }
}
const stderrOf = (e: unknown) => (e as { stderr?: string }).stderr ?? String(e);
/** The stderr (or message) of `fn`'s failure; undefined when it succeeds. */
const failure = (fn: () => unknown) => attempt(() => void fn(), stderrOf);
const proc = (pid: number, file: string) => attempt(() => readFileSync(`/proc/${pid}/${file}`, 'utf8')) ?? '';
/** A zombie (killed, not yet reaped) still answers kill 0: read its state instead. */
const alive = (pid: number) => !/^\d+ \(.*\) Z/.test(proc(pid, 'stat') || '0 () Z');
function children(pid: number): number[] {
  const direct = proc(pid, `task/${pid}/children`).split(/\s+/).filter(Boolean);
  return direct.map(Number).flatMap((c) => [c, ...children(c)]);
}
const signal = (pid: number, sig: NodeJS.Signals) => attempt(() => process.kill(pid, sig));

/** One database through infra/bin/infra: `engine` on `port` (PostgreSQL on `port` + 1), its files in <dir>/db, with a loop device an ext4 filesystem of their own. */
function database(engine: string, port: number) {
  const [dir, uri, images] = [path.join(config.dataDir, engine), `mongodb://127.0.0.1:${port}`, [] as string[]];
  const [files, env] = [path.join(dir, 'db'), { ...process.env, INFRA_DATA_DIR: dir, DB_ENGINE: engine, DB_PORT: `${port}`, PG_PORT: `${port + 1}` }];
  let device: string | undefined; // the loop device db/ is mounted from; its image is the last of `images`
  const logs = () => ['db.log', 'pg.log'].map((f) => attempt(() => readFileSync(path.join(dir, f), 'utf8').slice(-2000)) ?? '').join('\n');
  const infra = (command: string) => {
    // Only the database: Kafka and OIDC count as external and are left alone.
    const error = failure(() => run('bash', [INFRA, command], { ...env, KAFKA_BROKERS: 'unused', OIDC_ISSUER: 'unused', MONGODB_URI: undefined }));
    if (error) throw new Error(`infra ${command} (${engine}) failed: ${error}\n${logs()}`);
  };
  const mount = (image: string) => {
    device = run('losetup', ['-f', '--show', image]).trim();
    run('mount', [device, files]);
    images.push(image);
  };
  const unmount = () => {
    // A killed JVM's main thread shows as a zombie while its other threads still close their files: umount is retried for up to 10 s.
    const script = 'for i in $(seq 100); do umount "$1" 2>/dev/null && exec losetup -d "$2"; sleep 0.1; done; umount "$1" && losetup -d "$2"';
    if (device) run('bash', ['-c', script, '-', files, device]);
    device = undefined;
  };
  /** The database's processes: the JVM or FerretDB, and PostgreSQL's postmaster with all its children. */
  const pids = () => [h.pidFile(dir, 'db'), h.pidFile(dir, 'pg')].flatMap((pid) => (pid && alive(pid) ? [pid, ...children(pid)] : []));
  /** SIGKILL to every database process at once, then wait until they are gone. */
  const kill9 = async () => {
    const all = pids();
    all.forEach((pid) => signal(pid, 'SIGKILL'));
    for (let i = 0; i < 100 && all.some(alive); i++) await h.sleep(50);
    // infra's pid files now name dead processes (a reused pid would look alive): start-db writes new ones.
    for (const name of ['db', 'pg']) rmSync(path.join(dir, 'run', `${name}.pid`), { force: true });
  };
  /** A power cut: freeze the processes, keep only what reached the loop device (its image, copied), kill them, mount the copy. */
  const powerCut = async () => {
    if (!device) throw new Error('power cut needs the loop filesystem');
    pids().forEach((pid) => signal(pid, 'SIGSTOP'));
    const [image, copy] = [images.at(-1)!, path.join(config.dataDir, `${engine}.cut${images.length}.img`)];
    run('cp', ['--sparse=always', image, copy]);
    await kill9();
    unmount();
    rmSync(image, { force: true });
    mount(copy);
  };
  const cleanup = () => {
    if (pids().length) attempt(() => infra('stop-db'));
    pids().forEach((pid) => signal(pid, 'SIGKILL')); // when stop-db failed
    attempt(unmount, (e) => console.error(`could not unmount ${files}: ${e}`));
    if (!config.keep) for (const f of [dir, ...images.splice(0)]) rmSync(f, { recursive: true, force: true });
  };
  /** A fresh directory; with `loop`, an empty ext4 filesystem on a loop device mounted as its db/. */
  const prepare = (loop: boolean, image = path.join(config.dataDir, `${engine}.img`)) => {
    cleanup();
    mkdirSync(files, { recursive: true });
    if (!loop) return;
    run('bash', ['-c', 'rm -f "$1" && truncate -s 2G "$1" && mkfs.ext4 -q -F "$1"', '-', image]);
    mount(image);
  };
  return { engine, port, uri, dir, infra, pids, kill9, powerCut, prepare, cleanup };
}
type Database = ReturnType<typeof database>;

/** What intake stores for a submitted report (the fixtures' received report, as its event). */
const reportReceived = (reportId: string) =>
  ReportReceived(receivedReportData({ reportId, trackingCode: `BENCH-${reportId.slice(-8).toUpperCase()}`, receivedAt: new Date().toISOString() }));

/** The write path: the platform's event store on one database. */
class Writer {
  client?: MongoClient;
  store!: MongoEventStore;
  /** Every acknowledged commit `_id` with the time of its acknowledgement (performance.now()). */
  readonly acked = new Map<string, number>();
  constructor(private readonly uri: string) {}
  async connect(): Promise<void> {
    // The platform's client options (libs/platform), but fail fast while the database is down.
    this.client = await new MongoClient(this.uri, { appName: 'durability-bench', serverSelectionTimeoutMS: 2_000 }).connect();
    this.store = new MongoEventStore(this.client.db('callcenter_bench'), { producer: 'durability-bench', topic: 'bench.durability' });
    await this.store.ensureIndexes();
  }
  close = () => this.client?.close(true).catch(() => undefined);
  /** One intake-like command: a new report stream with its ReportReceived event. Resolves with the ms it took. */
  async append(streamId = `report-${randomUUID()}`, started = performance.now()): Promise<number> {
    await this.store.append(streamId, 0, [reportReceived(streamId)], { actor: 'durability-bench', correlationId: randomUUID(), now: new Date() });
    this.acked.set(`${streamId}#0`, performance.now());
    return this.acked.get(`${streamId}#0`)! - started;
  }
  /** Closed loop: `concurrency` appends in flight for `seconds`. */
  async speed(concurrency: number, seconds: number) {
    const [times, started, end] = [[] as number[], performance.now(), performance.now() + seconds * 1000];
    let failed = 0;
    const count = () => void failed++;
    const loop = async () => {
      while (performance.now() < end) await this.append().then((ms) => times.push(ms), count);
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
    return { appendsPerSecond: Math.round(times.length / ((performance.now() - started) / 1000)), times, failed };
  }
  /** Open loop at `rate`/s for `seconds`; `fault` runs once half-way. What was sent, acknowledged and failed, and the latency before the fault. */
  async steady(rate: number, seconds: number, fault?: () => Promise<void>) {
    const [before, times, sends, total] = [this.acked.size, [] as number[], [] as Promise<void>[], Math.round(rate * seconds)];
    let [failed, faultAt] = [0, undefined as number | undefined];
    const count = () => void failed++;
    const send = () => void sends.push(this.append().then((ms) => void (faultAt === undefined && times.push(ms)), count));
    const half = fault ? Math.ceil(total / 2) : total;
    const first = await h.openLoop(half, rate, send);
    if (fault) {
      await h.sleep(first.start + (half * 1000) / rate - h.nowMs()); // half-way: when the next append is due
      faultAt = performance.now();
      await fault();
      await h.openLoop(total - half, rate, send); // on at `rate`: these fail until the restart
    }
    await Promise.race([Promise.allSettled(sends), h.sleep(20_000)]);
    return { sent: total, acked: this.acked.size - before, failed, latency: latency(times), faultAt };
  }
}

/** Restarts the database on its files and looks up every acknowledged commit (one scan of all `_id`s on a fresh connection): the figures of README.md. */
async function restartAndCount(db: Database, writer: Writer, faultAt: number) {
  const [t, acknowledged] = [performance.now(), writer.acked.size];
  const acknowledgedAfterFault = [...writer.acked.values()].filter((at) => at > faultAt).length;
  const error = failure(() => db.infra('start-db'))?.slice(0, 500);
  if (error) return { acknowledged, acknowledgedAfterFault, missing: acknowledged, window: null, stored: 0, restartSeconds: NaN, error };
  const restartSeconds = h.round((performance.now() - t) / 1000, 2);
  const [client, projection] = [await new MongoClient(db.uri, { serverSelectionTimeoutMS: 10_000 }).connect(), { _id: 1 }];
  const [commits, close] = [client.db('callcenter_bench').collection<{ _id: string }>('event_commits'), () => client.close()];
  const docs = await commits.find({}, { projection }).toArray().finally(close);
  const found = new Set(docs.map((d) => d._id));
  const missing = [...writer.acked.keys()].filter((id) => !found.has(id));
  const oldest = Math.min(...missing.map((id) => writer.acked.get(id)!));
  for (const id of missing) writer.acked.delete(id); // counted once: the next fault counts what is still there plus what is acknowledged after
  const window = missing.length ? h.round((faultAt - oldest) / 1000, 2) : null;
  return { acknowledged, acknowledgedAfterFault, missing: missing.length, window, stored: found.size, restartSeconds };
}

/** A steady phase under strace on the database's processes: how many answers follow an fsync (see README.md). */
async function straceSteady(db: Database, writer: Writer, seconds: number) {
  const [out, calls, pids] = [path.join(db.dir, 'strace.txt'), 'trace=read,recvfrom,readv,write,writev,sendto,sendmsg,fsync,fdatasync', db.pids()];
  const tracer = spawn('strace', ['-f', '-tt', '-yy', '-qq', '-o', out, '-e', calls, ...pids.flatMap((p) => ['-p', String(p)])], { stdio: 'ignore' });
  await h.sleep(1_000);
  await writer.steady(config.rate, seconds);
  tracer.kill('SIGINT');
  await new Promise((r) => tracer.once('exit', r));
  const [port, lastRequest, fsyncTimes] = [`:${db.port}->`, new Map<string, number>(), [] as number[]];
  let [answers, after] = [0, 0];
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    // `-yy` decorates a descriptor with its path or socket, e.g. write(44<TCPv6:[[::ffff:127.0.0.1]:14710->[…]:48060]>, …
    const m = /^\d+\s+(\d\d):(\d\d):(\d\d\.\d+) (\w+)\((?:\d+<(.+?)>[,)])?/.exec(line);
    if (!m || line.includes('resumed>') || / = -1 /.test(line)) continue;
    const [, hh, mm, ss, call, target = ''] = m;
    const t = (Number(hh) * 3600 + Number(mm) * 60 + Number(ss)) * 1000;
    if (call === 'fsync' || call === 'fdatasync') {
      if (!target.startsWith('TCP') && !target.startsWith('UNIX')) fsyncTimes.push(t);
    } else if (target.includes(port) && /^(read|recvfrom|readv)$/.test(call)) lastRequest.set(target, t);
    else if (target.includes(port)) {
      answers++;
      if (fsyncTimes.some((f) => f >= (lastRequest.get(target) ?? -Infinity) && f <= t)) after++;
    }
  }
  rmSync(out, { force: true });
  return { answers, answersAfterFsync: after, fsyncs: fsyncTimes.length };
}

type Loss = Awaited<ReturnType<typeof restartAndCount>> & { sent: number; failedDuringFault: number };
type Latency = ReturnType<typeof latency>;
type Speed = { appendsPerSecond: number; rounds: number[]; latency: Latency; failed: number };
type Result = { engine: string; label: string; filesystem: string; kill9: Loss[]; powerCut: Loss[] } & Partial<{ speed: Speed; error: string }> &
  Partial<{ steady: { rate: number; latency: Latency }; strace: Awaited<ReturnType<typeof straceSteady>> }>;
type Candidate = ReturnType<typeof candidate>;

function candidate(engine: string, index: number, loop: boolean) {
  const [db, filesystem] = [database(engine, config.port + 2 * index), loop ? 'ext4 on a loop device' : 'the data directory’s filesystem'];
  const [writer, result]: [Writer, Result] = [new Writer(db.uri), { engine, label: LABELS[engine] ?? engine, filesystem, kill9: [], powerCut: [] }];
  const step = (s: string) => console.error(`[${engine}] ${s}`);
  const fail = (what: string) => (e: unknown) => {
    result.error = String((e as Error).stack ?? e).slice(0, 2000);
    step(`${what}: ${result.error}`);
  };
  const start = () =>
    Promise.resolve()
      .then(() => db.prepare(loop))
      .then(() => db.infra('start-db'))
      .then(() => writer.connect())
      .catch(fail('failed to start'));
  return { db, writer, result, step, fail, start, stop: () => Promise.resolve(writer.close()).then(db.cleanup) };
}

/** Speed: every candidate up at once, a warm-up round each (JIT, pool, first collection), then the rounds taken in turns (A B C A B C …). */
async function speed(candidates: Candidate[]): Promise<void> {
  const live = candidates.filter((c) => !c.result.error);
  for (const c of live) await c.writer.speed(config.concurrency, Math.min(2, config.speedSeconds));
  const rounds = new Map(live.map((c) => [c, [] as Awaited<ReturnType<Writer['speed']>>[]]));
  for (let r = 1; r <= config.rounds; r++)
    for (const [c, runs] of rounds) {
      runs.push(await c.writer.speed(config.concurrency, config.speedSeconds));
      c.step(`speed round ${r}: ${runs[r - 1].appendsPerSecond} appends/s`);
    }
  for (const [c, runs] of rounds) {
    const perSecond = runs.map((one) => one.appendsPerSecond);
    const [times, failed] = [runs.flatMap((one) => one.times), runs.reduce((n, one) => n + one.failed, 0)];
    c.result.speed = { appendsPerSecond: h.median(perSecond), rounds: perSecond, latency: latency(times), failed };
  }
}

/** kill -9, then the power cut, then strace, on one candidate; the others stay idle meanwhile. */
async function durability({ db, writer, result, step }: Candidate, loop: boolean): Promise<void> {
  if (result.error) return;
  const faults = [
    ...Array.from({ length: config.repeat }, () => ['kill -9', result.kill9, db.kill9] as const),
    ...Array.from({ length: loop ? config.repeat : 0 }, () => ['power cut', result.powerCut, db.powerCut] as const),
  ];
  for (const [i, [what, losses, fault]] of faults.entries()) {
    if (i > 0) await writer.connect();
    step(`${what} half-way through ${config.steadySeconds} s at ${config.rate}/s`);
    const s = await writer.steady(config.rate, config.steadySeconds, fault);
    if (i === 0) result.steady = { rate: config.rate, latency: s.latency };
    await writer.close();
    const loss = { ...(await restartAndCount(db, writer, s.faultAt!)), sent: s.sent, failedDuringFault: s.failed };
    losses.push(loss);
    step(`${what}: ${loss.missing} of ${loss.acknowledged} acknowledged missing`);
  }
  if (!config.strace) return;
  await writer.connect();
  step('strace: answers and fsyncs');
  result.strace = await straceSteady(db, writer, 3);
}

function table(results: Result[]): string {
  const one = (l: Loss) => (l.error ? 'did not restart' : `${l.missing} / ${l.acknowledged}`);
  const loss = (ls: Loss[], windows = ls.flatMap((l) => (l.window === null ? [] : [l.window]))) =>
    ls.length ? `${ls.map(one).join(', ')}${windows.length ? ` (up to ${Math.max(...windows)} s before the fault)` : ''}` : 'n/a';
  const pair = (l?: Latency) => (l ? `${l.p50} / ${l.p99}` : 'n/a');
  const rate = (s: Speed) => `${s.appendsPerSecond.toLocaleString('en-US')} (${Math.min(...s.rounds)}–${Math.max(...s.rounds)})`;
  const columns: [string, (r: Result) => string][] = [
    ['database', (r) => r.label],
    [`appends/s (${config.concurrency} in flight)`, (r) => (r.speed ? rate(r.speed) : 'n/a')],
    ['p50 / p99 ms', (r) => pair(r.speed?.latency)],
    [`p50 / p99 ms at ${config.rate}/s`, (r) => pair(r.steady?.latency)],
    ['kill -9: acked lost / acked so far, each time', (r) => loss(r.kill9)],
    ['power cut: acked lost / acked so far, each time', (r) => loss(r.powerCut)],
    ['answers after an fsync', ({ strace: s }) => (s ? `${s.answersAfterFsync} / ${s.answers} (${s.fsyncs} fsyncs)` : 'n/a')],
  ];
  const rows = [columns.map(([head]) => head), columns.map(() => '---'), ...results.map((r) => columns.map(([, cell]) => cell(r)))];
  return rows.map((r) => `| ${r.join(' | ')} |`).join('\n');
}

async function main(): Promise<void> {
  mkdirSync(config.dataDir, { recursive: true });
  const [loadAtStart, root] = [h.loadavg(), process.getuid?.() === 0];
  const losetup = config.powerCut && root ? failure(() => run('losetup', ['-f'])) : undefined; // root with working loop devices (a container may have neither)
  const noLoop = !config.powerCut ? '--no-power-cut' : !root ? 'not root' : losetup && `losetup: ${losetup}`;
  if (noLoop) console.error(`power cut skipped: ${noLoop}`);
  const candidates = config.engines.map((engine, i) => candidate(engine, i, !noLoop));
  try {
    for (const c of candidates) await c.start();
    await speed(candidates);
    for (const c of candidates) await durability(c, !noLoop).catch(c.fail('failed')).then(c.stop);
  } finally {
    for (const c of candidates) await c.stop();
  }
  const results = candidates.map((c) => c.result);
  console.log(table(results));
  const { engines, rounds, speedSeconds, repeat, steadySeconds, rate } = config;
  const speedNote = `speed: ${rounds} rounds of ${speedSeconds} s each, taken in turns (median appends/s; p50/p99 over all rounds)`;
  const faults = `${repeat} × kill -9, then ${repeat} × power cut, each half-way through ${steadySeconds} s at ${rate}/s; filesystem: ${results[0]?.filesystem}`;
  console.log(`\n${engines.length} engines; ${speedNote}; ${faults}; load average ${loadAtStart} at the start, ${h.loadavg()} at the end`);
  writeFileSync(config.out, JSON.stringify({ config, results }, null, 2));
  console.log(`JSON: ${config.out}`);
  process.exit(results.some((r) => r.error) ? 1 : 0);
}

void main();
