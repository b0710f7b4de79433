/**
 * The embedded database candidates side by side (issue 15): acknowledged-write durability and speed
 * of `MongoEventStore.append`, the platform's own write path, against each database `infra` can run.
 *
 *   npx swc apps libs bench tools -d dist … (README) && sudo node dist/bench/database/durability.bench.js
 *     [--engines=mongo-java-server,mongo-java-server-memory,ferretdb-postgresql]   (also: mongo-java-server-nosync,
 *      H2 as before its fsync fix, the baseline; ferretdb, on SQLite)
 *     [--seconds=5] [--rounds=3] [--concurrency=32] [--rate=200] [--steady-seconds=6] [--repeat=3]
 *     [--port=14710] [--no-power-cut] [--strace] [--keep]
 *
 * Per engine, in one run, each on a fresh database started by `infra start-db` on its own ports:
 *   1. speed: closed loop, `--concurrency` appends in flight for `--seconds` (one commit per new
 *      stream, as intake writes a report): appends/s and append p50/p99. All candidates run at once
 *      and take `--rounds` turns (A B C A B C …), so a busy spell of the machine hits them alike;
 *   2. kill -9 (`--repeat` times): appends at a steady `--rate`; half-way through every database process (FerretDB
 *      and all of PostgreSQL's, or the JVM) gets SIGKILL; `infra start-db` starts it again on the
 *      same files; every acknowledged commit is looked up by `_id` and the missing ones counted;
 *   3. power cut (`--repeat` times; root, with loop devices): the database's data directory is an ext4 filesystem on
 *      a loop device. Half-way through a steady phase every database process is frozen (SIGSTOP),
 *      the loop device's backing file is copied (it holds what reached the "disk": writes still in
 *      the page cache of the mounted filesystem, i.e. not fsynced, are not in it), the processes are
 *      killed, and the database starts on the copy, mounted on a fresh loop device (ext4 replays its
 *      journal as after a power cut). Acknowledged commits missing then were acknowledged before
 *      they were on disk;
 *   4. `--strace`: a steady phase with strace on the database processes, counting the answers on
 *      the client sockets and the fsync/fdatasync calls on files, and how many answers had an fsync
 *      between the request and the answer.
 * A table goes to stdout, a JSON summary to /tmp/durability-last-run.json (BENCH_OUT).
 * Data, images and logs live under BENCH_DATA_DIR (default .data/bench-database; removed at the end
 * unless --keep).
 */
// @callcenter/events pulls in @callcenter/contracts, whose DTO decorators need the metadata polyfill first.
import 'reflect-metadata';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import type { Category, Channel } from '@callcenter/contracts';
import { MongoEventStore, ReportReceived } from '@callcenter/events';
import { sampleReport } from '@callcenter/testing';
import { pct as summarise, Pct as Summary } from '../harness';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const INFRA = path.join(REPO_ROOT, 'infra/bin/infra');

const { values: args } = parseArgs({
  options: {
    engines: { type: 'string', default: 'mongo-java-server,mongo-java-server-memory,ferretdb-postgresql' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '32' },
    rate: { type: 'string', default: '200' },
    'steady-seconds': { type: 'string', default: '6' },
    repeat: { type: 'string', default: '3' },
    port: { type: 'string', default: '14710' },
    'no-power-cut': { type: 'boolean', default: false },
    strace: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const config = {
  engines: args.engines!.split(',').filter(Boolean),
  speedSeconds: Number(args.seconds),
  rounds: Number(args.rounds),
  concurrency: Number(args.concurrency),
  rate: Number(args.rate),
  steadySeconds: Number(args['steady-seconds']),
  repeat: Number(args.repeat),
  port: Number(args.port),
  powerCut: !args['no-power-cut'],
  strace: args.strace!,
  keep: args.keep!,
  dataDir: path.resolve(process.env.BENCH_DATA_DIR ?? path.join(REPO_ROOT, '.data/bench-database')),
  out: process.env.BENCH_OUT ?? '/tmp/durability-last-run.json',
};

const LABELS: Record<string, string> = {
  'mongo-java-server': 'mongo-java-server 1.47, H2 MVStore, fsync before the answer (default)',
  'mongo-java-server-nosync': 'mongo-java-server 1.47, H2 MVStore, --no-sync (before the fix)',
  'mongo-java-server-memory': 'mongo-java-server 1.47, in-memory backend',
  'ferretdb-postgresql': 'FerretDB 1.24 on PostgreSQL',
  ferretdb: 'FerretDB 1.24 on SQLite',
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

type Latency = Pick<Summary, 'n' | 'p50' | 'p99' | 'max'>;

function latency(values: number[]): Latency {
  const s = summarise(values);
  return { n: s.n, p50: round(s.p50, 2), p99: round(s.p99, 2), max: round(s.max, 2) };
}

function run(cmd: string, argv: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(cmd, argv, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// ───────────────────────────── one database, through infra/bin/infra ─────────────────────────────

class Database {
  readonly dir: string;
  readonly dbPort: number;
  readonly pgPort: number;
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
    this.pgPort = this.dbPort + 1;
    this.uri = `mongodb://127.0.0.1:${this.dbPort}`;
  }

  /** Where `infra` keeps the database's files: the mount point of the loop filesystem. */
  get dataFiles(): string {
    return path.join(this.dir, 'db');
  }

  infra(command: string): void {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      INFRA_DATA_DIR: this.dir,
      DB_ENGINE: this.engine,
      DB_PORT: String(this.dbPort),
      PG_PORT: String(this.pgPort),
      // Only the database: the Kafka and OIDC parts count as external and are left alone.
      KAFKA_BROKERS: 'unused',
      OIDC_ISSUER: 'unused',
    };
    delete env.MONGODB_URI;
    try {
      run('bash', [INFRA, command], env);
    } catch (e) {
      const err = e as { stderr?: string };
      throw new Error(`infra ${command} (${this.engine}) failed: ${err.stderr ?? e}\n${this.log()}`, { cause: e });
    }
  }

  log(): string {
    return ['db.log', 'pg.log']
      .map((f) => path.join(this.dir, f))
      .filter(existsSync)
      .map((f) => readFileSync(f, 'utf8').slice(-2000))
      .join('\n');
  }

  /** Fresh directory; with `loop`, an empty ext4 filesystem on a loop device mounted as its db/. */
  prepare(loop: boolean): void {
    this.cleanup();
    mkdirSync(this.dataFiles, { recursive: true });
    if (loop) {
      const image = path.join(config.dataDir, `${this.engine}.img`);
      rmSync(image, { force: true });
      run('truncate', ['-s', '2G', image]);
      run('mkfs.ext4', ['-q', '-F', image]);
      this.mount(image);
    }
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
    const pids: number[] = [];
    for (const file of ['db.pid', 'pg.pid']) {
      const f = path.join(this.dir, 'run', file);
      if (!existsSync(f)) continue;
      const pid = Number(readFileSync(f, 'utf8').trim());
      if (!alive(pid)) continue;
      pids.push(pid, ...children(pid));
    }
    return pids;
  }

  /** SIGKILL to every database process at once, then wait until they are gone. */
  async kill9(): Promise<number[]> {
    const pids = this.pids();
    for (const pid of pids) signal(pid, 'SIGKILL');
    for (let i = 0; i < 100 && pids.some(alive); i++) await sleep(50);
    // infra's pid files now name dead processes (a reused pid would look alive): start-db writes new ones.
    for (const file of ['db.pid', 'pg.pid']) rmSync(path.join(this.dir, 'run', file), { force: true });
    return pids;
  }

  /**
   * A power cut: freeze the processes, keep only what reached the loop device (its backing file,
   * copied while nothing runs), kill them, and put the copy where the data was.
   */
  async powerCut(): Promise<void> {
    if (!this.mounted) throw new Error('power cut needs the loop filesystem');
    const pids = this.pids();
    for (const pid of pids) signal(pid, 'SIGSTOP');
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
    if (pids.length) {
      try {
        this.infra('stop-db');
      } catch {
        for (const pid of pids) signal(pid, 'SIGKILL');
      }
    }
    try {
      this.unmount();
    } catch (e) {
      console.error(`could not unmount ${this.dataFiles}: ${e}`);
    }
    if (!config.keep) {
      rmSync(this.dir, { recursive: true, force: true });
      for (let i = 0; i <= this.cuts; i++) rmSync(path.join(config.dataDir, i ? `${this.engine}.cut${i}.img` : `${this.engine}.img`), { force: true });
    }
  }
}

function alive(pid: number): boolean {
  try {
    // A zombie (killed, not yet reaped) still answers kill 0.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function children(pid: number): number[] {
  try {
    const direct = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return direct.flatMap((c) => [c, ...children(c)]);
  } catch {
    return [];
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
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
  return ReportReceived({
    reportId,
    trackingCode: `BENCH-${reportId.slice(-8).toUpperCase()}`,
    sourceSystem: r.source_system,
    externalId: r.external_id,
    channel: r.channel as Channel,
    reporter: r.reporter,
    categoryHint: r.category_hint as Category,
    description: r.description,
    location: r.location,
    occurredAt: new Date(Number(r.occurred_at.seconds) * 1000).toISOString(),
    peopleInjured: r.people_injured,
    peopleInvolved: r.people_involved,
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
    await this.client.close(true).catch(() => undefined);
  }

  /** One intake-like command: a new report stream with its ReportReceived event. Resolves with the ms it took. */
  async append(): Promise<number> {
    const streamId = `report-${randomUUID()}`;
    const started = performance.now();
    await this.store.append(streamId, 0, [reportReceived(streamId)], {
      actor: 'durability-bench',
      correlationId: randomUUID(),
      now: new Date(),
    });
    const done = performance.now();
    this.acked.set(`${streamId}#0`, done);
    return done - started;
  }

  /** Closed loop: `concurrency` appends in flight for `seconds`. */
  async speed(concurrency: number, seconds: number): Promise<{ appendsPerSecond: number; times: number[]; failed: number }> {
    const times: number[] = [];
    let failed = 0;
    const started = performance.now();
    const end = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          try {
            times.push(await this.append());
          } catch {
            failed++;
          }
        }
      }),
    );
    return { appendsPerSecond: Math.round(times.length / ((performance.now() - started) / 1000)), times, failed };
  }

  /**
   * Open loop at `rate`/s for `seconds`; `fault` runs once half-way. Returns what was sent, acknowledged
   * and failed, and the latency of the appends acknowledged before the fault.
   */
  async steady(
    rate: number,
    seconds: number,
    fault?: () => Promise<void>,
  ): Promise<{ sent: number; acked: number; failed: number; latency: Latency; faultAt?: number }> {
    const before = this.acked.size;
    const times: number[] = [];
    const inflight = new Set<Promise<void>>();
    let sent = 0;
    let failed = 0;
    let faultAt: number | undefined;
    const started = performance.now();
    const total = Math.round(rate * seconds);
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
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
    await Promise.race([Promise.allSettled([...inflight]), sleep(20_000)]);
    return { sent, acked: this.acked.size - before, failed, latency: latency(times), faultAt };
  }
}

/**
 * Every stored commit `_id`, read in one pass on a fresh connection, against the acknowledged ones.
 * (One scan: FerretDB 1.x answers `_id: {$in: …}` with a scan of the whole collection each time.)
 */
async function missingOf(uri: string, acked: Map<string, number>): Promise<{ missing: string[]; stored: number }> {
  const client = await new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 }).connect();
  try {
    const commits = client.db('callcenter_bench').collection<{ _id: string }>('event_commits');
    const found = new Set<string>();
    for await (const d of commits.find({}, { projection: { _id: 1 } })) found.add(d._id);
    return { missing: [...acked.keys()].filter((id) => !found.has(id)), stored: found.size };
  } finally {
    await client.close();
  }
}

interface LossReport {
  /**
   * Appends acknowledged so far (all phases) and not already counted missing at an earlier fault; of
   * them `acknowledgedAfterFault` were answers read after the fault (already sent when it struck).
   */
  acknowledged: number;
  acknowledgedAfterFault: number;
  missing: number;
  /** Seconds between the oldest missing acknowledgement and the fault. */
  window: number | null;
  stored: number;
  restartSeconds: number;
  error?: string;
}

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
  const { missing, stored } = await missingOf(db.uri, writer.acked);
  const oldest = Math.min(...missing.map((id) => writer.acked.get(id)!));
  // Counted once: the next fault's count is over what is still there plus what is acknowledged after.
  for (const id of missing) writer.acked.delete(id);
  return {
    acknowledged,
    acknowledgedAfterFault,
    missing: missing.length,
    window: missing.length ? round((faultAt - oldest) / 1000, 2) : null,
    stored,
    restartSeconds,
  };
}

// ───────────────────────────── strace: is an answer preceded by an fsync? ─────────────────────────────

interface FsyncReport {
  answers: number;
  answersAfterFsync: number;
  fsyncs: number;
}

/**
 * Runs a steady phase with strace on the database's processes: answers are writes to a socket whose
 * local port is the database's; a request is a read from one. An answer "follows an fsync" when an
 * fsync/fdatasync on a file started after that socket's last request and before the answer.
 */
async function straceSteady(db: Database, writer: Writer, seconds: number): Promise<FsyncReport> {
  const out = path.join(db.dir, 'strace.txt');
  const pids = db.pids();
  const tracer: ChildProcess = spawn(
    'strace',
    [
      '-f',
      '-tt',
      '-yy',
      '-qq',
      '-o',
      out,
      '-e',
      'trace=read,recvfrom,readv,write,writev,sendto,sendmsg,fsync,fdatasync',
      ...pids.flatMap((p) => ['-p', String(p)]),
    ],
    { stdio: 'ignore' },
  );
  await sleep(1_000);
  await writer.steady(config.rate, seconds);
  tracer.kill('SIGINT');
  await new Promise((r) => tracer.once('exit', r));
  const lines = readFileSync(out, 'utf8').split('\n');
  const toMs = (hms: string) => {
    const [h, m, s] = hms.split(':');
    return (Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000;
  };
  const port = `:${db.dbPort}->`;
  const lastRequest = new Map<string, number>();
  const fsyncTimes: number[] = [];
  let answers = 0;
  let after = 0;
  for (const line of lines) {
    // `-yy` decorates a descriptor with its path or socket, e.g. write(44<TCPv6:[[::ffff:127.0.0.1]:14710->[…]:48060]>, …
    const m = /^\d+\s+(\d\d:\d\d:\d\d\.\d+) (\w+)\((?:\d+<(.+?)>[,)])?/.exec(line);
    if (!m || line.includes('resumed>') || / = -1 /.test(line)) continue;
    const [, hms, call, target = ''] = m;
    const t = toMs(hms);
    if (call === 'fsync' || call === 'fdatasync') {
      if (!target.startsWith('TCP') && !target.startsWith('UNIX')) fsyncTimes.push(t);
    } else if (target.includes(port)) {
      if (/^(read|recvfrom|readv)$/.test(call)) lastRequest.set(target, t);
      else {
        answers++;
        const since = lastRequest.get(target) ?? -Infinity;
        if (fsyncTimes.some((f) => f >= since && f <= t)) after++;
      }
    }
  }
  rmSync(out, { force: true });
  return { answers, answersAfterFsync: after, fsyncs: fsyncTimes.length };
}

// ───────────────────────────── main ─────────────────────────────

interface EngineResult {
  engine: string;
  label: string;
  filesystem: string;
  /** Median appends/s of the rounds, their range, and the latency of every append of every round. */
  speed?: { appendsPerSecond: number; rounds: number[]; latency: Latency; failed: number };
  steady?: { rate: number; latency: Latency };
  kill9: (LossReport & { sent: number; failedDuringFault: number })[];
  powerCut: (LossReport & { sent: number; failedDuringFault: number })[];
  strace?: FsyncReport;
  error?: string;
}

interface Candidate {
  db: Database;
  writer: Writer;
  result: EngineResult;
  step: (s: string) => void;
}

async function start(engine: string, index: number, loop: boolean): Promise<Candidate> {
  const db = new Database(engine, index);
  const result: EngineResult = {
    engine,
    label: LABELS[engine] ?? engine,
    filesystem: loop ? 'ext4 on a loop device' : 'the data directory’s filesystem',
    kill9: [],
    powerCut: [],
  };
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
 * Speed, with every candidate up at once and the rounds taken in turns (A B C A B C …), so that a
 * busy spell of the shared machine does not land on one candidate only. A warm-up round per
 * candidate (JIT, connection pool, first collection) is not counted.
 */
async function speed(candidates: Candidate[]): Promise<void> {
  const live = candidates.filter((c) => !c.result.error);
  for (const c of live) await c.writer.speed(config.concurrency, Math.min(2, config.speedSeconds));
  const rounds = new Map<Candidate, { perSecond: number[]; times: number[]; failed: number }>(live.map((c) => [c, { perSecond: [], times: [], failed: 0 }]));
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
  for (const [c, acc] of rounds) {
    const sorted = [...acc.perSecond].sort((a, b) => a - b);
    c.result.speed = { appendsPerSecond: sorted[Math.floor(sorted.length / 2)], rounds: acc.perSecond, latency: latency(acc.times), failed: acc.failed };
  }
}

/** kill -9, then the power cut, then strace, on one candidate; the others stay idle meanwhile. */
async function durability({ db, writer, result, step }: Candidate, loop: boolean): Promise<void> {
  if (result.error) return;
  try {
    for (let i = 0; i < config.repeat; i++) {
      if (i > 0) await writer.connect();
      step(`kill -9 half-way through ${config.steadySeconds} s at ${config.rate}/s`);
      const k = await writer.steady(config.rate, config.steadySeconds, async () => void (await db.kill9()));
      if (i === 0) result.steady = { rate: config.rate, latency: k.latency };
      await writer.close();
      const loss = { ...(await restartAndCount(db, writer, k.faultAt!)), sent: k.sent, failedDuringFault: k.failed };
      result.kill9.push(loss);
      step(`kill -9: ${loss.missing} of ${loss.acknowledged} acknowledged missing`);
    }

    for (let i = 0; loop && i < config.repeat; i++) {
      await writer.connect();
      step(`power cut half-way through ${config.steadySeconds} s at ${config.rate}/s`);
      const c = await writer.steady(config.rate, config.steadySeconds, () => db.powerCut());
      await writer.close();
      const loss = { ...(await restartAndCount(db, writer, c.faultAt!)), sent: c.sent, failedDuringFault: c.failed };
      result.powerCut.push(loss);
      step(`power cut: ${loss.missing} of ${loss.acknowledged} acknowledged missing`);
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
    if (ls.length === 0) return 'n/a';
    const windows = ls.flatMap((l) => (l.window === null ? [] : [l.window]));
    return `${ls.map(one).join(', ')}${windows.length ? ` (up to ${Math.max(...windows)} s before the fault)` : ''}`;
  };
  const rows = results.map((r) => [
    r.label,
    r.speed ? `${r.speed.appendsPerSecond.toLocaleString('en-US')} (${Math.min(...r.speed.rounds)}–${Math.max(...r.speed.rounds)})` : 'n/a',
    r.speed ? `${r.speed.latency.p50} / ${r.speed.latency.p99}` : 'n/a',
    r.steady ? `${r.steady.latency.p50} / ${r.steady.latency.p99}` : 'n/a',
    loss(r.kill9),
    loss(r.powerCut),
    r.strace ? `${r.strace.answersAfterFsync} / ${r.strace.answers} (${r.strace.fsyncs} fsyncs)` : 'n/a',
  ]);
  const head = [
    'database',
    `appends/s (${config.concurrency} in flight)`,
    'p50 / p99 ms',
    `p50 / p99 ms at ${config.rate}/s`,
    'kill -9: acked lost / acked so far, each time',
    'power cut: acked lost / acked so far, each time',
    'answers after an fsync',
  ];
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

async function main(): Promise<void> {
  mkdirSync(config.dataDir, { recursive: true });
  const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const loadAtStart = load();
  const loop = config.powerCut ? loopDevicesWork() : { ok: false, why: '--no-power-cut' };
  if (!loop.ok) console.error(`power cut skipped: ${loop.why}`);
  const candidates: Candidate[] = [];
  try {
    for (const [i, engine] of config.engines.entries()) candidates.push(await start(engine, i, loop.ok));
    await speed(candidates);
    for (const c of candidates) {
      await durability(c, loop.ok);
      await c.writer.close();
      c.db.cleanup();
    }
  } finally {
    for (const c of candidates) {
      await c.writer.close();
      c.db.cleanup();
    }
  }
  const results = candidates.map((c) => c.result);
  console.log(table(results));
  console.log(
    `\n${config.engines.length} engines; speed: ${config.rounds} rounds of ${config.speedSeconds} s each, taken in turns (median appends/s; p50/p99 over all rounds); ${config.repeat} × kill -9, then ${config.repeat} × power cut, each half-way through ${config.steadySeconds} s at ${config.rate}/s; filesystem: ${results[0]?.filesystem}; load average ${loadAtStart} at the start, ${load()} at the end`,
  );
  writeFileSync(config.out, JSON.stringify({ config, results }, null, 2));
  console.log(`JSON: ${config.out}`);
  process.exit(results.some((r) => r.error) ? 1 : 0);
}

void main();
