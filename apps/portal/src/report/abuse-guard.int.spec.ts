import type { MongoClient } from 'mongodb';
import { testMongo, uniqueDbName } from '@callcenter/testing';
import { PortalConfig } from '../portal.config';
import { AbuseGuard } from './abuse-guard';

describe('the portal abuse guard on the real database', () => {
  const dbName = uniqueDbName('abuse');
  let mongo: MongoClient;
  beforeAll(async () => (mongo = await testMongo()));
  afterAll(async () => {
    await mongo.db(dbName).dropDatabase();
    await mongo.close();
  });

  it('gives a failed submission back under the same hashed key, and keeps no phone number in clear', async () => {
    const config = Object.assign(new PortalConfig(), { PORTAL_REPORTS_PER_IP_PER_HOUR: 100, PORTAL_REPORTS_PER_PHONE_PER_HOUR: 2 });
    const guard = new AbuseGuard(config, mongo.db(dbName));
    guard.onModuleInit();
    const [ip, phone] = ['10.9.8.7', '+6281234567890'];
    // Intake down five times in a row: each try is given back, so none counts against the citizen.
    for (let i = 0; i < 5; i++) {
      expect(await guard.admitReport(ip, phone)).toBeNull();
      await guard.giveBack(ip, phone);
    }
    expect(await guard.admitReport(ip, phone)).toBeNull();
    expect(await guard.admitReport(ip, phone)).toBeNull();
    expect((await guard.admitReport(ip, phone))?.field).toBe('phone'); // the third accepted one within the hour
    const stored = JSON.stringify(await mongo.db(dbName).collection('portal_rate_limits').find().toArray());
    expect(stored).not.toContain('1234567890');
  });
});
