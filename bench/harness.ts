/** What the benches share (docs/performance.md, "The bench itself"): options and exit, figures and tables, HTTP query rows, /proc meters, CPU profiles, Kafka, clean-up. */
import { ChildProcess, execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import * as hdr from 'hdr-histogram-js';
import type { Admin, Consumer, ConsumerConfig, ConsumerRunConfig, Kafka } from 'kafkajs';
import type { MongoClient } from 'mongodb';
import { createEventProducer, createKafka, ensureTopics, EventEnvelope, toKafkaMessage, whileBrokerSettles } from '@callcenter/events';
import { RunningService, startService, testInfra, testMongo } from '@callcenter/testing';

export const ROOT = path.resolve(__dirname, '../..');
export const INFRA_DATA_DIR = process.env.INFRA_DATA_DIR ?? path.join(ROOT, '.data'); // the local infra's: its run/*.pid tell the Kafka and database pids
export const KAFKA_LIBS = process.env.KAFKA_LIBS ?? path.join(ROOT, '.cache/kafka/libs');
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const quietly = (p?: Promise<unknown>) => p?.catch(() => undefined);
const within = (p: Promise<unknown>, ms: number) => Promise.race([p.then(() => true), sleep(ms).then(() => false)]);
// ───────────────────────────── options, header, exit ─────────────────────────────
const quit = (code: number, message: string): never => ((code ? console.error : console.log)(message), process.exit(code));
/** node:util's parseArgs: `strings` take a value (`--x 1`, `--x=1`), `booleans` none; `--help`/`-h` prints `help`, an unknown option prints it and exits 2; `list` reads 1,4,16. */
export function options(help: string, strings: string[], booleans: string[]) {
  const spec = Object.fromEntries([...strings.map((s) => [s, { type: 'string' }]), ...booleans.map((b) => [b, { type: 'boolean' }])]);
  let values: Record<string, string | boolean | undefined> = {};
  try {
    values = parseArgs({ options: { ...spec, help: { type: 'boolean', short: 'h' } }, allowPositionals: true }).values as typeof values;
  } catch (e) {
    quit(2, `${(e as Error).message}\n\n${help}`);
  }
  if (values.help) quit(0, help);
  const flag = (name: string) => values[name] as string | undefined;
  const num = (name: string, fallback: number): number => {
    const n = Number(flag(name) ?? fallback);
    return Number.isFinite(n) && n >= 0 ? n : quit(2, `--${name} must be a number ≥ 0, not ${flag(name)}`);
  };
  const whole = (name: string, fallback: number, min = 0) => Math.max(min, Math.floor(num(name, fallback)));
  const list = (name: string, fallback: string) => (flag(name) ?? fallback).split(',').map((c) => Math.max(1, Math.floor(Number(c))));
  return { flag, has: (name: string) => values[name] === true, num, whole, list };
}
/** What a bench's `--help` prints: the text block of the `## Options` section of bench/<dir>/README.md. */
export function readmeOptions(dir: string): string {
  const readme = readFileSync(path.join(ROOT, 'bench', dir, 'README.md'), 'utf8');
  return /^## Options\n[\s\S]*?```text\n([\s\S]*?)```/m.exec(readme)?.[1].trimEnd() ?? readme;
}
/** A service bench's first lines: title, command, machine, infrastructure; and whether the Kafka and database pids are known (else their CPU counts as `otherLabel`). */
export function header(title: string, otherLabel = 'other processes'): void {
  const { brokers, mongoUri } = testInfra();
  const env = ['KAFKA_BROKERS', 'MONGODB_URI', 'INFRA_DATA_DIR'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]}`);
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${f(os.totalmem() / 2 ** 30, 0)} GiB, node ${process.version}`;
  console.log(`${title}\ncommand: ${[...env, 'node', path.relative(ROOT, process.argv[1]), ...process.argv.slice(2)].join(' ')}`);
  console.log(`machine: ${machine}; Kafka ${brokers.join(',')}, database ${mongoUri}; load average at start ${loadavg()}`);
  const { kafka, db } = infraPids();
  if (!kafka || !db) console.log(`(no Kafka/database pid files under ${INFRA_DATA_DIR}/run: their CPU is counted in "${otherLabel}")`);
}
/** A service bench's start: its logger, CPU profiles (`--cpu-prof DIR`), Kafka client and leftovers, cleaned up on SIGINT/SIGTERM. */
export function setup(bench: string, cpuProf: string | undefined, keepDb: () => boolean) {
  const [log, kafka] = [logger(bench), createKafka({ brokers: testInfra().brokers, clientId: `bench-${bench}` })];
  const left = new Leftovers(keepDb, kafka);
  left.onSignals(log, 'stopping what this bench started');
  return { log, profiles: new CpuProfiles(cpuProf, bench, log), kafka, left };
}
/** console.log of a template literal (one that prettier leaves on one line). */
export const say = (parts: TemplateStringsArray, ...values: unknown[]) => console.log(parts.reduce((a, p, i) => a + String(values[i - 1]) + p));
/** `startService` for a bench: with the CPU profiles' env, kept in `left`, timed (`startupMs`, `listenMs`), its start-up's peak RSS (`peakRss`, MiB). */
export async function launch(left: Leftovers, name: string, port: number, env: Record<string, string>, o: LaunchOptions = {}) {
  const [t0, peak] = [nowMs(), { rss: 0 }];
  const whileStarting = (pid: number) => void (peak.rss = Math.max(peak.rss, rssMiB(pid) || 0));
  const options = { readyTimeoutMs: o.readyTimeoutMs, root: o.root && path.resolve(o.root), whileStarting };
  const service = await startService(name, port, { ...env, ...o.profiles?.env }, options);
  left.services.add(service);
  return Object.assign(service, { startupMs: nowMs() - t0, listenMs: service.listenMs ?? NaN, peakRss: peak.rss });
}
type LaunchOptions = { profiles?: CpuProfiles; readyTimeoutMs?: number; root?: string };
/** Runs a bench's main, cleans up what it left and exits 0 (or the `process.exitCode` main set); on a failure prints the service's last output and exits 1. */
export function run(main: () => unknown, left = new Leftovers(), service: () => RunningService | undefined = () => undefined): void {
  const exit = (code: number) => left.cleanup().finally(() => process.exit(code));
  const failed = (e: unknown, s = service()) => (console.error(e, s ? `\n${s.name}'s last output (pid ${s.pid}):\n${s.output().slice(-4000)}` : ''), exit(1));
  void (async () => main())().then(() => exit(Number(process.exitCode ?? 0)), failed);
}
// ───────────────────────────── time, figures, tables ─────────────────────────────
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Wall-clock milliseconds with sub-millisecond resolution, comparable with the services' clocks. */
export const nowMs = () => performance.timeOrigin + performance.now();
export const logger = (bench: string) => (msg: string) => process.stderr.write(`[bench:${bench} ${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
export const loadavg = () => Array.from(os.loadavg(), (l) => l.toFixed(2)).join(' ');
/** Open loop: send i is due at start + i/rate whatever the answers; `lag` is how late each went (ms). */
export async function openLoop(count: number, rate: number, send: (i: number) => void): Promise<{ start: number; end: number; lag: number[] }> {
  const [start, lag] = [nowMs(), [] as number[]];
  for (let i = 0, late = 0; i < count; late = nowMs() - (start + (i * 1000) / rate)) {
    if (late < 0) await sleep(Math.min(1, -late));
    else (lag.push(late), send(i++));
  }
  return { start, end: nowMs(), lag };
}
export type Pct = { n: number; p50: number; p90: number; p99: number; max: number; mean: number };
/** Percentiles through an HDR histogram (µs, 3 significant digits: within 0.1 % of nearest-rank); n, max, mean exact; values < 0 (two clocks) shifted up. */
export function pct(values: ArrayLike<number>): Pct {
  const n = values.length;
  if (n === 0) return { n, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  let [min, max, total] = [Infinity, -Infinity, 0];
  for (let i = 0; i < n; i++) [min, max, total] = [Math.min(min, values[i]), Math.max(max, values[i]), total + values[i]];
  const [base, h] = [Math.min(0, min), hdr.build({ numberOfSignificantValueDigits: 3 })];
  for (let i = 0; i < n; i++) h.recordValue(Math.round((values[i] - base) * 1000));
  const at = (p: number) => Math.min(max, base + h.getValueAtPercentile(p) / 1000);
  const p = { n, p50: at(50), p90: at(90), p99: at(99), max, mean: total / n };
  return (h.destroy(), p);
}
export const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
/** `pct` rounded to `d` decimals (a JSON record's figures), only `keys` of it if given. */
export const pctRounded = <K extends keyof Pct>(xs: ArrayLike<number>, d = 2, keys?: K[], p = pct(xs)) =>
  Object.fromEntries((keys ?? (Object.keys(p) as K[])).map((k) => [k, round(p[k], d)])) as Pick<Pct, K>;
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');
export const int = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en') : '–');
/** Columns padded to width, the first left-aligned unless `align` says otherwise; a rule under the header unless `rule` is false. */
export function table(rows: (string | number)[][], align: ('l' | 'r')[] = [], rule = true): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c] ?? '').length)));
  const pad = (cell: string | number, c: number) => ((align[c] ?? (c ? 'r' : 'l')) === 'l' ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]));
  const lines = rows.map((r) => r.map(pad).join('  '));
  if (rule) lines.splice(1, 0, widths.map((w) => '─'.repeat(w)).join('  '));
  return lines.join('\n');
}
export const pctCells = (p: Pct, d = 1) => [p.n, f(p.p50, d), f(p.p90, d), f(p.p99, d), f(p.max, d)];
export const goalCell = (p99: number, goal: number) =>
  p99 <= goal ? `met (p99 ${f(p99, 2)} ≤ ${goal})` : `MISSED by ${f(p99 - goal, 1)} ms (+${f((100 * (p99 - goal)) / goal, 0)} %)`;
// ───────────────────────────── HTTP and query rows ─────────────────────────────
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
export type Answer = { status: number; body: string; ms: number; end: number };
/** A small keep-alive HTTP client; the time includes reading the whole body. */
export function request(port: number, method: string, urlPath: string, token?: string, body?: unknown, timeoutMs = 30_000, retried = false): Promise<Answer> {
  const [start, payload] = [nowMs(), body === undefined ? undefined : JSON.stringify(body)];
  const headers: http.OutgoingHttpHeaders = payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {};
  if (token) headers.authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c)).on('error', reject);
      res.on('end', (end = nowMs()) => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: end - start, end }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${urlPath} timed out`)));
    // A kept-alive socket the server closed meanwhile (its keep-alive timeout): retry once on a fresh one.
    const retry = (e: NodeJS.ErrnoException) => req.reusedSocket && e.code === 'ECONNRESET' && !retried;
    req.on('error', (e) => (retry(e) ? resolve(request(port, method, urlPath, token, body, timeoutMs, true)) : reject(e))).end(payload);
  });
}
const workers = (n: number, work: () => Promise<void>) => Promise.all(Array.from({ length: n }, work));
/** Runs `work` over `items` with `concurrency` in flight. */
export async function pool<T>(items: T[], concurrency: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await workers(Math.min(concurrency, items.length), async () => {
    while (next < items.length) await work(items[next], next++);
  });
}
type LoopOptions = { maxS?: number; minRequests?: number; expect?: number; timeoutMs?: number };
/** GETs of `paths` in turn, `concurrency` at a time: up to `requests`, past `maxS` s only while fewer than `minRequests` started; errors by kind. */
async function closedLoop(port: number, paths: string[], token: string | undefined, concurrency: number, requests: number, o: LoopOptions = {}) {
  const { maxS = Infinity, minRequests = requests, expect = 200, timeoutMs = 30_000 } = o;
  const [t0, latencies, errorKinds] = [nowMs(), [] as number[], {} as Record<string, number>];
  let [started, bytes, last] = [0, 0, undefined as Answer | undefined];
  const fail = (kind: string) => (errorKinds[kind] = (errorKinds[kind] ?? 0) + 1);
  const get = (i: number) => request(port, 'GET', paths[i % paths.length], token, undefined, timeoutMs);
  const got = (a: Answer) => (a.status !== expect && fail(`HTTP ${a.status}`), latencies.push(a.ms), (bytes += Buffer.byteLength(a.body)), (last = a));
  await workers(concurrency, async () => {
    while (started < requests && (started < minRequests || nowMs() - t0 < maxS * 1000)) await get(started++).then(got, (e) => fail(e.code ?? e.message));
  });
  const [seconds, meanBytes] = [(nowMs() - t0) / 1000, bytes / Math.max(1, latencies.length)];
  return { latencies, requests: started, seconds, meanBytes, lastBody: last?.body ?? '', errorKinds };
}
/** A query row's GETs (`paths` in turn); `goal`: counted against the p99 goal (false for the baselines); `expect`: a good answer's status (200). */
export type Query = { label: string; paths: string[]; token?: string; goal: boolean; expect?: number };
export type QueryRow = Awaited<ReturnType<typeof measureQueries>>[number];
type Loops = { warmup: number; requests: number; warmupLoop?: (concurrency: number) => LoopOptions; loop?: LoopOptions };
type Phases = { log: (msg: string) => void; onPhase?: (label: string) => Promise<void> };
/** Every query at every concurrency: warm-up, `onPhase('between rows')` (a CPU profile cut), measured loop with the server's and bench's CPU, `onPhase(row)`. */
export async function measureQueries(port: number, queries: Query[], concurrencies: number[], server: { name: string; pid: number }, o: Loops & Phases) {
  const rows = [];
  for (const concurrency of concurrencies) {
    for (const { label, paths, token, goal, expect } of queries) {
      o.log(`${label} at concurrency ${concurrency} (port ${port}): ${o.warmup} warm-up + ${o.requests}`);
      await closedLoop(port, paths, token, concurrency, o.warmup, { expect, ...o.warmupLoop?.(concurrency) });
      await o.onPhase?.('between rows');
      const meter = cpuMeter({ bench: process.pid, [server.name]: server.pid });
      const { latencies, seconds, requests, ...rest } = await closedLoop(port, paths, token, concurrency, o.requests, { expect, ...o.loop });
      const { used, other: otherCpuS } = meter.stop();
      await o.onPhase?.(`${label} at concurrency ${concurrency} (${o.requests} requests)`);
      const [serverCpuMs, benchCpuMs] = [used[server.name], used.bench].map((s) => (1000 * s) / Math.max(1, requests));
      rows.push({ label, concurrency, lat: pct(latencies), rps: latencies.length / seconds, ...rest, serverCpuMs, benchCpuMs, otherCpuS, goal });
    }
  }
  return rows;
}
type QueryColumns = { total?: (r: QueryRow) => string | number; other?: boolean; bytes?: (r: QueryRow) => number };
/** The rows as a table: latency, rate, size, CPU per request, errors and the p99 goal; `total` and `other` add columns. */
export function queryTable(rows: QueryRow[], server: string, goalMs: number, { total, other = false, bytes = (r) => r.meanBytes }: QueryColumns = {}): string {
  const head = `query|conc|n|p50|p90|p99|max|req/s|${total ? 'total' : ''}|bytes|${server} cpu ms/req|bench cpu ms/req|${other ? 'other cpu s' : ''}|errors|p99 ≤ ${goalMs} ms`;
  const errors = (r: QueryRow) => Object.entries(r.errorKinds).map(([k, n]) => `${n} ${k}`);
  const goal = (r: QueryRow) => (r.goal ? goalCell(r.lat.p99, goalMs) : 'n/a');
  const body = rows.map((r) => [r.label, r.concurrency, ...pctCells(r.lat), f(r.rps, 1), total?.(r) ?? '', int(bytes(r)), f(r.serverCpuMs, 2)]);
  const cells = [head.split('|'), ...rows.map((r, i) => [...body[i], f(r.benchCpuMs, 2), f(r.otherCpuS, 1), errors(r).join(', ') || 0, goal(r)])];
  const shown = cells.map((r) => r.filter((_, c) => cells[0][c]));
  return table(shown, [...shown[0].map((_, c) => (c ? 'r' : 'l')).slice(0, -1), 'l']);
}
/** One line: how many goal rows met p99 ≤ `goalMs`, and the worst. */
export function goalLine(what: string, rows: QueryRow[], goalMs: number): string {
  const goals = rows.filter((r) => r.goal);
  if (!goals.length) return `GOAL ${what}: no rows`;
  const [met, worst] = [goals.filter((r) => r.lat.p99 <= goalMs).length, goals.reduce((a, b) => (b.lat.p99 > a.lat.p99 ? b : a))];
  const [over, verdict] = [worst.lat.p99 - goalMs, `${met === goals.length ? 'MET' : 'MISSED'} (${met}/${goals.length} rows met)`];
  const by = over > 0 ? ` (over by ${f(over)} ms, ${f((100 * over) / goalMs, 0)} %)` : '';
  return `GOAL ${what} p99 ≤ ${goalMs} ms: ${verdict}; worst ${worst.label} at concurrency ${worst.concurrency}: p99 ${f(worst.lat.p99)} ms${by}`;
}
// ───────────────────────────── /proc meters (clock ticks, USER_HZ = 100 on Linux) ─────────────────────────────
export const HZ = 100;
function proc(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return ''; // the process is gone
  }
}
/** A process's CPU so far (utime + stime, in ticks; NaN when it is gone). */
export function cpuTicks(pid: number | undefined): number {
  const [, utime, stime] = /.*\) (?:\S+ ){11}(\d+) (\d+)/s.exec(proc(`/proc/${pid}/stat`)) ?? [];
  return Number(utime) + Number(stime);
}
/** The pid of an infrastructure process (kafka, db …) from its pid file under the infra data dir. */
export function pidFile(infraDataDir: string, name: string): number | undefined {
  const pid = Number(proc(path.join(infraDataDir, 'run', `${name}.pid`)).trim());
  return pid && proc(`/proc/${pid}/stat`) ? pid : undefined;
}
/** The local infra's Kafka and database pids (undefined when not found: their CPU then counts as other processes'). */
export const infraPids = () => ({ kafka: pidFile(INFRA_DATA_DIR, 'kafka'), db: pidFile(INFRA_DATA_DIR, 'db') });
export const rssMiB = (pid: number | undefined) => Number(/VmRSS:\s+(\d+)\s+kB/.exec(proc(`/proc/${pid}/status`))?.[1] ?? NaN) / 1024;
/** CPU seconds per process (and the machine's) from `start()` (or the meter's creation) to `stop()`. */
export function cpuMeter(pids: Record<string, number | undefined>) {
  const jiffies = () => proc('/proc/stat').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const read = (all = jiffies()) => ({ at: nowMs(), total: sum(all), busy: sum(all) - all[3] - all[4], each: Object.values(pids).map(cpuTicks) });
  let t0 = read();
  const stop = (t1 = read()) => {
    const used: Record<string, number> = Object.fromEntries(Object.keys(pids).map((n, i) => [n, (t1.each[i] - t0.each[i]) / HZ]));
    const [wall, machineBusy, machineShare] = [(t1.at - t0.at) / 1000, (t1.busy - t0.busy) / HZ, (t1.busy - t0.busy) / Math.max(1, t1.total - t0.total)];
    return { wall, used, machineBusy, other: machineBusy - sum(Object.values(used).filter(Number.isFinite)), machineShare };
  };
  return { start: () => void (t0 = read()), stop: () => stop() };
}
export type CpuReading = ReturnType<ReturnType<typeof cpuMeter>['stop']>;
export function cpuLine(r: CpuReading, otherLabel = 'other processes'): string {
  const parts = [...Object.entries(r.used).map(([n, s]) => `${n} ${f(s, 1)} s (${f((100 * s) / r.wall, 0)} %)`), `${otherLabel} ${f(r.other, 1)} s`];
  return `CPU over ${f(r.wall, 1)} s wall (% of one core): ${parts.join(', ')}; machine ${f(100 * r.machineShare, 0)} % busy of ${os.cpus().length} cores`;
}
// ───────────────────────────── CPU profiles ─────────────────────────────
/** One service's CPU profiles (`--cpu-prof DIR`): `env` loads cpu-profile.preload.ts, `cut` ends one at a phase boundary, `print` sums them up at the end. */
export class CpuProfiles {
  readonly dir?: string;
  readonly env: Record<string, string> = {};
  private readonly taken: { label: string; file: string }[] = [];
  private readonly o: { service: string; log: (msg: string) => void };
  constructor(dir: string | undefined, service: string, log: (msg: string) => void) {
    this.o = { service, log };
    if (!dir) return;
    mkdirSync((this.dir = path.resolve(dir)), { recursive: true });
    this.env = { NODE_OPTIONS: `--require ${path.join(__dirname, 'cpu-profile.preload.js')}`, BENCH_CPU_PROF_DIR: this.dir };
  }
  private files = (pid: number, except: string[] = []) =>
    readdirSync(this.dir!).filter((n) => n.startsWith(`${this.o.service}-${pid}-`) && !except.includes(n));
  /** Asks the service to write what it sampled so far (SIGWINCH), waits up to 30 s for the file, then 0.5 s for it to settle. */
  async cut(pid: number, label: string): Promise<void> {
    if (!this.dir) return;
    const before = this.files(pid);
    process.kill(pid, 'SIGWINCH');
    for (let i = 0; i < 300 && !this.files(pid, before).length; i++) await sleep(100);
    const [file] = this.files(pid, before);
    if (!file) return this.o.log(`no profile written for ${label}`);
    await sleep(500);
    this.taken.push({ label, file });
  }
  /** Once the service (`pid`) stopped: adds what it wrote at exit, and prints each profile's top `top` functions, but those labelled `skip`. */
  async print(pid: number, top: number, skip?: string): Promise<void> {
    if (!this.dir) return;
    await sleep(500);
    const known = this.taken.map((p) => p.file);
    const atExit = this.files(pid, known);
    this.taken.push(...atExit.map((file) => ({ label: 'until exit', file })));
    console.log(`\n=== CPU profiles of ${this.o.service} (sampled every 1 ms; written to ${this.dir}) ===`);
    for (const p of this.taken.filter((x) => x.label !== skip)) console.log(`\n[${p.label}]\n${topSelfTime(path.join(this.dir, p.file), top).join('\n')}`);
  }
}
/** Top self-time functions of a .cpuprofile (Chrome DevTools format), and self time by package; the preload's own frames (writing the previous profile) left out. */
function topSelfTime(file: string, top: number): string[] {
  type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
  const { nodes, samples, timeDeltas } = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
  const [byId, excluded, self, byPackage] = [new Map(nodes.map((n) => [n.id, n])), new Set<number>(), new Map<string, number>(), new Map<string, number>()];
  const exclude = (id: number): void => void (excluded.add(id), byId.get(id)?.children?.forEach(exclude));
  for (const n of nodes) if (n.callFrame.url.includes('cpu-profile.preload')) exclude(n.id);
  const add = (m: Map<string, number>, key: string, dt = 0) => m.set(key, (m.get(key) ?? 0) + dt);
  samples.forEach((id, i) => {
    if (excluded.has(id) || !byId.has(id)) return;
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const file = url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '');
    add(self, `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim(), timeDeltas[i]);
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? /^dist\/((?:apps|libs)\/[^/]+)/.exec(file)?.[1];
    const where = file.startsWith('node:') ? 'node internals' : file || (functionName.startsWith('(') ? functionName : 'native (no script)');
    add(byPackage, pkg ?? where, timeDeltas[i]);
  });
  const [total, busy] = [sum([...self.values()]), sum([...self.values()]) - (self.get('(idle)') ?? 0)];
  [self, byPackage].forEach((m) => m.delete('(idle)'));
  const share = (us: number, d: number) => f((100 * us) / Math.max(1, busy), d);
  const most = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
  const packages = most(byPackage, 12).map(([k, us]) => `${k} ${share(us, 0)} %`);
  return [
    `${path.basename(file)}: ${f(total / 1e6, 1)} s sampled, ${f(busy / 1e6, 1)} s not idle; top self time (share of non-idle):`,
    ...most(self, top).map(([k, us]) => `  ${f(us / 1000, 0).padStart(7)} ms  ${share(us, 1).padStart(5)} %  ${k}`),
    `  by package: ${packages.join(', ')}`,
  ];
}
// ───────────────────────────── Kafka ─────────────────────────────
/** Messages on a topic now (high − low over its partitions; a topic just created answers NOT_LEADER for a moment). */
export const topicSize = async (admin: Admin, topic: string) =>
  sum((await whileBrokerSettles(() => admin.fetchTopicOffsets(topic))).map((p) => +p.high - +p.low));
async function withAdmin(kafka: Kafka, work: (admin: Admin) => Promise<unknown>): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await work(admin).finally(() => quietly(admin.disconnect()));
}
type Group = Partial<ConsumerConfig> & { groupId: string };
/** A plain kafkajs consumer of `topics`, resolved once it joined its group (or after 30 s). */
export async function joinedConsumer(kafka: Kafka, config: Group, topics: string[], fromBeginning: boolean, run: ConsumerRunConfig): Promise<Consumer> {
  const consumer = kafka.consumer({ sessionTimeout: 15_000, heartbeatInterval: 1_000, allowAutoTopicCreation: false, ...config });
  const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning });
  await consumer.run(run);
  await Promise.race([joined, sleep(30_000)]);
  return consumer;
}
type BaselineOptions = { topic?: string; groupId?: string; left?: Leftovers };
/** Kafka alone: `count` copies of `sample` (fresh keys) at `rate`, sent one by one as the relay does, to a consumer here (on a fresh topic unless `topic`); ms. */
export async function kafkaOnlyLatency(kafka: Kafka, sample: EventEnvelope, count: number, rate: number, o: BaselineOptions = {}) {
  const [fresh, id] = [!o.topic, randomUUID().slice(0, 8)];
  const [topic, groupId] = [o.topic ?? `bench.baseline.${id}`, o.groupId ?? `bench-baseline-${id}`];
  o.left?.groups.add(groupId);
  if (fresh) (o.left?.topics.add(topic), await withAdmin(kafka, (admin) => ensureTopics(admin, [{ topic }])));
  const [producer, sentAt, latencies] = [createEventProducer(kafka), new Map<string, number>(), [] as number[]];
  let consumer: Consumer | undefined;
  try {
    await producer.connect();
    consumer = await joinedConsumer(kafka, { groupId }, [topic], fresh, {
      eachBatch: async ({ batch }) => {
        const at = nowMs();
        for (const sent of batch.messages.map((m) => sentAt.get(m.key?.toString() ?? ''))) if (sent !== undefined) latencies.push(at - sent);
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
    await Promise.all([quietly(consumer?.disconnect()), quietly(producer.disconnect())]);
  }
}
/** Runs one of Kafka's Java tools (org.apache.kafka.tools.<tool>) from the jars under `libs`; resolves with its stdout. `track` holds the child while it runs. */
export function kafkaTool(libs: string, tool: string, args: string[], o: { heap?: string; timeoutMs?: number; track?: Set<ChildProcess> } = {}) {
  const argv = [`-Xmx${o.heap ?? '256m'}`, '-cp', `${libs}/*`, `org.apache.kafka.tools.${tool}`, ...args];
  const java = promisify(execFile)('java', argv, { timeout: o.timeoutMs ?? 120_000, killSignal: 'SIGKILL', maxBuffer: 2 ** 26 });
  o.track?.add(java.child);
  java.child.on('close', () => o.track?.delete(java.child));
  const failed = (e: { code?: number; stdout?: string; stderr?: string }) => `${tool} failed (exit ${e.code}): ${(e.stderr || e.stdout || '').slice(-800)}`;
  return java.then(({ stdout }) => stdout).catch((e) => Promise.reject(new Error(failed(e))));
}
type PerfOptions = { timeoutS?: number; group?: string; heap?: string; toolTimeoutMs?: number; left?: Leftovers };
/** Kafka's ConsumerPerformance reading `messages` from the start of `topic`: the figures of its last CSV line, and the wall time with the JVM's start. */
// The CSV: start.time, end.time, MB, MB.sec, nMsg, nMsg.sec, rebalance ms, fetch ms, fetch MB.sec, fetch nMsg.sec.
export async function consumerPerformance(brokers: string[], topic: string, messages: number, o: PerfOptions = {}) {
  const [{ timeoutS = 60, group, heap, toolTimeoutMs, left }, t0] = [o, nowMs()];
  if (group) left?.groups.add(group);
  const args = ['--bootstrap-server', brokers.join(','), '--topic', topic, '--messages', `${messages}`, '--timeout', `${timeoutS * 1000}`];
  const tool = { heap, timeoutMs: toolTimeoutMs, track: left?.children };
  const out = await kafkaTool(KAFKA_LIBS, 'ConsumerPerformance', [...args, ...(group ? ['--group', group] : [])], tool);
  const line = (out.match(/^\s*\d{4}-.*$/gm) ?? []).pop()?.trim();
  const c = line?.split(',').map(Number) ?? [];
  if (c.length < 10) throw new Error(`ConsumerPerformance: cannot read ${out.slice(-400)}`);
  return { topic, line: line!, mb: c[2], messages: c[4], nMsgSec: c[5], rebalanceMs: c[6], fetchMs: c[7], fetchNMsgSec: c[9], wallMs: nowMs() - t0 };
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
    private readonly keepDb: () => boolean = () => false,
    private readonly kafka?: Kafka,
  ) {}
  /** One database client for the bench, closed by cleanup(). */
  readonly mongo = async (): Promise<MongoClient> => (this.client ??= await testMongo());
  async stopService(s: RunningService, graceMs = 20_000): Promise<void> {
    if (!(await within(s.stop(), graceMs))) await s.kill();
    this.services.delete(s);
  }
  /** SIGTERM, then SIGKILL if the child is still there after `graceMs`. */
  async stopChild(child: ChildProcess, graceMs = 20_000): Promise<void> {
    const exited = new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(true) : child.once('exit', r)));
    if (child.exitCode === null && child.signalCode === null && child.kill('SIGTERM') && !(await within(exited, graceMs))) child.kill('SIGKILL');
    this.children.delete(child);
  }
  /** Cleans up on SIGINT/SIGTERM, saying so with `message`, and exits 130. */
  onSignals(log: (msg: string) => void, message: string): void {
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      process.on(signal, () => (log(`${signal}: ${message}`), this.cleanup().finally(() => process.exit(130))));
  }
  cleanup(): Promise<void> {
    return (this.cleaning ??= (async () => {
      for (const close of this.closers.splice(0)) await quietly(Promise.resolve().then(close));
      for (const child of [...this.children]) await this.stopChild(child);
      await Promise.all([...this.services].map((s) => this.stopService(s)));
      const [groups, topics] = [[...this.groups], [...this.topics]];
      const deleteBoth = async (a: Admin) => (await quietly(a.deleteGroups(groups)), await quietly(a.deleteTopics({ topics, timeout: 10_000 })));
      if (this.kafka && (groups.length || topics.length)) await quietly(withAdmin(this.kafka, deleteBoth)); // Kafka gone: nothing to delete
      if (!this.keepDb() && this.databases.size)
        await quietly(this.mongo().then((m) => Promise.all([...this.databases].map((db) => quietly(m.db(db).dropDatabase())))));
      await quietly(this.client?.close());
      agent.destroy();
    })());
  }
}

// ───────────────────────────── latency lines of the browser benches (console, dashboard, portal) ─────────────────────────────

/** `  label  n=…  p50 … ms  p99 … ms  max … ms  goal`: one latency line, `cols` the figures shown. */
export const pctLine = (label: string, p: Pct, goal = '', cols: ('p50' | 'p99' | 'max')[] = ['p50', 'p99', 'max']) =>
  `  ${label.padEnd(66)} n=${String(p.n).padStart(5)}  ${cols.map((c) => `${c} ${f(p[c]).padStart(8)} ms`).join('  ')}  ${goal}`;
export const p99Goal = (p: Pct, goalMs: number) => `goal p99 ≤ ${goalMs} ms: ${p.p99 <= goalMs ? 'MET' : 'MISSED'}`;
/** A few page loads against a goal: all of them within it, the median only, or missed. */
export const loadsGoal = (p: Pct, goalMs: number) =>
  `goal ≤ ${goalMs} ms: ${p.max <= goalMs ? 'MET (every load)' : p.p50 <= goalMs ? 'MET at p50 only' : 'MISSED'}`;
/** `work`'s wall time and the longest the event loop was held meanwhile (ms): Node's event-loop delay histogram at 1 ms resolution. */
export async function longestBlock(work: () => Promise<unknown>) {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  await sleep(5); // its first sample only sets the clock it measures from
  const t0 = performance.now();
  try {
    await work();
    const ms = performance.now() - t0;
    await sleep(5); // a timers phase after work's last turn, so a hold at its very end is sampled too
    return { ms, longest: delay.max / 1e6 };
  } finally {
    delay.disable();
  }
}
/** Times `work` in ms into `into`. */
export const timed = (into: number[], work: () => Promise<unknown>, t = performance.now()) => work().then(() => void into.push(performance.now() - t));
