/**
 * What the benches share: option parsing, the header and the exit, timing, percentile and query
 * tables, a keep-alive HTTP client and measured closed loops, /proc CPU and memory
 * meters, CPU profiles, Kafka consumers and baselines, and the clean-up.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as hdr from 'hdr-histogram-js';
import type { Admin, Consumer, ConsumerConfig, ConsumerRunConfig, Kafka } from 'kafkajs';
import type { MongoClient } from 'mongodb';
import { createEventProducer, ensureTopics, EventEnvelope, toKafkaMessage } from '@callcenter/events';
import { RunningService, testInfra, testMongo } from '@callcenter/testing';

export const ROOT = path.resolve(__dirname, '../..');
/** The local infra's data directory (its pid files tell the Kafka and database pids) and Kafka's jars. */
export const INFRA_DATA_DIR = process.env.INFRA_DATA_DIR ?? path.join(ROOT, '.data');
export const KAFKA_LIBS = process.env.KAFKA_LIBS ?? path.join(ROOT, '.cache/kafka/libs');

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
  const num = (name: string, fallback: number): number => {
    const raw = flag(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) {
      console.error(`--${name} must be a number ≥ 0, not ${raw}`);
      process.exit(2);
    }
    return n;
  };
  return {
    flag,
    has: (name: string): boolean => values[name] === true,
    num,
    /** A whole number ≥ `min`. */
    whole: (name: string, fallback: number, min = 0): number => Math.max(min, Math.floor(num(name, fallback))),
    /** A comma-separated list of whole numbers ≥ 1 (concurrencies). */
    list: (name: string, fallback: string): number[] => (flag(name) ?? fallback).split(',').map((c) => Math.max(1, Math.floor(Number(c)))),
  };
}

/**
 * What a service bench prints first: its title, the command, the machine and the infrastructure;
 * and whether the Kafka and database pids are known (else their CPU counts as `otherLabel`).
 */
export function header(title: string, otherLabel = 'other processes'): void {
  const infra = testInfra();
  const env = ['KAFKA_BROKERS', 'MONGODB_URI', 'INFRA_DATA_DIR'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]}`);
  console.log(title);
  console.log(`command: ${[...env, 'node', path.relative(ROOT, process.argv[1]), ...process.argv.slice(2)].join(' ')}`);
  console.log(`machine: ${machine()}; Kafka ${infra.brokers.join(',')}, database ${infra.mongoUri}; load average at start ${loadavg()}`);
  const { kafka, db } = infraPids();
  if (!kafka || !db) console.log(`(no Kafka/database pid files under ${INFRA_DATA_DIR}/run: their CPU is counted in "${otherLabel}")`);
}

/** Runs a bench's main, cleans up what it left and exits 0; on a failure prints the service's last output and exits 1. */
export function run(main: () => Promise<unknown>, left: Leftovers, service: () => RunningService | undefined = () => undefined): void {
  main()
    .then(() => left.cleanup())
    .then(() => process.exit(0))
    .catch(async (e) => {
      console.error(e);
      const s = service();
      if (s) console.error(`${s.name}'s last output (pid ${s.pid}):\n${s.output().slice(-4000)}`);
      await left.cleanup();
      process.exit(1);
    });
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
/**
 * Percentiles through an HDR histogram (hdr-histogram-js: microseconds, 3 significant digits, so
 * within 0.1 % of the exact nearest-rank figures); n, max and mean exact. Values below 0 (clocks of
 * two processes) are recorded from the smallest one up.
 */
export function pct(values: ArrayLike<number>): Pct {
  const n = values.length;
  if (n === 0) return { n: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  let [min, max, sum] = [Infinity, -Infinity, 0];
  for (let i = 0; i < n; i++) [min, max, sum] = [Math.min(min, values[i]), Math.max(max, values[i]), sum + values[i]];
  const base = Math.min(0, min);
  const h = hdr.build({ numberOfSignificantValueDigits: 3 });
  for (let i = 0; i < n; i++) h.recordValue(Math.round((values[i] - base) * 1000));
  const at = (p: number) => Math.min(max, base + h.getValueAtPercentile(p) / 1000);
  const p = { n, p50: at(50), p90: at(90), p99: at(99), max, mean: sum / n };
  h.destroy();
  return p;
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

/** Runs `work` over `items` with `concurrency` in flight. */
export async function pool<T>(items: T[], concurrency: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i], i);
      }
    }),
  );
}

// ───────────────────────────── query rows ─────────────────────────────

export interface Query {
  label: string;
  paths: string[];
  token?: string;
  /** Counted against the bench's p99 goal (false for the baselines). */
  goal: boolean;
  /** The status of a good answer (200). */
  expect?: number;
}
type LoopOptions = Parameters<typeof closedLoop>[5];
export interface QueryRow {
  label: string;
  concurrency: number;
  lat: Pct;
  rps: number;
  meanBytes: number;
  lastBody: string;
  serverCpuMs: number;
  benchCpuMs: number;
  otherCpuS: number;
  errorKinds: Record<string, number>;
  goal: boolean;
}

/**
 * Every query at every concurrency: a warm-up loop, then a measured one, with the server's and the
 * bench's CPU per request. `onPhase` is called after each warm-up ('between rows') and each row (a CPU profile cut).
 */
export async function measureQueries(
  port: number,
  queries: Query[],
  concurrencies: number[],
  server: { name: string; pid: number },
  o: {
    warmup: number;
    requests: number;
    log: (msg: string) => void;
    warmupLoop?: (concurrency: number) => LoopOptions;
    loop?: LoopOptions;
    onPhase?: (label: string) => Promise<void>;
  },
): Promise<QueryRow[]> {
  const rows: QueryRow[] = [];
  for (const concurrency of concurrencies) {
    for (const q of queries) {
      o.log(`${q.label} at concurrency ${concurrency} (port ${port}): ${o.warmup} warm-up + ${o.requests}`);
      await closedLoop(port, q.paths, q.token, concurrency, o.warmup, { expect: q.expect, ...o.warmupLoop?.(concurrency) });
      await o.onPhase?.('between rows');
      const meter = cpuMeter({ bench: process.pid, [server.name]: server.pid });
      meter.start();
      const r = await closedLoop(port, q.paths, q.token, concurrency, o.requests, { expect: q.expect, ...o.loop });
      const cpu = meter.stop();
      await o.onPhase?.(`${q.label} at concurrency ${concurrency} (${o.requests} requests)`);
      const n = Math.max(1, r.requests);
      rows.push({
        label: q.label,
        concurrency,
        lat: pct(r.latencies),
        rps: r.latencies.length / r.seconds,
        meanBytes: r.meanBytes,
        lastBody: r.last?.body ?? '',
        serverCpuMs: (1000 * cpu.used[server.name]) / n,
        benchCpuMs: (1000 * cpu.used.bench) / n,
        otherCpuS: cpu.other,
        errorKinds: r.errorKinds,
        goal: q.goal,
      });
    }
  }
  return rows;
}

/** The rows as a table: latency, rate, size, CPU per request, errors and the p99 goal; `total` and `other` add columns. */
export function queryTable(
  rows: QueryRow[],
  server: string,
  goalMs: number,
  {
    total,
    other = false,
    bytes = (r: QueryRow) => r.meanBytes,
  }: { total?: (r: QueryRow) => string | number; other?: boolean; bytes?: (r: QueryRow) => number } = {},
): string {
  const head = ['query', 'conc', 'n', 'p50', 'p90', 'p99', 'max', 'req/s', ...(total ? ['total'] : []), 'bytes'];
  head.push(`${server} cpu ms/req`, 'bench cpu ms/req', ...(other ? ['other cpu s'] : []), 'errors', `p99 ≤ ${goalMs} ms`);
  const body = rows.map((r) => [
    r.label,
    r.concurrency,
    ...pctCells(r.lat),
    f(r.rps, 1),
    ...(total ? [total(r)] : []),
    int(bytes(r)),
    f(r.serverCpuMs, 2),
    f(r.benchCpuMs, 2),
    ...(other ? [f(r.otherCpuS, 1)] : []),
    Object.entries(r.errorKinds)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ') || 0,
    r.goal ? goalCell(r.lat.p99, goalMs) : 'n/a',
  ]);
  return table([head, ...body], [...head.map((_, i) => (i === 0 ? 'l' : ('r' as const))).slice(0, -1), 'l']);
}

/** One line: how many goal rows met p99 ≤ `goalMs`, and the worst. */
export function goalLine(what: string, rows: QueryRow[], goalMs: number): string {
  const goals = rows.filter((r) => r.goal);
  if (!goals.length) return `GOAL ${what}: no rows`;
  const met = goals.filter((r) => r.lat.p99 <= goalMs).length;
  const worst = goals.reduce((a, b) => (b.lat.p99 > a.lat.p99 ? b : a));
  const over = worst.lat.p99 - goalMs;
  return (
    `GOAL ${what} p99 ≤ ${goalMs} ms: ${met === goals.length ? 'MET' : 'MISSED'} (${met}/${goals.length} rows met); ` +
    `worst ${worst.label} at concurrency ${worst.concurrency}: p99 ${f(worst.lat.p99)} ms${over > 0 ? ` (over by ${f(over)} ms, ${f((100 * over) / goalMs, 0)} %)` : ''}`
  );
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
/** The local infra's Kafka and database pids (undefined when not found: their CPU then counts as other processes'). */
export const infraPids = () => ({ kafka: pidFile(INFRA_DATA_DIR, 'kafka'), db: pidFile(INFRA_DATA_DIR, 'db') });
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

/** One service's CPU profiles (`--cpu-prof DIR`): cut at a bench's phase boundaries, summarised at the end. */
export class CpuProfiles {
  private readonly taken: { label: string; file: string }[] = [];

  constructor(
    readonly dir: string | undefined,
    private readonly service: string,
    private readonly log: (msg: string) => void,
    private readonly tries = 100,
    private readonly settleMs = 200,
  ) {
    if (dir) mkdirSync(dir, { recursive: true });
  }

  /** The service's environment for the preload (empty without a directory). */
  get env(): Record<string, string> {
    return cpuProfileEnv(this.dir);
  }

  async cut(pid: number, label: string): Promise<void> {
    if (!this.dir) return;
    const file = await cutCpuProfile(this.dir, this.service, pid, this.tries, this.settleMs);
    if (file) this.taken.push({ label, file });
    else this.log(`no profile written for ${label}`);
  }

  /** Once the service (`pid`) stopped: adds what it wrote at exit, and prints each profile's top `top` functions, but those labelled `skip`. */
  async print(pid: number, top: number, skip?: string): Promise<void> {
    if (!this.dir) return;
    await sleep(500);
    const dir = path.resolve(this.dir);
    const rest = readdirSync(dir).filter((n) => n.startsWith(`${this.service}-${pid}-`) && !this.taken.some((p) => path.basename(p.file) === n));
    for (const n of rest) this.taken.push({ label: 'until exit', file: path.join(dir, n) });
    console.log(`\n=== CPU profiles of ${this.service} (sampled every 1 ms; written to ${dir}) ===`);
    for (const p of this.taken.filter((x) => x.label !== skip)) {
      console.log(`\n[${p.label}]`);
      for (const line of topSelfTime(p.file, top)) console.log(line);
    }
  }
}

/** The machine in one phrase: cores and model, memory, node version. */
export const machine = () => `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${f(os.totalmem() / 2 ** 30, 0)} GiB, node ${process.version}`;

// ───────────────────────────── Kafka ─────────────────────────────

/** Retries `fn` (a topic just created answers offset requests with NOT_LEADER for a moment). */
export async function retrying<T>(fn: () => Promise<T>, attempts = 20, waitMs = 500): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= attempts) throw e;
      await sleep(waitMs);
    }
  }
}

/** Messages on a topic now (high − low over its partitions). */
export const topicSize = async (admin: Admin, topic: string) =>
  (await retrying(() => admin.fetchTopicOffsets(topic))).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);

/** A plain kafkajs consumer of `topics`, resolved once it joined its group (or after 30 s). */
export async function joinedConsumer(
  kafka: Kafka,
  config: Partial<ConsumerConfig> & { groupId: string },
  topics: string[],
  fromBeginning: boolean,
  run: ConsumerRunConfig,
): Promise<Consumer> {
  const consumer = kafka.consumer({ sessionTimeout: 15_000, heartbeatInterval: 1_000, allowAutoTopicCreation: false, ...config });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning });
  await consumer.run(run);
  await Promise.race([joined, sleep(30_000)]);
  return consumer;
}

/**
 * Kafka alone at `rate`: `count` copies of `sample` (fresh stream ids as keys), one per send with the
 * relay's producer settings, to a plain kafkajs consumer in this process; send → received latencies.
 * On a fresh topic unless `topic` is given (then only what is sent from now on is read).
 */
export async function kafkaOnlyLatency(
  kafka: Kafka,
  sample: EventEnvelope,
  count: number,
  rate: number,
  { topic, groupId = `bench-baseline-${randomUUID().slice(0, 8)}`, left }: { topic?: string; groupId?: string; left?: Leftovers } = {},
) {
  const fresh = !topic;
  topic ??= `bench.baseline.${randomUUID().slice(0, 8)}`;
  left?.groups.add(groupId);
  if (fresh) {
    left?.topics.add(topic);
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [{ topic }]).finally(() => admin.disconnect());
  }
  const producer = createEventProducer(kafka);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let consumer: Consumer | undefined;
  try {
    await producer.connect();
    consumer = await joinedConsumer(kafka, { groupId }, [topic], fresh, {
      eachBatch: async ({ batch }) => {
        const at = nowMs();
        for (const m of batch.messages) {
          const sent = sentAt.get(m.key?.toString() ?? '');
          if (sent !== undefined) latencies.push(at - sent);
        }
      },
    });
    await sleep(1000); // let the group settle on its offsets
    const sends: Promise<unknown>[] = [];
    await openLoop(count, rate, () => {
      const key = randomUUID();
      sentAt.set(key, nowMs());
      sends.push(producer.send({ topic, acks: -1, messages: [toKafkaMessage({ ...sample, streamId: key, eventId: randomUUID() })] }));
    });
    await Promise.all(sends);
    for (let i = 0; i < 100 && latencies.length < count; i++) await sleep(100);
    return { latencies, sent: count, bytes: Buffer.byteLength(JSON.stringify(sample)) };
  } finally {
    await consumer?.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
  }
}

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

/**
 * Kafka's ConsumerPerformance (the Java consumer) reading `messages` from the start of `topic`, with the
 * figures of its last CSV line (start.time, end.time, MB, MB.sec, nMsg, nMsg.sec, rebalance ms, fetch
 * ms, fetch MB.sec, fetch nMsg.sec) and the wall time, the JVM's start included.
 */
export async function consumerPerformance(
  brokers: string[],
  topic: string,
  messages: number,
  { timeoutS = 60, group, heap, toolTimeoutMs, left }: { timeoutS?: number; group?: string; heap?: string; toolTimeoutMs?: number; left?: Leftovers } = {},
) {
  if (group) left?.groups.add(group);
  const t0 = nowMs();
  const args = ['--bootstrap-server', brokers.join(','), '--topic', topic, '--messages', String(messages), '--timeout', String(timeoutS * 1000)];
  const out = await kafkaTool(KAFKA_LIBS, 'ConsumerPerformance', [...args, ...(group ? ['--group', group] : [])], {
    heap,
    timeoutMs: toolTimeoutMs,
    track: left?.children,
  });
  const line = out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^\d{4}-/.test(l))
    .pop();
  const cells = line?.split(',').map((c) => Number(c.trim())) ?? [];
  if (cells.length < 10) throw new Error(`ConsumerPerformance: cannot read ${out.slice(-400)}`);
  return {
    topic,
    line: line!,
    mb: cells[2],
    messages: cells[4],
    nMsgSec: cells[5],
    rebalanceMs: cells[6],
    fetchMs: cells[7],
    fetchNMsgSec: cells[9],
    wallMs: nowMs() - t0,
  };
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
