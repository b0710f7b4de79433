import { randomBytes, randomInt } from 'node:crypto';
import { resolve } from 'node:path';
import { loadJurisdiction } from '@callcenter/contracts';
import type { RunningService } from '@callcenter/testing';
import { SimClock } from './drivers/clock';
import { dispatcherBot, registerUnits, unitBot, unitsOffShift } from './drivers/dispatch';
import { BotStats, operatorBot, SharedQueue } from './drivers/operators';
import { devToken, triageAs } from './drivers/rest';
import { launchOptionsFrom, launchServices, stopServices } from './drivers/services';
import { Submitter } from './drivers/submitter';
import { Verification, verifyWithAnalytics } from './drivers/verify';
import { Ledger, LedgerEntry, LedgerSummary } from './ledger';
import { formatDuration, parseDuration } from './traffic/duration';
import { generateTraffic, TrafficShares } from './traffic/generate';
import { Prng } from './traffic/prng';
import { planUnits } from './traffic/units';

export interface SimulationOptions {
  /** Simulated start (default: now). Shapes the arrival rate by the hour of day in Asia/Jakarta. */
  start?: Date | number | string;
  /** Simulated length: ms or a duration such as `1h` (default 1h). */
  period?: number | string;
  /** Simulated ms per real ms (default 60: an hour a minute). */
  speed?: number;
  /** Average arrivals per hour over a day (default 120). */
  reportsPerHour?: number;
  seed?: number;
  /** In every external id, so runs never collide (default: random). */
  runId?: string;
  /** host:port of intake's gRPC server. */
  intake?: string;
  intakeHttpUrl?: string;
  triageUrl?: string;
  dispatchUrl?: string;
  analyticsUrl?: string;
  /** Run operator, dispatcher and unit bots. */
  bots?: boolean;
  operators?: number;
  dispatchers?: number;
  units?: number;
  /** Simulated time the bots keep working after the period, unless everything is settled first (default 30m). */
  drain?: number | string;
  /** Compare the ledger with analytics at the end. */
  verify?: boolean;
  ledgerFile?: string;
  jurisdictionFile?: string;
  shares?: Partial<TrafficShares>;
  /** Submissions in flight at most (default 64). */
  concurrency?: number;
  /** gRPC deadline of each submission attempt, ms (default 10 s); a short one exercises the retries. */
  attemptTimeoutMs?: number;
  /** Attempts per report in all (default 6). */
  maxAttempts?: number;
  /** Start the four built services first (NODE_ENV=test) on the ports of the URLs above, and stop them at the end. */
  launch?: boolean;
  /** Environment of launched services (e.g. MONGODB_DB_PREFIX). */
  launchEnv?: Record<string, string>;
  /** Generate and write the ledger without sending anything. */
  dryRun?: boolean;
  /** Progress lines (default console.log; null for none). */
  log?: ((line: string) => void) | null;
  progressEverySeconds?: number;
  /** Aborting it ends the run early (the ledger is still written). */
  signal?: AbortSignal;
}

export interface SimulationResult {
  runId: string;
  seed: number;
  simulated: { start: string; end: string; speed: number; reportsPerHour: number };
  realSeconds: number;
  summary: LedgerSummary;
  bots: (BotStats & { operators: number; dispatchers: number; units: number; setupProblems: string[] }) | null;
  analytics: Verification | null;
  entries: LedgerEntry[];
}

export const DEFAULTS = {
  period: '1h',
  speed: 60,
  reportsPerHour: 120,
  intake: '127.0.0.1:50051',
  intakeHttpUrl: 'http://127.0.0.1:3001',
  triageUrl: 'http://127.0.0.1:3002',
  dispatchUrl: 'http://127.0.0.1:3003',
  analyticsUrl: 'http://127.0.0.1:3004',
  operators: 4,
  dispatchers: 1,
  units: 12,
  drain: '30m',
  concurrency: 64,
};

/** The repository root, from tools/simulator/src or dist/tools/simulator/src. */
export function repoRoot(): string {
  return resolve(__dirname, __dirname.includes('/dist/') || __dirname.includes('\\dist\\') ? '../../../..' : '../../..');
}

const wib = (ms: number) => {
  const d = new Date(ms + 7 * 3_600_000);
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} WIB`;
};

async function waitReady(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // Health is not part of the services' OpenAPI documents: a plain GET.
    if ((await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) }).catch(() => null))?.status === 200) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

export async function runSimulation(options: SimulationOptions = {}): Promise<SimulationResult> {
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as typeof DEFAULTS & SimulationOptions;
  const log = o.log === undefined ? (line: string) => console.log(line) : (o.log ?? (() => undefined));
  const startMs = o.start === undefined ? Date.now() : typeof o.start === 'number' ? o.start : new Date(o.start).getTime();
  if (!Number.isFinite(startMs)) throw new Error(`start ${String(o.start)} is not a time`);
  const periodMs = typeof o.period === 'number' ? o.period : parseDuration(o.period);
  const drainMs = typeof o.drain === 'number' ? o.drain : parseDuration(o.drain);
  const seed = o.seed ?? randomInt(1, 2 ** 31 - 1);
  const runId = (o.runId ?? randomBytes(3).toString('hex')).toLowerCase();
  if (!/^[a-z0-9]{1,12}$/.test(runId)) throw new Error('runId must be 1..12 lowercase letters or digits');
  const endMs = startMs + periodMs;
  const jurisdiction = loadJurisdiction(o.jurisdictionFile ?? process.env.JURISDICTION_FILE ?? resolve(repoRoot(), 'config/jurisdiction.json'));

  const reports = generateTraffic({ startMs, endMs, reportsPerHour: o.reportsPerHour, seed, runId, districts: jurisdiction.districts, shares: o.shares });
  const ledger = new Ledger(!!o.bots);
  for (const r of reports) ledger.add(r);
  log(
    `simulating ${formatDuration(periodMs)} from ${wib(startMs)} at ${o.speed}× (${formatDuration(periodMs / o.speed)} real): ` +
      `${reports.length} reports (average ${o.reportsPerHour}/h over a day), seed ${seed}, run ${runId}`,
  );
  const result = (realSeconds: number, bots: SimulationResult['bots'], analytics: Verification | null): SimulationResult => ({
    runId,
    seed,
    simulated: { start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString(), speed: o.speed, reportsPerHour: o.reportsPerHour },
    realSeconds,
    summary: ledger.summary(),
    bots,
    analytics,
    entries: ledger.entries,
  });
  if (o.dryRun) {
    if (o.ledgerFile) await ledger.write(o.ledgerFile);
    return result(0, null, null);
  }

  let services: RunningService[] = [];
  const submitter = new Submitter({ target: o.intake, deadlineMs: o.attemptTimeoutMs, maxAttempts: o.maxAttempts });
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort();
  o.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const realStarted = Date.now();
  let progress: NodeJS.Timeout | undefined;
  try {
    if (o.launch) {
      log('starting intake, triage, dispatch and analytics …');
      services = await launchServices(launchOptionsFrom(o, o.launchEnv));
      log(`services ready (pids ${services.map((s) => `${s.name} ${s.pid}`).join(', ')})`);
    }
    if (!(await submitter.ready(30_000))) throw new Error(`intake is not reachable over gRPC at ${o.intake}`);
    const needed = [...(o.bots ? [o.triageUrl, o.dispatchUrl] : []), ...(o.verify ? [o.analyticsUrl] : [])];
    for (const url of needed) if (!(await waitReady(url, 30_000))) throw new Error(`${url}/health/ready does not answer 200`);

    const rng = new Prng(seed).fork('bots');
    const stats: BotStats = { claimConflicts: 0, assignConflicts: 0, refusals: 0 };
    const botRuns: Promise<void>[] = [];
    let setupProblems: string[] = [];
    const roster = o.bots ? planUnits(o.units, jurisdiction.districts, seed, runId) : [];
    if (o.bots) {
      setupProblems = await registerUnits(o.dispatchUrl, roster);
      for (const p of setupProblems) log(`unit set-up: ${p}`);
    }
    // Simulated time starts now that everything is set up.
    const clock = new SimClock(startMs, o.speed, stop.signal);
    if (o.bots) {
      const inHand = new Set<string>();
      const queue = new SharedQueue(triageAs(o.triageUrl, devToken(`sim-op-${runId}-screen`, ['operator'])), ledger, stats);
      const ourUnits = new Set(roster.map((u) => u.callSign));
      for (let i = 1; i <= o.operators; i++) {
        botRuns.push(operatorBot(`sim-op-${runId}-${i}`, { triageUrl: o.triageUrl, clock, ledger, stats, inHand, queue, rng: rng.fork(`op${i}`) }));
      }
      const dispatchContext = (label: string) => ({ dispatchUrl: o.dispatchUrl, clock, ledger, stats, ourUnits, rng: rng.fork(label) });
      for (let i = 1; i <= o.dispatchers; i++) botRuns.push(dispatcherBot(`sim-dsp-${runId}-${i}`, dispatchContext(`dsp${i}`)));
      for (const unit of roster) botRuns.push(unitBot(unit, dispatchContext(unit.callSign)));
      log(`bots: ${o.operators} operators, ${o.dispatchers} dispatchers, ${roster.length} units (${roster.map((u) => u.callSign).join(' ')})`);
    }

    const line = () => {
      const s = ledger.summary();
      const refused = Object.values(s.refused).reduce((a, b) => a + b, 0);
      const decided = Object.values(s.decisions).reduce((a, b) => a + b, 0);
      return (
        `[${wib(clock.now())} | real ${Math.round(clock.realElapsed() / 1000)}s] sent ${s.sent}/${reports.length}, acknowledged ${s.acknowledged}, refused ${refused}, retries ${s.retries}` +
        (o.bots
          ? ` | decided ${decided}, dispatched ${s.byState.DISPATCHED ?? 0}, on scene ${s.byState.ON_SCENE ?? 0}, resolved ${s.byState.RESOLVED ?? 0}, closed ${s.byState.CLOSED ?? 0}`
          : '')
      );
    };
    progress = setInterval(() => log(line()), (o.progressEverySeconds ?? 5) * 1000);

    // Arrivals: each report at its simulated instant, at most `concurrency` in flight.
    const inFlight = new Set<Promise<void>>();
    for (const report of reports) {
      if (!(await clock.sleepUntil(report.atMs))) break;
      while (inFlight.size >= o.concurrency) await Promise.race(inFlight);
      const p = submitter.submit(report, ledger.seq(report.seq)!, ledger).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
    const inDoubt = ledger.entries.filter((e) => e.submission.error && ['UNAVAILABLE', 'DEADLINE_EXCEEDED'].includes(e.submission.error.code));
    if (inDoubt.length && !stop.signal.aborted) {
      log(
        `${inDoubt.length} submissions ran out of attempts on UNAVAILABLE/DEADLINE_EXCEEDED: submitting them once more (same external id) to learn whether intake stored them`,
      );
      const bySeq = new Map(reports.map((r) => [r.seq, r]));
      for (const e of inDoubt) await submitter.reconcile(bySeq.get(e.seq)!, e, ledger);
    }
    if (!clock.stopped) await clock.sleepUntil(endMs);

    if (o.bots && !clock.stopped) {
      log(`period over (${wib(clock.now())}); the bots carry on for up to ${formatDuration(drainMs)} simulated until every report is settled`);
      while (!clock.stopped && clock.now() < endMs + drainMs && ledger.unsettled().length > 0) await clock.sleepReal(500);
    }
    stop.abort();
    await Promise.all(botRuns);
    clearInterval(progress);
    log(line());
    if (o.bots) {
      const { problems, stillCommitted } = await unitsOffShift(o.dispatchUrl, roster);
      setupProblems.push(...problems);
      if (stillCommitted.length) log(`${stillCommitted.length} units stay on shift: still committed to an incident (${stillCommitted.join(' ')})`);
    }

    let analytics: Verification | null = null;
    if (o.verify) {
      log('comparing with analytics …');
      analytics = await verifyWithAnalytics(o.analyticsUrl, ledger);
    }
    if (o.ledgerFile) await ledger.write(o.ledgerFile);
    return result(
      Math.round((Date.now() - realStarted) / 100) / 10,
      o.bots ? { ...stats, operators: o.operators, dispatchers: o.dispatchers, units: roster.length, setupProblems } : null,
      analytics,
    );
  } finally {
    clearInterval(progress);
    stop.abort();
    o.signal?.removeEventListener('abort', onOuterAbort);
    submitter.close();
    if (services.length) {
      log('stopping the services …');
      await stopServices(services);
    }
  }
}
