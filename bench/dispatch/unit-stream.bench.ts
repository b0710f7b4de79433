// A unit's command after a shift of position reports, before and after positions left its stream: see README.md.
import 'reflect-metadata'; // the dispatch sources' decorators need the metadata polyfill first
import { Db } from 'mongodb';
import { dispatchEvents, EventRegistry, handleCommand, MongoEventStore, UnitRegistered, UnitStatusChanged } from '@callcenter/events';
import { unitDecider, UNIT_SNAPSHOTS, unitFold, UnitPositions } from '../../apps/dispatch/src';
import * as h from '../harness';
const usage = 'usage: node dist/bench/dispatch/unit-stream.bench.js [--reports 5000] [--commands 15] [--keep-db]';
const { whole, has } = h.options(usage, ['reports', 'commands'], ['keep-db']);
const [REPORTS, COMMANDS, left] = [whole('reports', 5000, 1), whole('commands', 15, 1), new h.Leftovers(() => has('keep-db'))];
const meta = () => ({ actor: 'unit:BENCH', correlationId: 'bench', now: new Date() });
const store = (db: Db) => new MongoEventStore(db, { producer: 'dispatch', topic: 'unused', registry: new EventRegistry(dispatchEvents) });
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
const spot = (k: number) => ({ latitude: -6.2297 + (k % 100) * 1e-4, longitude: 106.8532 + (k % 37) * 1e-4 });
const unit = { type: 'PATROL_CAR', capabilities: [] as string[], homeDistrict: 'TEBET', status: 'AVAILABLE' } as const;
const register = (db: Db, unitId: string) => store(db).append(unitId, 0, [UnitRegistered({ unitId, callSign: unitId, ...unit })], meta());
const moved = (k: number, A = 'AVAILABLE' as const) =>
  UnitStatusChanged({ unitId: 'PATROL-BEFORE', status: A, previousStatus: A, position: spot(k), incidentId: null, reportedAt: new Date().toISOString() });
const update = (n: number) => ({ type: 'UpdateUnit' as const, now: new Date(), details: { capabilities: n % 2 ? ['FIRST_AID'] : [] } });
const inTurn = (n: number, step: (k: number) => Promise<unknown>) =>
  Array.from({ length: n }).reduce<Promise<unknown>>((p, _, k) => p.then(() => step(k)), Promise.resolve());
const timed = (work: () => Promise<unknown>) => ((t) => work().then(() => performance.now() - t))(performance.now());
const perReport = async (step: (k: number) => Promise<unknown>) => (await timed(() => inTurn(REPORTS, step))) / REPORTS;
/** `COMMANDS` times, in a fresh event store (nothing cached: another instance, or after a restart), a cold then a warm command: the two medians. */
async function timeCommands(db: Db, unitId: string, snapshots: boolean): Promise<number[]> {
  const times: number[][] = [[], []];
  await inTurn(COMMANDS, async () => {
    const instance = store(db);
    for (const warm of [0, 1])
      times[warm].push(await timed(() => handleCommand(instance, unitDecider, unitId, update(warm), meta(), snapshots ? { snapshots: UNIT_SNAPSHOTS } : {})));
  });
  return times.map(h.median);
}
async function main() {
  const db = (await left.mongo()).db(`bench_unit_stream_${Date.now()}`);
  left.databases.add(db.databaseName); // dropped at the end unless --keep-db
  console.log(`unit command after ${REPORTS} position reports (median of ${COMMANDS}; database ${process.env.MONGODB_URI ?? 'default test'})`);
  await register(db, 'PATROL-BEFORE'); // before: every report is an event of the unit's stream
  const writer = store(db);
  const appendEach = await perReport((k) => writer.append('PATROL-BEFORE', k + 1, [moved(k)], meta()));
  const before = await timeCommands(db, 'PATROL-BEFORE', false);
  await store(db).load('PATROL-BEFORE', unitFold); // the same long stream, loaded from snapshots (the first load takes one)
  const snapshotOnly = await timeCommands(db, 'PATROL-BEFORE', true);
  await register(db, 'PATROL-AFTER'); // after: reports replace the read model's document
  const positions = new UnitPositions(db);
  const upsertEach = await positions.ensureIndexes().then(() => perReport((k) => positions.record('PATROL-AFTER', spot(k), new Date(Date.now() + k))));
  const after = await timeCommands(db, 'PATROL-AFTER', true);
  const rows = [
    ['', 'position report', 'unit command, cold', 'unit command, warm'],
    [`before: positions in the stream (${REPORTS + 1}+ commits)`, ...[appendEach, ...before].map(ms)],
    ['snapshots only: same stream, loaded from a snapshot', ...[appendEach, ...snapshotOnly].map(ms)],
    [`after: read model + snapshots (stream of ${(await store(db).readStream('PATROL-AFTER')).version} commits)`, ...[upsertEach, ...after].map(ms)],
  ];
  console.log(h.table(rows, [], false));
}
h.run(main, left);
