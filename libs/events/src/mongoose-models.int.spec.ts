import { MongoClient } from 'mongodb';
import { ConcurrencyConflict } from '@callcenter/contracts';
import { testMongo, uniqueName } from '@callcenter/testing';
import { MongoEventStore } from './event-store';
import { commitSchema, modelOn } from './mongoose-models';
import { MongoKeyStore, reportKeySchema } from './personal-data/key-store';

describe('mongoose models on the driver client (real database)', () => {
  let mongo: MongoClient;
  const dbName = uniqueName('it_mongoose');

  beforeAll(async () => {
    mongo = await testMongo();
  });
  afterAll(async () => {
    await mongo.db(dbName).dropDatabase();
    await mongo.close();
  });

  it('builds models on the client the Db belongs to, one per database and name', () => {
    const keys = modelOn(mongo.db(dbName), 'ReportKey', reportKeySchema);
    expect(keys.db.getClient()).toBe(mongo);
    expect(keys.db.name).toBe(dbName);
    expect(modelOn(mongo.db(dbName), 'ReportKey', reportKeySchema)).toBe(keys);
    expect(modelOn(mongo.db(`${dbName}_other`), 'ReportKey', reportKeySchema)).not.toBe(keys);
  });

  it('declares the key store indexes once and rejects a key the schema does not allow', async () => {
    const store = new MongoKeyStore(mongo.db(dbName));
    await store.ensureIndexes();
    const indexes = await mongo.db(dbName).collection('report_keys').indexes();
    expect(indexes.map((i) => i.key)).toContainEqual({ phoneRef: 1 });
    await expect(store.insertOrGet({ _id: 'no-date', wrapped: 'x', masterKeyId: 'm', phoneRef: null } as never)).rejects.toThrow(/createdAt/);
    const doc = { _id: uniqueName('key'), wrapped: 'sealed', masterKeyId: 'm1', phoneRef: null, createdAt: new Date() };
    await expect(store.insertOrGet(doc)).resolves.toEqual(doc);
    // A repeated submission gets the key stored first (the duplicate found through mongoose's copied write errors).
    await expect(store.insertOrGet({ ...doc, wrapped: 'other' })).resolves.toMatchObject({ wrapped: 'sealed' });
  });

  it('commits through a mongoose Model (the bench variant) keep the optimistic concurrency check', async () => {
    const db = mongo.db(dbName);
    const options = { producer: 'it', topic: 'it', collection: 'commits_via_model' };
    const plain = new MongoEventStore(db, options);
    const viaModel = new MongoEventStore(db, { ...options, commitModel: modelOn(db, 'ItCommit', commitSchema('commits_via_model')) });
    const meta = { actor: 'it', correlationId: 'c', now: new Date() };
    await viaModel.append('s-1', 0, [{ type: 'BenchRecorded', data: { n: 1 } }], meta);
    await expect(plain.append('s-1', 0, [{ type: 'BenchRecorded', data: { n: 2 } }], meta)).rejects.toBeInstanceOf(ConcurrencyConflict);
    await expect(viaModel.append('s-1', 0, [{ type: 'BenchRecorded', data: { n: 3 } }], meta)).rejects.toBeInstanceOf(ConcurrencyConflict);
    expect((await plain.readStream('s-1')).events.map((e) => e.data)).toEqual([{ n: 1 }]);
  });
});
