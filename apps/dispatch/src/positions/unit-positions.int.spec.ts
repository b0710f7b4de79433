import { MongoClient } from 'mongodb';
import { testMongo, uniqueName } from '@callcenter/testing';
import { UnitPositions } from './unit-positions';

const TEBET = { latitude: -6.2265, longitude: 106.8583 };
const PANCORAN = { latitude: -6.2512, longitude: 106.8459 };
const at = (iso: string) => new Date(iso);

describe('UnitPositions, the latest-position read model (real database)', () => {
  let mongo: MongoClient;
  let positions: UnitPositions;
  const dbName = uniqueName('it_positions');

  beforeAll(async () => {
    mongo = await testMongo();
    positions = new UnitPositions(mongo.db(dbName));
    await positions.ensureIndexes();
  });
  afterAll(async () => {
    await mongo.db(dbName).dropDatabase();
    await mongo.close();
  });

  const stored = async (unitId: string) => positions.collection.findOne({ _id: unitId });

  it('keeps one document per unit: a newer report replaces the position', async () => {
    const unit = uniqueName('PATROL');
    expect(await positions.record(unit, TEBET, at('2026-12-02T03:00:00Z'))).toBe(true);
    expect(await positions.record(unit, PANCORAN, at('2026-12-02T03:00:05Z'))).toBe(true);
    expect(await stored(unit)).toMatchObject({ position: PANCORAN, reportedAt: at('2026-12-02T03:00:05Z') });
    expect(await positions.collection.countDocuments({ _id: unit })).toBe(1);
  });

  it('never lets a late report overwrite a newer one, nor a repeat change anything', async () => {
    const unit = uniqueName('PATROL');
    await positions.record(unit, PANCORAN, at('2026-12-02T03:00:05Z'));
    expect(await positions.record(unit, TEBET, at('2026-12-02T03:00:01Z'))).toBe(false);
    expect(await positions.record(unit, TEBET, at('2026-12-02T03:00:05Z'))).toBe(false);
    expect(await stored(unit)).toMatchObject({ position: PANCORAN, reportedAt: at('2026-12-02T03:00:05Z') });
  });

  it('lets two instances race on one unit and keeps the newest', async () => {
    const unit = uniqueName('PATROL');
    const reports = Array.from({ length: 20 }, (_, k) => ({
      position: k % 2 ? TEBET : PANCORAN,
      reportedAt: new Date(Date.parse('2026-12-02T04:00:00Z') + k * 1000),
    }));
    const other = new UnitPositions(mongo.db(dbName));
    await Promise.all(reports.map((r, k) => (k % 2 ? positions : other).record(unit, r.position, r.reportedAt)));
    expect(await stored(unit)).toMatchObject({ position: TEBET, reportedAt: reports[19].reportedAt });
  });

  it('lists what was stored since a time, for the other instances to follow', async () => {
    const unit = uniqueName('PATROL');
    const before = new Date(Date.now() - 1000);
    await positions.record(unit, TEBET, at('2026-12-02T05:00:00Z'));
    const seen = [];
    for await (const p of positions.storedSince(before)) seen.push(p);
    expect(seen).toContainEqual(expect.objectContaining({ unitId: unit, latest: { position: TEBET, reportedAt: '2026-12-02T05:00:00.000Z' } }));
    const none = [];
    for await (const p of positions.storedSince(new Date(Date.now() + 60_000))) none.push(p);
    expect(none).toEqual([]);
  });

  it('refuses a position off the globe (the schema), storing nothing, and declares its index once', async () => {
    const unit = uniqueName('PATROL');
    await expect(positions.record(unit, { latitude: 123, longitude: 106.8 }, at('2026-12-02T06:00:00Z'))).rejects.toThrow(/latitude/);
    expect(await stored(unit)).toBeNull();
    expect((await positions.collection.indexes()).map((i) => i.name)).toContain('recordedAt');
  });
});
