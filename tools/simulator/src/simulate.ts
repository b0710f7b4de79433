/**
 * The call-center simulator: generates a day's worth (or any period) of realistic reports and drives
 * them through the public APIs as the calling systems, operators, dispatchers and field units would.
 * `npm run simulate -- --help` for the options.
 */
import { DEFAULTS, runSimulation, SimulationOptions, SimulationResult } from './simulation';

export { runSimulation } from './simulation';
export type { SimulationOptions, SimulationResult } from './simulation';
export type { LedgerEntry, LedgerSummary } from './ledger';

export const USAGE = `Usage: npm run simulate -- [options]
       node dist/tools/simulator/src/simulate.js [options]

Generates realistic call-center traffic (seeded, reproducible) and submits it to intake over gRPC
as the calling systems do (hotline-110, mobile-app, web-portal, sms-gateway, whatsapp-gateway, each
with its development API key). With --bots, simulated operators, dispatchers and field units work
the reports through triage and dispatch. Every report is kept in a ledger (JSON lines).

Traffic
  --period <duration>          simulated length: 90s, 30m, 1h, 24h, 1h30m (default ${DEFAULTS.period})
  --start <ISO time>           simulated start, e.g. 2026-11-28T18:00:00+07:00 (default: now); the
                               hour of day (Asia/Jakarta) sets the rate: quiet 02-05, evening peak 18-22
  --speed <n>                  simulated seconds per real second; 60 = an hour a minute (default ${DEFAULTS.speed})
  --reports-per-hour <n>       average arrival rate over a whole day (default ${DEFAULTS.reportsPerHour})
  --seed <n>                   PRNG seed: the same seed gives the same traffic (default: random, printed)
  --run-id <id>                part of every external id, [a-z0-9]{1,12} (default: random); reusing one
                               resubmits the same external ids (intake answers duplicate=true)
  --prank-share <0..1>         share of reports by the prankster pool (default 0.04)
  --duplicate-share <0..1>     share by other witnesses of a recent incident, <= 300 m, <= 5 min (default 0.08)
  --repeat-share <0..1>        share by callers calling again about their own report (default 0.03)
  --anonymous-share <0..1>     share of ordinary callers who stay anonymous (default 0.08)
  --concurrency <n>            submissions in flight at most (default ${DEFAULTS.concurrency})
  --attempt-timeout <ms>       gRPC deadline per submission attempt (default 10000); UNAVAILABLE and
                               DEADLINE_EXCEEDED are retried with the same external id
  --max-attempts <n>           attempts per report in all (default 6)
  --dry-run                    generate and write the ledger, send nothing

Bots
  --bots                       run operators, dispatchers and units
  --operators <n>              operators polling the triage queue (default ${DEFAULTS.operators})
  --dispatchers <n>            dispatchers assigning the top recommended unit and closing (default ${DEFAULTS.dispatchers})
  --units <n>                  units registered on shift for this run (default ${DEFAULTS.units})
  --drain <duration>           simulated time the bots go on after the period while reports are
                               unsettled (default ${DEFAULTS.drain})

Services
  --intake <host:port>         intake gRPC (default ${DEFAULTS.intake})
  --intake-http-url <url>      intake HTTP, for --launch (default ${DEFAULTS.intakeHttpUrl})
  --triage-url <url>           (default ${DEFAULTS.triageUrl})
  --dispatch-url <url>         (default ${DEFAULTS.dispatchUrl})
  --analytics-url <url>        (default ${DEFAULTS.analyticsUrl})
  --launch                     start the four built services (NODE_ENV=test) on those ports first and
                               stop them at the end; needs --kafka and --mongodb (or KAFKA_BROKERS,
                               MONGODB_URI in the environment)
  --kafka <host:port>          brokers of launched services
  --mongodb <uri>              database of launched services
  --db-prefix <prefix>         MONGODB_DB_PREFIX of launched services
  To start the services alone (until Ctrl-C) with the same options:
    node dist/tools/simulator/src/launch.js --kafka … --mongodb … --intake … --intake-http-url … \
      --triage-url … --dispatch-url … --analytics-url … [--db-prefix …]
  Tokens are minted with the development secret (AUTH_JWT_SECRET if set): the services must run
  with NODE_ENV development or test and DEV_AUTH=1.

Output
  --ledger <file>              write the ledger as JSON lines
  --verify                     at the end, compare the ledger with analytics (GET /api/v1/stats/volume
                               over the window the reports were received in); exit code 1 if they differ
  --json                       print the result (summary, bots, analytics; no entries) as JSON
  --quiet                      no progress lines
  --help                       this text
`;

const FLAGS = new Set(['bots', 'verify', 'launch', 'dry-run', 'json', 'quiet', 'help']);

export function parseArgs(argv: string[]): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq > 0 ? eq : undefined);
    if (FLAGS.has(name)) {
      out[name] = eq > 0 ? arg.slice(eq + 1) !== 'false' : true;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    out[name] = value;
  }
  return out;
}

const KNOWN = new Set([
  ...FLAGS,
  'period',
  'start',
  'speed',
  'reports-per-hour',
  'seed',
  'run-id',
  'prank-share',
  'duplicate-share',
  'repeat-share',
  'anonymous-share',
  'concurrency',
  'attempt-timeout',
  'max-attempts',
  'operators',
  'dispatchers',
  'units',
  'drain',
  'intake',
  'intake-http-url',
  'triage-url',
  'dispatch-url',
  'analytics-url',
  'kafka',
  'mongodb',
  'db-prefix',
  'ledger',
]);

export function optionsFromArgs(args: Record<string, string | boolean>): SimulationOptions {
  for (const name of Object.keys(args)) if (!KNOWN.has(name)) throw new Error(`unknown option --${name} (see --help)`);
  const num = (name: string, { min = 0, integer = false } = {}): number | undefined => {
    const raw = args[name];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (typeof raw !== 'string' || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n)))
      throw new Error(`--${name} must be a ${integer ? 'whole ' : ''}number >= ${min}`);
    return n;
  };
  const str = (name: string) => (typeof args[name] === 'string' ? (args[name] as string) : undefined);
  const share = (name: string) => {
    const n = num(name);
    if (n !== undefined && n > 1) throw new Error(`--${name} must be between 0 and 1`);
    return n;
  };
  const shares = Object.fromEntries(
    [
      ['prank', share('prank-share')],
      ['duplicate', share('duplicate-share')],
      ['repeatCaller', share('repeat-share')],
      ['anonymous', share('anonymous-share')],
    ].filter(([, v]) => v !== undefined),
  );
  const speed = num('speed');
  if (speed !== undefined && speed <= 0) throw new Error('--speed must be above 0');
  const rate = num('reports-per-hour');
  if (rate !== undefined && rate <= 0) throw new Error('--reports-per-hour must be above 0');
  const launchEnv = str('db-prefix') ? { MONGODB_DB_PREFIX: str('db-prefix')! } : undefined;
  return {
    period: str('period'),
    start: str('start'),
    speed,
    reportsPerHour: rate,
    seed: num('seed', { integer: true }),
    runId: str('run-id'),
    shares,
    concurrency: num('concurrency', { min: 1, integer: true }),
    attemptTimeoutMs: num('attempt-timeout', { min: 1, integer: true }),
    maxAttempts: num('max-attempts', { min: 1, integer: true }),
    bots: !!args.bots,
    operators: num('operators', { integer: true }),
    dispatchers: num('dispatchers', { integer: true }),
    units: num('units', { integer: true }),
    drain: str('drain'),
    intake: str('intake'),
    intakeHttpUrl: str('intake-http-url'),
    triageUrl: str('triage-url'),
    dispatchUrl: str('dispatch-url'),
    analyticsUrl: str('analytics-url'),
    launch: !!args.launch,
    launchEnv,
    verify: !!args.verify,
    dryRun: !!args['dry-run'],
    ledgerFile: str('ledger'),
    log: args.quiet ? null : undefined,
  };
}

const table = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || '-';

export function formatResult(r: SimulationResult): string {
  const s = r.summary;
  const lines = [
    '',
    `== simulation ${r.runId} (seed ${r.seed}) ==`,
    `simulated ${r.simulated.start} → ${r.simulated.end} at ${r.simulated.speed}×, ${r.simulated.reportsPerHour}/h average; ${r.realSeconds} s real`,
    `generated ${r.entries.length}: ${table(s.byKind)}`,
    `channels:  ${table(s.byChannel)}`,
    `sent ${s.sent}, acknowledged ${s.acknowledged} (${s.uniqueReports} distinct reports), not sent ${s.notSent}`,
    `refused by status: ${table(s.refused)}`,
    `retried: ${s.retriedReports} reports, ${s.retries} retries (${table(s.retriedCodes)}); intake answered duplicate=true ${s.duplicateAnswers}` +
      (Object.keys(s.reconciled).length ? `; out of attempts, resubmitted at the end: ${table(s.reconciled)}` : ''),
    `expected:  ${table(s.byExpected)}`,
  ];
  if (r.bots) {
    lines.push(
      `reached:   ${table(s.byState)}`,
      `decisions: ${table(s.decisions)} (different from expected: ${s.wrongDecisions}); rejections ${table(s.rejectionReasons)}`,
      `incidents resolved: ${table(s.resolutions)}`,
      `settled ${s.settled} of ${s.acknowledged} acknowledged (unsettled ${s.unsettled})`,
      `triage suggested: the true category for ${s.triageSuggestions.sameCategory}/${s.triageSuggestions.opened} opened cases, ` +
        `the original for ${s.triageSuggestions.duplicatesSuggested}/${s.triageSuggestions.duplicatesOpened} duplicates, ` +
        `low trust for ${s.triageSuggestions.pranksFlaggedLowTrust}/${s.triageSuggestions.pranksOpened} pranks`,
      `bots: ${r.bots.operators} operators, ${r.bots.dispatchers} dispatchers, ${r.bots.units} units; claim conflicts ${r.bots.claimConflicts}, ` +
        `assign conflicts ${r.bots.assignConflicts}, refused commands ${r.bots.refusals}; problems noted in the ledger ${s.problems}`,
    );
    for (const p of r.bots.setupProblems) lines.push(`  set-up: ${p}`);
  }
  if (r.analytics) {
    const a = r.analytics;
    lines.push(
      `analytics ${a.window ? `${a.window.from} → ${a.window.to}` : '(nothing acknowledged)'}: ${a.matched ? 'MATCHES the ledger' : 'DIFFERS from the ledger'} (waited ${a.waitedSeconds} s)`,
    );
    for (const c of a.comparisons)
      lines.push(`  ${c.ok ? ' ' : '✗'} ${c.what.padEnd(28)} ledger ${String(c.ledger).padStart(6)}   analytics ${String(c.analytics).padStart(6)}`);
    if (a.lost.length) lines.push(`  lost (acknowledged, unknown to analytics): ${a.lost.length}: ${a.lost.slice(0, 10).join(' ')}`);
    if (a.extra) lines.push(`  extra reports in the window (not in this ledger): ${a.extra}`);
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const options = optionsFromArgs(args);
  if (typeof args.kafka === 'string') process.env.KAFKA_BROKERS = args.kafka;
  if (typeof args.mongodb === 'string') process.env.MONGODB_URI = args.mongodb;
  const abort = new AbortController();
  const onSignal = () => {
    if (abort.signal.aborted) process.exit(130);
    console.error('\nstopping: finishing what is in flight and writing the ledger (Ctrl-C again to quit at once)');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const result = await runSimulation({ ...options, signal: abort.signal });
  if (args.json) {
    const { entries, ...rest } = result;
    console.log(JSON.stringify({ ...rest, analytics: rest.analytics && { ...rest.analytics, volume: undefined } }, null, 2));
  } else {
    console.log(formatResult(result));
    if (options.ledgerFile) console.log(`ledger: ${options.ledgerFile} (${result.entries.length} lines)`);
  }
  return result.analytics && !result.analytics.matched ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(`simulate: ${(e as Error).message}`);
      process.exit(2);
    },
  );
}
