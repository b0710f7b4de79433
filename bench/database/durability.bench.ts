/**
 * The embedded database candidates side by side (issue 15): acknowledged-write durability and speed of
 * `MongoEventStore.append`, the platform's own write path, against each database `infra start-db` runs.
 * Per engine: speed (closed loop, the candidates taking rounds in turns), kill -9 and a power cut (ext4 on a loop
 * device, its image copied while the database is frozen) half-way through a steady phase, and `--strace` (does an
 * fsync come before each answer?). Method, options and results: docs/performance.md, "Embedded database (issue 15)".
 * A table to stdout, JSON to BENCH_OUT (/tmp/durability-last-run.json); data under BENCH_DATA_DIR (.data/bench-database).
 */
import 'reflect-metadata'; // @callcenter/events pulls in @callcenter/contracts, whose DTO decorators need it first
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import type { Category, Channel } from '@callcenter/contracts';
import { MongoEventStore, ReportReceived } from '@callcenter/events';
import { sampleReport } from '@callcenter/testing';
import * as h from '../harness';

const HELP = `node dist/bench/database/durability.bench.js [--engines=mongo-java-server,mongo-java-server-memory,ferretdb-postgresql]
  (also mongo-java-server-nosync, ferretdb) [--seconds=5] [--rounds=3] [--concurrency=32] [--rate=200] [--steady-seconds=6]
  [--repeat=3] [--port=14710] [--no-power-cut] [--strace] [--keep]; as root for the power cut (loop devices)`;
const o = h.options(HELP, ['engines', 'seconds', 'rounds', 'concurrency', 'rate', 'steady-seconds', 'repeat', 'port'], ['no-power-cut', 'strace', 'keep']);
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

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
type Latency = Pick<h.Pct, 'n' | 'p50' | 'p99' | 'max'>;
const latency = (values: number[]): Latency => ((s) => ({ n: s.n, p50: round(s.p50, 2), p99: round(s.p99, 2), max: round(s.max, 2) }))(h.pct(values));
const run = (cmd: string, argv: string[], env = process.env) => execFileSync(cmd, argv, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
/** /proc/<pid>/<file>, or undefined when the process is gone. */
function proc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}
/** A zombie (killed, not yet reaped) still answers kill 0: read its state instead. */
const alive = (pid: number) => !/^\d+ \(.*\) Z/.test(proc(pid, 'stat') ?? '0 () Z');
function children(pid: number): number[] {
  const direct = (proc(pid, `task/${pid}/children`) ?? '').split(/\s+/).filter(Boolean);
  return direct.map(Number).flatMap((c) => [c, ...children(c)]);
}
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

// ───────────────────────────── one database, through infra/bin/infra ─────────────────────────────

class Database {
  readonly dir: string;
  readonly dbPort: number;
  readonly uri: string;
  /** The loop device and backing image the data directory is mounted from, when there is one. */
  private mounted?: { device: string; image: string };
  private cuts = 0;

  constructor(
    readonly engine: string,
    index: number,
  ) {
    this.dir = path.join(config.dataDir, engine);
    this.dbPort = config.port + 2 * index;
    this.uri = `mongodb://127.0.0.1:${this.dbPort}`;
  }

  /** Where `infra` keeps the database's files: the mount point of the loop filesystem. */
  get dataFiles(): string {
    return path.join(this.dir, 'db');
  }

  infra(command: string): void {
    // Only the database: the Kafka and OIDC parts count as external and are left alone.
    const env = { ...process.env, INFRA_DATA_DIR: this.dir, DB_ENGINE: this.engine, DB_PORT: `${this.dbPort}`, PG_PORT: `${this.dbPort + 1}` };
    Object.assign(env, { KAFKA_BROKERS: 'unused', OIDC_ISSUER: 'unused', MONGODB_URI: undefined });
    try {
      run('bash', [path.join(h.ROOT, 'infra/bin/infra'), command], env);
    } catch (e) {
      throw new Error(`infra ${command} (${this.engine}) failed: ${(e as { stderr?: string }).stderr ?? e}\n${this.log()}`, { cause: e });
    }
  }

  log(): string {
    const logs = ['db.log', 'pg.log'].map((f) => path.join(this.dir, f)).filter(existsSync);
    return logs.map((f) => readFileSync(f, 'utf8').slice(-2000)).join('\n');
  }

  /** Fresh directory; with `loop`, an empty ext4 filesystem on a loop device mounted as its db/. */
  prepare(loop: boolean): void {
    this.cleanup();
    mkdirSync(this.dataFiles, { recursive: true });
    if (!loop) return;
    const image = path.join(config.dataDir, `${this.engine}.img`);
    rmSync(image, { force: true });
    run('truncate', ['-s', '2G', image]);
    run('mkfs.ext4', ['-q', '-F', image]);
    this.mount(image);
  }

  private mount(image: string): void {
    const device = run('losetup', ['-f', '--show', image]).trim();
    run('mount', [device, this.dataFiles]);
    this.mounted = { device, image };
  }

  private unmount(): void {
    if (!this.mounted) return;
    // A killed JVM's main thread shows as a zombie while its other threads still close their files.
    for (let i = 0; ; i++) {
      try {
        run('umount', [this.dataFiles]);
        break;
      } catch (e) {
        if (i >= 100) throw e;
        execFileSync('sleep', ['0.1']);
      }
    }
    run('losetup', ['-d', this.mounted.device]);
    this.mounted = undefined;
  }

  /** The database's processes: the JVM or FerretDB, and PostgreSQL's postmaster with all its children. */
  pids(): number[] {
    const files = ['db.pid', 'pg.pid'].map((f) => path.join(this.dir, 'run', f)).filter(existsSync);
    return files.map((f) => Number(readFileSync(f, 'utf8').trim())).flatMap((pid) => (alive(pid) ? [pid, ...children(pid)] : []));
  }

  /** SIGKILL to every database process at once, then wait until they are gone. */
  async kill9(): Promise<void> {
    const pids = this.pids();
    for (const pid of pids) signal(pid, 'SIGKILL');
    for (let i = 0; i < 100 && pids.some(alive); i++) await h.sleep(50);
    // infra's pid files now name dead processes (a reused pid would look alive): start-db writes new ones.
    for (const file of ['db.pid', 'pg.pid']) rmSync(path.join(this.dir, 'run', file), { force: true });
  }

  /** A power cut: freeze the processes, keep only what reached the loop device (its image, copied), kill them, mount the copy. */
  async powerCut(): Promise<void> {
    if (!this.mounted) throw new Error('power cut needs the loop filesystem');
    for (const pid of this.pids()) signal(pid, 'SIGSTOP');
    const copy = path.join(config.dataDir, `${this.engine}.cut${++this.cuts}.img`);
    run('cp', ['--sparse=always', this.mounted.image, copy]);
    await this.kill9();
    const image = this.mounted.image;
    this.unmount();
    rmSync(image, { force: true });
    this.mount(copy);
  }

  cleanup(): void {
    const pids = this.pids();
    try {
      if (pids.length) this.infra('stop-db');
    } catch {
      for (const pid of pids) signal(pid, 'SIGKILL');
    }
    try {
      this.unmount();
    } catch (e) {
      console.error(`could not unmount ${this.dataFiles}: ${e}`);
    }
    if (config.keep) return;
    rmSync(this.dir, { recursive: true, force: true });
    for (let i = 0; i <= this.cuts; i++) rmSync(path.join(config.dataDir, i ? `${this.engine}.cut${i}.img` : `${this.engine}.img`), { force: true });
  }
}

/** Root with working loop devices (a container may have neither). */
function loopDevicesWork(): { ok: boolean; why?: string } {
  if (process.getuid?.() !== 0) return { ok: false, why: 'not root' };
  try {
    run('losetup', ['-f']);
    return { ok: true };
  } catch (e) {
    return { ok: false, why: `losetup: ${(e as { stderr?: string }).stderr ?? e}` };
  }
}

// ───────────────────────────── the write path ─────────────────────────────

/** What intake stores for a submitted report (the tests' sample report, as its event). */
function reportReceived(reportId: string) {
  const r = sampleReport();
  const { reporter, description, location } = r;
  return ReportReceived({
    ...{ reportId, trackingCode: `BENCH-${reportId.slice(-8).toUpperCase()}`, sourceSystem: r.source_system, externalId: r.external_id },
    ...{ channel: r.channel as Channel, reporter, categoryHint: r.category_hint as Category, description, location },
    ...{ occurredAt: new Date(Number(r.occurred_at.seconds) * 1000).toISOString(), peopleInjured: r.people_injured, peopleInvolved: r.people_involved },
    receivedAt: new Date().toISOString(),
  });
}

class Writer {
  client!: MongoClient;
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

  async close(): Promise<void> {
    await this.client?.close(true).catch(() => undefined);
  }

  /** One intake-like command: a new report stream with its ReportReceived event. Resolves with the ms it took. */
  async append(): Promise<number> {
    const streamId = `report-${randomUUID()}`;
    const started = performance.now();
    await this.store.append(streamId, 0, [reportReceived(streamId)], { actor: 'durability-bench', correlationId: randomUUID(), now: new Date() });
    const done = performance.now();
    this.acked.set(`${streamId}#0`, done);
    return done - started;
  }

  /** Closed loop: `concurrency` appends in flight for `seconds`. */
  async speed(concurrency: number, seconds: number): Promise<{ appendsPerSecond: number; times: number[]; failed: number }> {
    const [times, started] = [[] as number[], performance.now()];
    let failed = 0;
    const loop = async () => {
      while (performance.now() < started + seconds * 1000)
        await this.append().then(
          (ms) => times.push(ms),
          () => failed++,
        );
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
    return { appendsPerSecond: Math.round(times.length / ((performance.now() - started) / 1000)), times, failed };
  }

  /** Open loop at `rate`/s for `seconds`; `fault` runs once half-way. What was sent, acknowledged and failed, and the latency before the fault. */
  async steady(rate: number, seconds: number, fault?: () => Promise<void>) {
    const [before, times, inflight, started] = [this.acked.size, [] as number[], new Set<Promise<void>>(), performance.now()];
    let [sent, failed, faultAt] = [0, 0, undefined as number | undefined];
    for (let i = 0, total = Math.round(rate * seconds); i < total; i++) {
      const wait = started + (i * 1000) / rate - performance.now();
      if (wait > 0) await h.sleep(wait);
      if (fault && faultAt === undefined && i >= total / 2) {
        faultAt = performance.now();
        await fault();
      }
      sent++;
      const p: Promise<void> = this.append()
        .then((ms) => void (faultAt === undefined && times.push(ms)))
        .catch(() => void failed++)
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await Promise.race([Promise.allSettled([...inflight]), h.sleep(20_000)]);
    return { sent, acked: this.acked.size - before, failed, latency: latency(times), faultAt };
  }
}

/**
 * Appends acknowledged so far (all phases) and not already counted missing at an earlier fault; of them
 * `acknowledgedAfterFault` were answers read after the fault; `window`: seconds from the oldest missing one to the fault.
 */
interface LossReport {
  acknowledged: number;
  acknowledgedAfterFault: number;
  missing: number;
  window: number | null;
  stored: number;
  restartSeconds: number;
  error?: string;
}

/** Restarts the database on its files and looks up every acknowledged commit (one scan of all `_id`s on a fresh connection). */
async function restartAndCount(db: Database, writer: Writer, faultAt: number): Promise<LossReport> {
  const t = performance.now();
  const acknowledged = writer.acked.size;
  const acknowledgedAfterFault = [...writer.acked.values()].filter((at) => at > faultAt).length;
  try {
    db.infra('start-db');
  } catch (e) {
    return { acknowledged, acknowledgedAfterFault, missing: acknowledged, window: null, stored: 0, restartSeconds: NaN, error: String(e).slice(0, 500) };
  }
  const restartSeconds = round((performance.now() - t) / 1000, 2);
  // One scan: FerretDB 1.x answers `_id: {$in: …}` with a scan of the whole collection each time.
  const client = await new MongoClient(db.uri, { serverSelectionTimeoutMS: 10_000 }).connect();
  const found = new Set<string>();
  try {
    const commits = client.db('callcenter_bench').collection<{ _id: string }>('event_commits');
    for await (const d of commits.find({}, { projection: { _id: 1 } })) found.add(d._id);
  } finally {
    await client.close();
  }
  const missing = [...writer.acked.keys()].filter((id) => !found.has(id));
  const oldest = Math.min(...missing.map((id) => writer.acked.get(id)!));
  // Counted once: the next fault's count is over what is still there plus what is acknowledged after.
  for (const id of missing) writer.acked.delete(id);
  const window = missing.length ? round((faultAt - oldest) / 1000, 2) : null;
  return { acknowledged, acknowledgedAfterFault, missing: missing.length, window, stored: found.size, restartSeconds };
}

// ───────────────────────────── strace: is an answer preceded by an fsync? ─────────────────────────────

/**
 * A steady phase with strace on the database's processes: answers are writes to a socket whose local port is the
 * database's, requests reads from one. An answer "follows an fsync" when an fsync/fdatasync on a file started
 * after that socket's last request and before the answer.
 */
async function straceSteady(db: Database, writer: Writer, seconds: number) {
  const out = path.join(db.dir, 'strace.txt');
  const calls = 'trace=read,recvfrom,readv,write,writev,sendto,sendmsg,fsync,fdatasync';
  const pids = db.pids().flatMap((p) => ['-p', String(p)]);
  const tracer: ChildProcess = spawn('strace', ['-f', '-tt', '-yy', '-qq', '-o', out, '-e', calls, ...pids], { stdio: 'ignore' });
  await h.sleep(1_000);
  await writer.steady(config.rate, seconds);
  tracer.kill('SIGINT');
  await new Promise((r) => tracer.once('exit', r));
  const port = `:${db.dbPort}->`;
  const lastRequest = new Map<string, number>();
  const fsyncTimes: number[] = [];
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
      const since = lastRequest.get(target) ?? -Infinity;
      if (fsyncTimes.some((f) => f >= since && f <= t)) after++;
    }
  }
  rmSync(out, { force: true });
  return { answers, answersAfterFsync: after, fsyncs: fsyncTimes.length };
}

// ───────────────────────────── main ─────────────────────────────

type Loss = LossReport & { sent: number; failedDuringFault: number };
interface EngineResult {
  engine: string;
  label: string;
  filesystem: string;
  /** Median appends/s of the rounds, their range, and the latency of every append of every round. */
  speed?: { appendsPerSecond: number; rounds: number[]; latency: Latency; failed: number };
  steady?: { rate: number; latency: Latency };
  kill9: Loss[];
  powerCut: Loss[];
  strace?: Awaited<ReturnType<typeof straceSteady>>;
  error?: string;
}
type Candidate = Awaited<ReturnType<typeof start>>;

async function start(engine: string, index: number, loop: boolean) {
  const [db, filesystem] = [new Database(engine, index), loop ? 'ext4 on a loop device' : 'the data directory’s filesystem'];
  const result: EngineResult = { engine, label: LABELS[engine] ?? engine, filesystem, kill9: [], powerCut: [] };
  const step = (s: string) => console.error(`[${engine}] ${s}`);
  const writer = new Writer(db.uri);
  try {
    db.prepare(loop);
    db.infra('start-db');
    await writer.connect();
  } catch (e) {
    result.error = String((e as Error).stack ?? e).slice(0, 2000);
    step(`failed to start: ${result.error}`);
  }
  return { db, writer, result, step };
}

/**
 * Speed, every candidate up at once and the rounds taken in turns (A B C A B C …), so that a busy spell of the
 * shared machine does not land on one candidate only; a warm-up round each (JIT, pool, first collection) not counted.
 */
async function speed(candidates: Candidate[]): Promise<void> {
  const live = candidates.filter((c) => !c.result.error);
  for (const c of live) await c.writer.speed(config.concurrency, Math.min(2, config.speedSeconds));
  const rounds = new Map(live.map((c) => [c, { perSecond: [] as number[], times: [] as number[], failed: 0 }]));
  for (let r = 1; r <= config.rounds; r++) {
    for (const c of live) {
      const one = await c.writer.speed(config.concurrency, config.speedSeconds);
      const acc = rounds.get(c)!;
      acc.perSecond.push(one.appendsPerSecond);
      acc.times.push(...one.times);
      acc.failed += one.failed;
      c.step(`speed round ${r}: ${one.appendsPerSecond} appends/s`);
    }
  }
  for (const [c, { perSecond, times, failed }] of rounds) {
    const median = [...perSecond].sort((a, b) => a - b)[Math.floor(perSecond.length / 2)];
    c.result.speed = { appendsPerSecond: median, rounds: perSecond, latency: latency(times), failed };
  }
}

/** kill -9, then the power cut, then strace, on one candidate; the others stay idle meanwhile. */
async function durability({ db, writer, result, step }: Candidate, loop: boolean): Promise<void> {
  if (result.error) return;
  const faults = [
    ...Array.from({ length: config.repeat }, () => ['kill -9', result.kill9, () => db.kill9()] as const),
    ...Array.from({ length: loop ? config.repeat : 0 }, () => ['power cut', result.powerCut, () => db.powerCut()] as const),
  ];
  try {
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
    if (config.strace) {
      await writer.connect();
      step('strace: answers and fsyncs');
      result.strace = await straceSteady(db, writer, 3);
    }
  } catch (e) {
    result.error = String((e as Error).stack ?? e).slice(0, 2000);
    step(`failed: ${result.error}`);
  }
}

function table(results: EngineResult[]): string {
  const one = (l: LossReport) => (l.error ? 'did not restart' : `${l.missing} / ${l.acknowledged}`);
  const loss = (ls: LossReport[]) => {
    const windows = ls.flatMap((l) => (l.window === null ? [] : [l.window]));
    return ls.length ? `${ls.map(one).join(', ')}${windows.length ? ` (up to ${Math.max(...windows)} s before the fault)` : ''}` : 'n/a';
  };
  const rows = results.map(({ label, speed: s, steady, kill9, powerCut, strace }) => [
    label,
    s ? `${s.appendsPerSecond.toLocaleString('en-US')} (${Math.min(...s.rounds)}–${Math.max(...s.rounds)})` : 'n/a',
    s ? `${s.latency.p50} / ${s.latency.p99}` : 'n/a',
    steady ? `${steady.latency.p50} / ${steady.latency.p99}` : 'n/a',
    loss(kill9),
    loss(powerCut),
    strace ? `${strace.answersAfterFsync} / ${strace.answers} (${strace.fsyncs} fsyncs)` : 'n/a',
  ]);
  const head = ['database', `appends/s (${config.concurrency} in flight)`, 'p50 / p99 ms', `p50 / p99 ms at ${config.rate}/s`];
  head.push('kill -9: acked lost / acked so far, each time', 'power cut: acked lost / acked so far, each time', 'answers after an fsync');
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

async function main(): Promise<void> {
  mkdirSync(config.dataDir, { recursive: true });
  const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const loadAtStart = load();
  const loop = config.powerCut ? loopDevicesWork() : { ok: false, why: '--no-power-cut' };
  if (!loop.ok) console.error(`power cut skipped: ${loop.why}`);
  const candidates: Candidate[] = [];
  const stop = (c: Candidate) => c.writer.close().then(() => c.db.cleanup());
  try {
    for (const [i, engine] of config.engines.entries()) candidates.push(await start(engine, i, loop.ok));
    await speed(candidates);
    for (const c of candidates) await durability(c, loop.ok).then(() => stop(c));
  } finally {
    for (const c of candidates) await stop(c);
  }
  const results = candidates.map((c) => c.result);
  console.log(table(results));
  console.log(
    `\n${config.engines.length} engines; speed: ${config.rounds} rounds of ${config.speedSeconds} s each, taken in turns (median appends/s; p50/p99 over all rounds); ` +
      `${config.repeat} × kill -9, then ${config.repeat} × power cut, each half-way through ${config.steadySeconds} s at ${config.rate}/s; ` +
      `filesystem: ${results[0]?.filesystem}; load average ${loadAtStart} at the start, ${load()} at the end`,
  );
  writeFileSync(config.out, JSON.stringify({ config, results }, null, 2));
  console.log(`JSON: ${config.out}`);
  process.exit(results.some((r) => r.error) ? 1 : 0);
}

void main();
