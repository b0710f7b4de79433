/**
 * What a shift of position reports costs a unit's commands, before and after positions left the
 * unit's stream. Prints both in one run, against the database in MONGODB_URI:
 *
 * - before: each position report appended an event to the unit's stream (as dispatch did), and a
 *   command folded the whole stream, one lookup per commit;
 * - snapshots only: the same long stream, loaded from its latest snapshot plus later commits;
 * - after: position reports replace the unit's document in the latest-position read model, and
 *   the unit's stream (short now) is loaded with snapshots.
 *
 * A "cold" command runs in an instance that has not read the unit yet (another instance, or after a
 * restart): a fresh event store, nothing cached. A "warm" one follows another command there.
 *
 * usage: node dist/bench/dispatch/unit-stream.bench.js [--reports 5000] [--commands 15] [--keep-db]
 */
// The dispatch entry point loads its Nest module, whose decorators need the metadata polyfill first.
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { Db } from 'mongodb';
import { dispatchEvents, EventRegistry, handleCommand, MongoEventStore, UnitRegistered, UnitStatusChanged } from '@callcenter/events';
import { testMongo } from '@callcenter/testing';
import { unitDecider, UNIT_SNAPSHOTS, unitFold, UnitPositions } from '../../apps/dispatch/src';
import { options } from '../harness';

const { whole, has } = options(
  'usage: node dist/bench/dispatch/unit-stream.bench.js [--reports 5000] [--commands 15] [--keep-db]',
  ['reports', 'commands'],
  ['keep-db'],
);
const REPORTS = whole('reports', 5000, 1);
const COMMANDS = whole('commands', 15, 1);
const meta = (now = new Date()) => ({ actor: 'unit:BENCH', correlationId: 'bench', now });
const store = (db: Db) => new MongoEventStore(db, { producer: 'dispatch', topic: 'unused', registry: new EventRegistry(dispatchEvents) });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
const spot = (k: number) => ({ latitude: -6.2297 + (k % 100) * 1e-4, longitude: 106.8532 + (k % 37) * 1e-4 });

async function register(db: Db, unitId: string) {
  await store(db).append(
    unitId,
    0,
    [UnitRegistered({ unitId, callSign: unitId, type: 'PATROL_CAR', capabilities: [], homeDistrict: 'TEBET', status: 'AVAILABLE' })],
    meta(),
  );
}

/** A roster change of the unit (it appends an event each time), timed `COMMANDS` times. */
async function timeCommands(db: Db, unitId: string, snapshots: boolean): Promise<{ cold: number; warm: number }> {
  const cold: number[] = [];
  const warm: number[] = [];
  for (let k = 0; k < COMMANDS; k++) {
    const instance = store(db); // nothing cached: as on another instance, or after a restart
    const command = (n: number) => ({ type: 'UpdateUnit' as const, now: new Date(), details: { capabilities: n % 2 ? ['FIRST_AID'] : [] } });
    let t = performance.now();
    await handleCommand(instance, unitDecider, unitId, command(2 * k), meta(), snapshots ? { snapshots: UNIT_SNAPSHOTS } : {});
    cold.push(performance.now() - t);
    t = performance.now();
    await handleCommand(instance, unitDecider, unitId, command(2 * k + 1), meta(), snapshots ? { snapshots: UNIT_SNAPSHOTS } : {});
    warm.push(performance.now() - t);
  }
  return { cold: median(cold), warm: median(warm) };
}

async function main() {
  const mongo = await testMongo();
  const db = mongo.db(`bench_unit_stream_${Date.now()}`);
  try {
    process.stdout.write(`unit command after ${REPORTS} position reports (median of ${COMMANDS}; database ${process.env.MONGODB_URI ?? 'default test'})\n`);

    // before: every report is an event of the unit's stream
    await register(db, 'PATROL-BEFORE');
    const writer = store(db);
    let t = performance.now();
    for (let k = 0; k < REPORTS; k++) {
      const position = spot(k);
      await writer.append(
        'PATROL-BEFORE',
        k + 1,
        [
          UnitStatusChanged({
            unitId: 'PATROL-BEFORE',
            status: 'AVAILABLE',
            previousStatus: 'AVAILABLE',
            position,
            incidentId: null,
            reportedAt: new Date().toISOString(),
          }),
        ],
        meta(),
      );
    }
    const appendEach = (performance.now() - t) / REPORTS;
    const before = await timeCommands(db, 'PATROL-BEFORE', false);

    // the same long stream, loaded from snapshots (the first load takes one)
    await store(db).load('PATROL-BEFORE', unitFold);
    const snapshotOnly = await timeCommands(db, 'PATROL-BEFORE', true);

    // after: reports replace the read model's document; the stream holds the unit's decisions only
    await register(db, 'PATROL-AFTER');
    const positions = new UnitPositions(db);
    await positions.ensureIndexes();
    t = performance.now();
    for (let k = 0; k < REPORTS; k++) await positions.record('PATROL-AFTER', spot(k), new Date(Date.now() + k));
    const upsertEach = (performance.now() - t) / REPORTS;
    const after = await timeCommands(db, 'PATROL-AFTER', true);
    const streamLength = (await store(db).readStream('PATROL-AFTER')).version;

    const rows: [string, string, string, string][] = [
      ['', 'position report', 'unit command, cold', 'unit command, warm'],
      [`before: positions in the stream (${REPORTS + 1}+ commits)`, ms(appendEach), ms(before.cold), ms(before.warm)],
      ['snapshots only: same stream, loaded from a snapshot', ms(appendEach), ms(snapshotOnly.cold), ms(snapshotOnly.warm)],
      [`after: read model + snapshots (stream of ${streamLength} commits)`, ms(upsertEach), ms(after.cold), ms(after.warm)],
    ];
    const width = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    for (const r of rows) process.stdout.write(`${r.map((cell, c) => (c === 0 ? cell.padEnd(width[c]) : cell.padStart(width[c]))).join('  ')}\n`);
  } finally {
    if (!has('keep-db')) await db.dropDatabase();
    await mongo.close();
  }
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
