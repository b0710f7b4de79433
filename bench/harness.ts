/**
 * What the benches share: option parsing, timing, percentile tables, a seeded PRNG, a keep-alive HTTP
 * client, /proc CPU and memory meters, and the CPU-profile preload's environment and reading.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Kafka } from 'kafkajs';
import type { MongoClient } from 'mongodb';
import { RunningService, testMongo } from '@callcenter/testing';

export const ROOT = path.resolve(__dirname, '../..');

// ───────────────────────────── options ─────────────────────────────

/**
 * Parses the command line with node:util's parseArgs: `strings` take a value (`--x 1` or `--x=1`),
 * `booleans` none. `--help`/`-h` prints `help` and exits; an unknown option prints it and exits 2.
 */
export function options(help: string, strings: string[], booleans: string[]) {
  const spec = Object.fromEntries([
    ...strings.map((s) => [s, { type: 'string' as const }]),
    ...booleans.map((b) => [b, { type: 'boolean' as const }]),
    ['help', { type: 'boolean' as const, short: 'h' }],
  ]);
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: process.argv.slice(2), options: spec, strict: true, allowPositionals: true }).values as typeof values;
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${help}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(help);
    process.exit(0);
  }
  const flag = (name: string): string | undefined => values[name] as string | undefined;
  return {
    flag,
    has: (name: string): boolean => values[name] === true,
    num(name: string, fallback: number): number {
      const raw = flag(name);
      if (raw === undefined) return fallback;
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0) {
        console.error(`--${name} must be a number ≥ 0, not ${raw}`);
        process.exit(2);
      }
      return n;
    },
  };
}

/** What a bench's `--help` prints: the text block of the `## Options` section of bench/<dir>/README.md. */
export function readmeOptions(dir: string): string {
  const readme = readFileSync(path.join(ROOT, 'bench', dir, 'README.md'), 'utf8');
  return /^## Options\n[\s\S]*?```text\n([\s\S]*?)```/m.exec(readme)?.[1].trimEnd() ?? readme;
}

// ───────────────────────────── time and logs ─────────────────────────────

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Wall-clock milliseconds with sub-millisecond resolution, comparable with the services' clocks. */
export const nowMs = () => performance.timeOrigin + performance.now();
export const logger = (bench: string) => (msg: string) => process.stderr.write(`[bench:${bench} ${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
export const loadavg = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** Open loop: send i is due at start + i/rate whatever the answers; `lag` is how late each went (ms). */
export async function openLoop(count: number, rate: number, send: (i: number) => void): Promise<{ start: number; end: number; lag: number[] }> {
  const start = nowMs();
  const lag: number[] = [];
  let i = 0;
  while (i < count) {
    const due = start + (i * 1000) / rate;
    const now = nowMs();
    if (now >= due) {
      lag.push(now - due);
      send(i++);
      continue;
    }
    await sleep(Math.max(0, Math.min(1, due - now)));
  }
  return { start, end: nowMs(), lag };
}

// ───────────────────────────── figures ─────────────────────────────

export interface Pct {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}
/** Nearest-rank percentiles (exact, so that the figures stay comparable with the recorded ones). */
export function pct(values: ArrayLike<number>): Pct {
  if (values.length === 0) return { n: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const s = Float64Array.from(values).sort();
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  let sum = 0;
  for (const v of s) sum += v;
  return { n: s.length, p50: at(50), p90: at(90), p99: at(99), max: s[s.length - 1], mean: sum / s.length };
}
export const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');
export const int = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en') : '–');
/** Columns padded to width, the first left-aligned unless `align` says otherwise; a rule under the header unless `rule` is false. */
export function table(rows: (string | number)[][], align: ('l' | 'r')[] = [], rule = true): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c] ?? '').length)));
  const line = (r: (string | number)[]) =>
    r.map((cell, c) => ((align[c] ?? (c === 0 ? 'l' : 'r')) === 'l' ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ');
  return [line(rows[0]), ...(rule ? [widths.map((w) => '─'.repeat(w)).join('  ')] : []), ...rows.slice(1).map(line)].join('\n');
}
export const pctCells = (p: Pct, d = 1) => [p.n, f(p.p50, d), f(p.p90, d), f(p.p99, d), f(p.max, d)];
export const goalCell = (p99: number, goal: number) =>
  p99 <= goal ? `met (p99 ${f(p99, 2)} ≤ ${goal})` : `MISSED by ${f(p99 - goal, 1)} ms (+${f((100 * (p99 - goal)) / goal, 0)} %)`;

// ───────────────────────────── PRNG ─────────────────────────────

/** Seeded PRNG (mulberry32): the same seed gives the same data. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const between = (lo: number, hi: number) => lo + next() * (hi - lo);
  return {
    next,
    between,
    /** Roughly log-normal: most near `typical`, a long tail up to `max`. */
    skewed: (min: number, typical: number, max: number) => Math.min(max, Math.max(min, typical * Math.exp((next() + next() + next() - 1.5) * 1.6))),
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    weighted: <T extends string>(w: Partial<Record<T, number>>): T => {
      const entries = Object.entries(w) as [T, number][];
      const total = entries.reduce((s, [, x]) => s + x, 0);
      let r = next() * total;
      for (const [k, x] of entries) if ((r -= x) < 0) return k;
      return entries[entries.length - 1][0];
    },
  };
}
export type Rng = ReturnType<typeof rng>;

// ───────────────────────────── HTTP ─────────────────────────────

export const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
export interface Answer {
  status: number;
  body: string;
  ms: number;
  end: number;
}
/** A small keep-alive HTTP client; the time includes reading the whole body. */
export function request(port: number, method: string, urlPath: string, token?: string, body?: unknown, timeoutMs = 30_000, retried = false): Promise<Answer> {
  const start = nowMs();
  const retry = () => request(port, method, urlPath, token, body, timeoutMs, true);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const end = nowMs();
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: end - start, end });
      });
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${urlPath} timed out`)));
    // A kept-alive socket the server closed meanwhile (its keep-alive timeout): retry once on a fresh one.
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (req.reusedSocket && e.code === 'ECONNRESET' && !retried) resolve(retry());
      else reject(e);
    });
    req.end(payload);
  });
}

/**
 * A closed loop of GETs, `concurrency` at a time over `paths` in turn: up to `requests`, and past
 * `maxS` seconds only while fewer than `minRequests` were started. A status other than `expect`
 * counts as an error (`errorKinds` by "HTTP <status>" or error code).
 */
export async function closedLoop(
  port: number,
  paths: string[],
  token: string | undefined,
  concurrency: number,
  requests: number,
  { maxS = Infinity, minRequests = requests, expect = 200, timeoutMs = 30_000 } = {},
) {
  const latencies: number[] = [];
  let started = 0;
  let errors = 0;
  const errorKinds: Record<string, number> = {};
  let bytes = 0;
  let lastError = '';
  let last: Answer | undefined;
  const t0 = nowMs();
  const fail = (kind: string, detail: string) => {
    errors++;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
    lastError = detail;
  };
  const more = () => started < requests && (started < minRequests || nowMs() - t0 < maxS * 1000);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (more()) {
        const i = started++;
        try {
          const r = await request(port, 'GET', paths[i % paths.length], token, undefined, timeoutMs);
          if (r.status !== expect) fail(`HTTP ${r.status}`, `${r.status} ${r.body.slice(0, 200)}`);
          latencies.push(r.ms);
          bytes += Buffer.byteLength(r.body);
          last = r;
        } catch (e) {
          fail((e as NodeJS.ErrnoException).code ?? (e as Error).message, String(e));
        }
      }
    }),
  );
  return {
    latencies,
    requests: started,
    seconds: (nowMs() - t0) / 1000,
    errors,
    errorKinds,
    meanBytes: bytes / Math.max(1, latencies.length),
    lastError,
    last,
  };
}

// ───────────────────────────── /proc meters ─────────────────────────────

// CPU accounting from /proc (clock ticks, USER_HZ = 100 on Linux).
export const HZ = 100;
export function cpuTicks(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime, stime
  } catch {
    return NaN;
  }
}
export function machineTicks(): { busy: number; total: number } {
  const parts = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = parts.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - parts[3] - parts[4], total };
}
/** The pid of an infrastructure process (kafka, mongo …) from its pid file under the infra data dir. */
export function pidFile(infraDataDir: string, name: string): number | undefined {
  const file = path.join(infraDataDir, 'run', `${name}.pid`);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return existsSync(`/proc/${pid}`) ? pid : undefined;
}
export function rssMiB(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}
/** CPU seconds per process between `start()` and `stop()`. */
export function cpuMeter(pids: Record<string, number | undefined>) {
  const names = Object.keys(pids);
  let t0 = 0;
  let before: Record<string, number> = {};
  let m0 = machineTicks();
  return {
    start() {
      t0 = nowMs();
      m0 = machineTicks();
      before = Object.fromEntries(names.map((n) => [n, cpuTicks(pids[n])]));
    },
    stop() {
      const wall = (nowMs() - t0) / 1000;
      const m1 = machineTicks();
      const used = Object.fromEntries(names.map((n) => [n, (cpuTicks(pids[n]) - before[n]) / HZ])) as Record<string, number>;
      const all = (m1.busy - m0.busy) / HZ;
      const ours = Object.values(used)
        .filter(Number.isFinite)
        .reduce((a, b) => a + b, 0);
      return { wall, used, machineBusy: all, other: all - ours, machineShare: (m1.busy - m0.busy) / Math.max(1, m1.total - m0.total) };
    },
  };
}
export type CpuReading = ReturnType<ReturnType<typeof cpuMeter>['stop']>;
export function cpuLine(r: CpuReading, otherLabel = 'other processes'): string {
  const parts = Object.entries(r.used).map(([n, s]) => `${n} ${f(s, 1)} s (${f((100 * s) / r.wall, 0)} %)`);
  parts.push(`${otherLabel} ${f(r.other, 1)} s`);
  return `CPU over ${f(r.wall, 1)} s wall (% of one core): ${parts.join(', ')}; machine ${f(100 * r.machineShare, 0)} % busy of ${os.cpus().length} cores`;
}

// ───────────────────────────── CPU profiles ─────────────────────────────

/** The environment that makes a service sample its CPU (cpu-profile.preload.ts) into `dir`; empty without `dir`. */
export function cpuProfileEnv(dir: string | undefined): Record<string, string> {
  return dir ? { NODE_OPTIONS: `--require ${path.join(__dirname, 'cpu-profile.preload.js')}`, BENCH_CPU_PROF_DIR: path.resolve(dir) } : {};
}

/** Asks the service `name` (pid) to cut its CPU profile (SIGWINCH); resolves with the file it wrote, or undefined. */
export async function cutCpuProfile(dir: string, name: string, pid: number, tries: number, settleMs: number): Promise<string | undefined> {
  dir = path.resolve(dir);
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGWINCH');
  for (let i = 0; i < tries; i++) {
    const fresh = readdirSync(dir).filter((n) => !before.has(n) && n.startsWith(`${name}-${pid}-`));
    if (fresh.length) {
      await sleep(settleMs);
      return path.join(dir, fresh[0]);
    }
    await sleep(100);
  }
  return undefined;
}

/**
 * Top self-time functions of a .cpuprofile (Chrome DevTools format), and self time by package. Frames
 * under the preload's own `cut` (serialising the previous profile) are left out.
 */
export function topSelfTime(file: string, top: number): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const excluded = new Set<number>();
  const mark = (id: number) => {
    excluded.add(id);
    for (const c of byId.get(id)?.children ?? []) mark(c);
  };
  for (const n of profile.nodes) if (n.callFrame.url.includes('cpu-profile.preload')) mark(n.id);
  const self = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!node || excluded.has(node.id)) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '');
    const where = file ? `${file}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
    const pkg =
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ??
      /^dist\/((?:apps|libs)\/[^/]+)/.exec(file)?.[1] ??
      (file.startsWith('node:') ? 'node internals' : file ? file : functionName.startsWith('(') ? functionName : 'native (no script)');
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + dt);
    total += dt;
  }
  const busy = total - (self.get('(idle)') ?? 0);
  const rows = [...self.entries()]
    .filter(([k]) => k !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
  const packages = [...byPackage.entries()]
    .filter(([k]) => k !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12);
  return [
    `${path.basename(file)}: ${f(total / 1e6, 1)} s sampled, ${f(busy / 1e6, 1)} s not idle; top self time (share of non-idle):`,
    ...rows.map(([k, us]) => `  ${f(us / 1000, 0).padStart(7)} ms  ${f((100 * us) / Math.max(1, busy), 1).padStart(5)} %  ${k}`),
    `  by package: ${packages.map(([k, us]) => `${k} ${f((100 * us) / Math.max(1, busy), 0)} %`).join(', ')}`,
  ];
}

/** The machine in one phrase: cores and model, memory, node version. */
export const machine = () => `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${f(os.totalmem() / 2 ** 30, 0)} GiB, node ${process.version}`;

// ───────────────────────────── Kafka's own tools ─────────────────────────────

/**
 * Runs one of Kafka's Java tools (org.apache.kafka.tools.<tool>) from the broker's jars under `libs`;
 * resolves with its stdout. `track` holds the child while it runs (a bench's Leftovers.children).
 */
export function kafkaTool(
  libs: string,
  tool: string,
  args: string[],
  { heap = '256m', timeoutMs = 120_000, track = new Set<ChildProcess>() } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', [`-Xmx${heap}`, '-cp', `${libs}/*`, `org.apache.kafka.tools.${tool}`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    track.add(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const done = () => {
      clearTimeout(timer);
      track.delete(child);
    };
    child.on('error', (e) => (done(), reject(e)));
    child.on('close', (code) => {
      done();
      if (code !== 0) reject(new Error(`${tool} failed (exit ${code}): ${(err || out).slice(-800)}`));
      else resolve(out);
    });
  });
}

/** The figures of ConsumerPerformance's last CSV line (start.time, end.time, MB, MB.sec, nMsg, nMsg.sec, rebalance ms, fetch ms, fetch MB.sec, fetch nMsg.sec). */
export function consumerPerformanceFigures(out: string) {
  const line = out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^\d{4}-/.test(l))
    .pop();
  const cells = line?.split(',').map((c) => Number(c.trim())) ?? [];
  if (cells.length < 10) throw new Error(`ConsumerPerformance: cannot read ${out.slice(-400)}`);
  return { line: line!, mb: cells[2], messages: cells[4], nMsgSec: cells[5], rebalanceMs: cells[6], fetchMs: cells[7], fetchNMsgSec: cells[9] };
}

// ───────────────────────────── clean-up ─────────────────────────────

/** What a bench started or created: stopped, deleted and dropped at the end, or on SIGINT/SIGTERM. */
export class Leftovers {
  readonly services = new Set<RunningService>();
  readonly children = new Set<ChildProcess>();
  readonly databases = new Set<string>();
  readonly topics = new Set<string>();
  readonly groups = new Set<string>();
  readonly closers: (() => unknown)[] = [];
  private client?: MongoClient;
  private cleaning?: Promise<void>;

  constructor(
    private readonly keepDb: () => boolean,
    private readonly kafka?: Kafka,
  ) {}

  /** One database client for the bench, closed by cleanup(). */
  async mongo(): Promise<MongoClient> {
    return (this.client ??= await testMongo());
  }

  async stopService(s: RunningService, graceMs = 20_000): Promise<void> {
    const stopped = await Promise.race([s.stop().then(() => true), sleep(graceMs).then(() => false)]);
    if (!stopped) await s.kill();
    this.services.delete(s);
  }

  /** SIGTERM, then SIGKILL if the child is still there after `graceMs`. */
  async stopChild(child: ChildProcess, graceMs = 20_000): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const exited = await Promise.race([new Promise<boolean>((r) => child.once('exit', () => r(true))), sleep(graceMs).then(() => false)]);
      if (!exited) child.kill('SIGKILL');
    }
    this.children.delete(child);
  }

  /** Cleans up on SIGINT/SIGTERM, saying so with `message`, and exits 130. */
  onSignals(log: (msg: string) => void, message: string): void {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        log(`${signal}: ${message}`);
        this.cleanup().finally(() => process.exit(130));
      });
    }
  }

  cleanup(): Promise<void> {
    this.cleaning ??= (async () => {
      for (const close of this.closers.splice(0))
        await Promise.resolve()
          .then(close)
          .catch(() => undefined);
      for (const child of [...this.children]) await this.stopChild(child);
      await Promise.all([...this.services].map((s) => this.stopService(s)));
      if (this.kafka && (this.topics.size || this.groups.size)) {
        const admin = this.kafka.admin();
        try {
          await admin.connect();
          if (this.groups.size) await admin.deleteGroups([...this.groups]).catch(() => undefined);
          if (this.topics.size) await admin.deleteTopics({ topics: [...this.topics], timeout: 10_000 }).catch(() => undefined);
        } catch {
          /* Kafka gone: nothing to delete */
        } finally {
          await admin.disconnect().catch(() => undefined);
        }
      }
      if (!this.keepDb() && this.databases.size) {
        try {
          const mongo = await this.mongo();
          for (const db of this.databases)
            await mongo
              .db(db)
              .dropDatabase()
              .catch(() => undefined);
        } catch {
          /* database gone: nothing to drop */
        }
      }
      await this.client?.close().catch(() => undefined);
      agent.destroy();
    })();
    return this.cleaning;
  }
}
