import { MongoClient } from 'mongodb';
import { testInfra, testMongo, uniqueDbName, uniqueName } from '@callcenter/testing';
import { MongoKeyStore } from './key-store';
import { deadLetterPersonalData, MASKED } from './dead-letter-payload';
import { PersonalDataVault } from './personal-data-vault';
import { ERASED, isSealed, sealedKeyId } from './sealed';

const SECRET = 'an-integration-test-master-key-0123456789';

describe('the personal-data vault on the real database', () => {
  let mongo: MongoClient;
  const dbName = uniqueDbName('it_keyvault');
  const vault = () => new PersonalDataVault(new MongoKeyStore(mongo.db(dbName)), SECRET);

  beforeAll(async () => {
    mongo = await testMongo();
  });
  afterAll(async () => {
    await mongo.db(dbName).dropDatabase();
    await mongo.close();
  });

  it('seals with one key per report, even when the key is asked for many times at once, and another process opens it', async () => {
    const reportId = uniqueName('report');
    const sealers = await Promise.all(Array.from({ length: 5 }, () => vault().sealerFor(reportId, '+6281234500001', new Date())));
    const sealed = sealers.map((s) => s!.seal('Jl. Melati 7'));
    expect(sealed.every(isSealed)).toBe(true);
    const reader = vault();
    expect(await Promise.all(sealed.map((v) => reader.open(v)))).toEqual(Array(5).fill('Jl. Melati 7'));
    expect(
      await mongo
        .db(dbName)
        .collection('report_keys')
        .countDocuments({ _id: reportId as any }),
    ).toBe(1);
  });

  it('opens a page of many reports with one read of their keys, each value with its own key', async () => {
    const writer = vault();
    const ids = Array.from({ length: 30 }, () => uniqueName('report'));
    const values = await Promise.all(ids.map(async (id, i) => (await writer.sealerFor(id, null, new Date()))!.seal(`Jl. Kenanga ${i}`)));
    const gone = (await writer.sealerFor(uniqueName('report'), null, new Date()))!.seal('tanpa kunci');
    await mongo
      .db(dbName)
      .collection('report_keys')
      .deleteOne({ _id: sealedKeyId(gone) as any });
    const watched = await new MongoClient(testInfra().mongoUri, { monitorCommands: true }).connect();
    try {
      const reads: unknown[] = [];
      watched.on('commandStarted', (e) => e.commandName === 'find' && e.command.find === 'report_keys' && reads.push(e.command.filter));
      const reader = new PersonalDataVault(new MongoKeyStore(watched.db(dbName)), SECRET);
      // Each value twice, as a list's summary and its detail would be.
      const opened = await Promise.all([...values, ...values, gone].map((v) => reader.open(v)));
      expect(opened).toEqual([...ids.map((_, i) => `Jl. Kenanga ${i}`), ...ids.map((_, i) => `Jl. Kenanga ${i}`), ERASED]);
      expect(reads).toHaveLength(1);
    } finally {
      await watched.close();
    }
  });

  it('erases: every sealed value of the reports opens as "[dihapus]", at once here and in a fresh process, and no key is made again', async () => {
    const phone = '+6281234500002';
    const writer = vault();
    const ids = [uniqueName('report'), uniqueName('report')];
    const values = await Promise.all(ids.map(async (id) => (await writer.sealerFor(id, phone, new Date()))!.seal('Budi Santoso')));
    const other = uniqueName('report');
    const kept = (await writer.sealerFor(other, '+6281234500003', new Date()))!.seal('Siti');
    expect((await writer.reportsOfPhone('+62 812-3450-0002')).sort()).toEqual([...ids].sort());

    expect(await Promise.all(values.map((v) => writer.open(v)))).toEqual(['Budi Santoso', 'Budi Santoso']); // opened, and kept opened
    await writer.erase(ids, 'erasure-1', new Date());
    expect(await Promise.all(values.map((v) => writer.open(v)))).toEqual([ERASED, ERASED]);
    expect(await Promise.all(values.map((v) => vault().open(v)))).toEqual([ERASED, ERASED]);
    expect(await vault().open(kept)).toBe('Siti');
    expect(await writer.reportsOfPhone(phone)).toEqual([]);
    expect(await vault().sealerFor(ids[0], phone, new Date())).toBeNull();
    const doc = await mongo
      .db(dbName)
      .collection('report_keys')
      .findOne({ _id: ids[0] as any });
    expect(doc).toMatchObject({ wrapped: null, phoneRef: null, erasureId: 'erasure-1' });
  });

  it('reads plaintext of events from before encryption as it is', async () => {
    expect(await vault().open('Kebakaran di pasar')).toBe('Kebakaran di pasar');
    expect(await vault().open(null)).toBeNull();
  });

  it('shows the dead-letter tools sealed data as "[dihapus]" once erased and masked otherwise, never in clear', async () => {
    const writer = vault();
    const [gone, kept] = [uniqueName('report'), uniqueName('report')];
    const payload = (id: string, sealer: { seal(t: string): string }) => ({
      type: 'ReportReceived',
      data: { reportId: id, reporter: { name: sealer.seal('Budi Santoso') }, description: 'plain' },
    });
    const payloads = [payload(gone, (await writer.sealerFor(gone, null, new Date()))!), payload(kept, (await writer.sealerFor(kept, null, new Date()))!)];
    await writer.erase([gone], 'erasure-2', new Date());
    const reveal = await deadLetterPersonalData(new MongoKeyStore(mongo.db(dbName)), payloads);
    expect(payloads.map(reveal)).toEqual([
      { type: 'ReportReceived', data: { reportId: gone, reporter: { name: ERASED }, description: 'plain' } },
      { type: 'ReportReceived', data: { reportId: kept, reporter: { name: MASKED }, description: 'plain' } },
    ]);
  });

  it('keeps a key cached briefly in another process, which forgets it as soon as it hears of the erasure', async () => {
    const id = uniqueName('report');
    const sealed = (await vault().sealerFor(id, null, new Date()))!.seal('Wati');
    const other = vault();
    expect(await other.open(sealed)).toBe('Wati'); // cached now
    await vault().erase([id], 'erasure-3', new Date());
    expect(await other.open(sealed)).toBe('Wati'); // within KEY_CACHE_MS, until it hears
    other.markErased([id]);
    expect(await other.open(sealed)).toBe(ERASED);
  });

  it('keeps what it opened no longer than the key: once the key expires, an erasure elsewhere shows', async () => {
    const id = uniqueName('report');
    const sealed = (await vault().sealerFor(id, null, new Date()))!.seal('Joko');
    const reader = new PersonalDataVault(new MongoKeyStore(mongo.db(dbName)), SECRET, 200);
    expect(await reader.open(sealed)).toBe('Joko');
    await vault().erase([id], 'erasure-4', new Date());
    expect(await reader.open(sealed)).toBe('Joko'); // key and value still cached
    await new Promise((r) => setTimeout(r, 250));
    expect(await reader.open(sealed)).toBe(ERASED);
  });
});
