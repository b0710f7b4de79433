/**
 * fact-residency (a measurement, not a test): what analytics' memory holds of a history, and what evicting
 * settled reports' facts would leave (issue 15). Folds the history on the three topics (the
 * analytics bench's generator: `analytics.bench.js --history-only --events N`) into an
 * AnalyticsModel in this process, as a generation does, then measures the heap after a full GC:
 *   1. everything resident (facts of every report, open reports' timelines, all aggregates);
 *   2. without settled reports' facts (what would stay if they lived in the database by id);
 *   3. then without the hourly aggregates, the daily ones and the stream versions, one by one (what each costs);
 * and times each whole-history query from the aggregates beside walking every report (the old way).
 *
 *   node --expose-gc dist/apps/analytics/test/fact-residency.js
 *
 * KAFKA_BROKERS points at the broker holding the history. With SNAPSHOT_DB (an analytics database
 * that holds a snapshot, e.g. one a bench run kept with `--keep-db`) and MONGODB_URI, the model is
 * restored from that snapshot instead, as a restart does: seconds where folding 10 M events takes
 * minutes.
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { DEFAULT_PRIORITY_TARGETS, parsePriorityTargets } from '@callcenter/contracts';
import { dispatchEvents, EventRegistry, intakeEvents, TOPICS, triageEvents } from '@callcenter/events';
import { tailToEnd, testInfra, testKafka } from '@callcenter/testing';
import { MongoClient } from 'mongodb';
import { AnalyticsModel, timelineSettled } from '../src/model/analytics-model';
import { DailyAggregates } from '../src/model/aggregates';
import { HourlyAggregates } from '../src/model/hourly-aggregates';
import { SnapshotStore } from '../src/model/snapshot-store';
import { durations, hotspots, load, staffing, volume, workload } from '../src/queries/analytics-queries';
import { hotspotsByWalking, loadByWalking, staffingByWalking, volumeByWalking, workloadByWalking } from './walking-queries';

const gc = (globalThis as { gc?: () => void }).gc;
const heapMiB = () => {
  for (let i = 0; i < 3; i++) gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
const f = (n: number, digits = 1) => n.toFixed(digits);

async function restore(dbName: string): Promise<AnalyticsModel> {
  const client = await MongoClient.connect(testInfra().mongoUri);
  try {
    const latest = await new SnapshotStore(client.db(dbName)).latest();
    if ('ignored' in latest) throw new Error(`${dbName}: ${latest.ignored}`);
    return latest.restored.model;
  } finally {
    await client.close();
  }
}

async function fold(): Promise<AnalyticsModel> {
  const model = new AnalyticsModel();
  const registry = new EventRegistry([...intakeEvents, ...triageEvents, ...dispatchEvents]);
  await tailToEnd(testKafka('bench-fact-residency'), [TOPICS.intake, TOPICS.triage, TOPICS.dispatch], (events) => events.forEach((e) => model.apply(e)), {
    registry,
  });
  return model;
}

function timed<T>(run: () => T, times = 5): { ms: number; value: T } {
  let value!: T;
  const t0 = performance.now();
  for (let i = 0; i < times; i++) value = run();
  return { ms: (performance.now() - t0) / times, value };
}

async function main() {
  if (!gc) throw new Error('run with node --expose-gc');
  const before = heapMiB();
  const model = process.env.SNAPSHOT_DB ? await restore(process.env.SNAPSHOT_DB) : await fold();
  // Settled timelines would be in the database by now: they are not what this measures.
  model.unsaved.clear();
  const resident = heapMiB();
  const level = { share: 0.8, withinSeconds: 20 };
  const queries: [string, () => unknown, () => unknown][] = [
    ['volume', () => volume(model, {}), () => volumeByWalking(model, {})],
    ['load', () => load(model, {}), () => loadByWalking(model, {})],
    ['staffing', () => staffing(model, {}, level), () => staffingByWalking(model, {}, level)],
    ['hotspots', () => hotspots(model, {}), () => hotspotsByWalking(model, {})],
    ['workload', () => workload(model, {}), () => workloadByWalking(model, {})],
  ];
  console.log(`history: ${model.eventsApplied} events, ${model.facts.size} reports, ${model.timelines.size} open timelines`);
  console.log('| whole-history query | from the aggregates, ms | walking every report, ms | same answer |');
  console.log('| --- | ---: | ---: | --- |');
  for (const [name, fast, walk] of queries) {
    const a = timed(fast);
    const b = timed(walk);
    console.log(`| ${name} | ${f(a.ms)} | ${f(b.ms)} | ${isDeepStrictEqual(a.value, b.value) ? 'yes' : 'NO'} |`);
  }
  // Durations from the daily aggregates against walking differ within the histograms' bound, so timed only: once cold, then with its day parts remembered.
  const targets = parsePriorityTargets(DEFAULT_PRIORITY_TARGETS);
  const [cold, warm] = [timed(() => durations(model, {}, targets), 1), timed(() => durations(model, {}, targets))];
  console.log(`durations from the daily aggregates: ${f(cold.ms)} ms the first time, ${f(warm.ms)} ms remembered`);
  const cells = (['reports', 'spots', 'actors', 'waiting'] as const).map((kind) => [...model.hourly.cells(kind)].length).join(' / ');
  const asked = heapMiB();
  // What the queries remembered (day parts, held by each aggregate's identity: dayPartsOf) is let go with a copy of each, so the parts below weigh the model alone.
  (model as { aggregates: DailyAggregates }).aggregates = Object.assign(Object.create(DailyAggregates.prototype), model.aggregates);
  (model as { hourly: HourlyAggregates }).hourly = Object.assign(Object.create(HourlyAggregates.prototype), model.hourly);
  const full = heapMiB();
  let settled = 0;
  for (const [id, fact] of model.facts)
    if (timelineSettled(fact)) {
      model.facts.delete(id);
      settled++;
    }
  const evicted = heapMiB();
  (model as { hourly: HourlyAggregates }).hourly = new HourlyAggregates();
  const withoutHourly = heapMiB();
  (model as { aggregates: DailyAggregates }).aggregates = new DailyAggregates();
  const withoutDaily = heapMiB();
  model.applied.clear();
  const withoutVersions = heapMiB();
  console.log(`hourly aggregates: ${cells} report / spot / actor / waiting cells`);
  console.log('| heap after a full GC (MiB, the model only: before folding subtracted) | MiB |');
  console.log('| --- | ---: |');
  console.log(`| everything resident (every report's facts, open timelines, daily and hourly aggregates, stream versions) | ${f(full - before)} |`);
  console.log(`| (before the queries: ${f(resident - before)}; the day parts they remembered: ${f(asked - full)}) | |`);
  console.log(`| settled reports' facts evicted (${settled} of ${settled + model.facts.size}; open ones and all aggregates kept) | ${f(evicted - before)} |`);
  console.log(`| of which the hourly aggregates | ${f(evicted - withoutHourly)} |`);
  console.log(`| of which the daily aggregates | ${f(withoutHourly - withoutDaily)} |`);
  console.log(
    `| of which the last version applied of incidents' and units' streams (reports' own are on their facts) | ${f(withoutDaily - withoutVersions)} |`,
  );
  console.log(`| what is left (open reports' facts and timelines, units) | ${f(withoutVersions - before)} |`);
  console.log(`process RSS at the end: ${f(process.memoryUsage().rss / 2 ** 20, 0)} MiB`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
