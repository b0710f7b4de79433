import { Metadata, status } from '@grpc/grpc-js';
import { ApiKeys } from './api-keys';
import { CallingSystems, SHARED_COUNTER_TIMEOUT_MS } from './calling-systems';

const systems = () => new CallingSystems({ apiKeys: ApiKeys.parse('mobile-app=mobile-key-aaaaaaaaaa,sms-gateway=sms-key-bbbbbbbbbbbb'), ratePerSecond: 3 });

const withKey = (key?: string) => {
  const m = new Metadata();
  if (key) m.set('x-api-key', key);
  return m;
};

const codeOf = async (fn: () => unknown) => {
  try {
    await fn();
    return 'OK';
  } catch (e: any) {
    return status[e.getError().code];
  }
};

describe('calling systems', () => {
  it('knows a caller by its key and refuses a missing or unknown one', async () => {
    expect(systems().authenticate(withKey('mobile-key-aaaaaaaaaa'))).toBe('mobile-app');
    expect(await codeOf(() => systems().authenticate(withKey()))).toBe('UNAUTHENTICATED');
    expect(await codeOf(() => systems().authenticate(withKey('guess-guess-guess')))).toBe('UNAUTHENTICATED');
  });

  it('lets a caller submit only as itself', async () => {
    expect(await codeOf(() => systems().authorize('mobile-app', 'mobile-app'))).toBe('OK');
    expect(await codeOf(() => systems().authorize('mobile-app', 'sms-gateway'))).toBe('PERMISSION_DENIED');
  });

  it('limits each caller to its rate (bursts up to twice the rate) without touching the others', async () => {
    const s = systems();
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await codeOf(() => s.admit('mobile-app')));
    expect(results).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'OK', 'RESOURCE_EXHAUSTED']);
    expect(await codeOf(() => s.admit('sms-gateway'))).toBe('OK');
  });
});

describe('the shared rate counter when the database does not answer', () => {
  /** A database whose every call hangs, as during an outage before the driver gives up. */
  const hangingDb = () => {
    const collection = { createIndex: () => new Promise(() => undefined), findOneAndUpdate: () => new Promise(() => undefined) };
    const db: any = { collection: () => collection, databaseName: 'intake' };
    db.client = { db: () => db };
    return db;
  };

  it("falls back to the process' own counter after a short deadline instead of holding the call", async () => {
    const s = new CallingSystems({ apiKeys: ApiKeys.parse('mobile-app=mobile-key-aaaaaaaaaa'), ratePerSecond: 1 }, hangingDb());
    const started = Date.now();
    const results = await Promise.all([1, 2, 3].map(() => codeOf(() => s.admit('mobile-app'))));
    expect(results.sort()).toEqual(['OK', 'OK', 'RESOURCE_EXHAUSTED']);
    expect(Date.now() - started).toBeLessThan(SHARED_COUNTER_TIMEOUT_MS + 500);
  });
});
