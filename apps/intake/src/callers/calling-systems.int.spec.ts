import { status } from '@grpc/grpc-js';
import { CommandStartedEvent, MongoClient } from 'mongodb';
import { eventually, testInfra, uniqueName } from '@callcenter/testing';
import { ApiKeys } from './api-keys';
import { CallingSystems } from './calling-systems';

const codeOf = (admitted: Promise<void>) =>
  admitted.then(
    () => 'OK',
    (e) => status[e.getError().code],
  );

describe('the rate counter intake instances share (the real database)', () => {
  let client: MongoClient;
  const sent: CommandStartedEvent[] = [];
  const dbName = uniqueName('calling_systems').replace('-', '_');

  beforeAll(async () => {
    client = await new MongoClient(testInfra().mongoUri, { monitorCommands: true, serverSelectionTimeoutMS: 5_000 }).connect();
    client.on('commandStarted', (e) => sent.push(e));
  });
  afterAll(async () => {
    // The limiters create their indexes in the background; closing the client under them would fail them.
    const indexes = () => client.db(dbName).collection('rate_limits').indexes();
    await eventually(indexes, (found) => found.length === 3);
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  it('holds a caller to its rate across instances, counting without waiting for the journal', async () => {
    const apiKeys = ApiKeys.parse('mobile-app=mobile-key-aaaaaaaaaa');
    // 1/s: two submissions per two-second window, whichever instance takes them.
    const [first, second] = [1, 2].map(() => new CallingSystems({ apiKeys, ratePerSecond: 1 }, client.db(dbName)));
    expect(await codeOf(first.admit('mobile-app'))).toBe('OK');
    expect(await codeOf(second.admit('mobile-app'))).toBe('OK');
    expect(await codeOf(second.admit('mobile-app'))).toBe('RESOURCE_EXHAUSTED');

    const counts = sent.filter((e) => e.commandName === 'findAndModify' && e.command.findAndModify === 'rate_limits');
    expect(counts.length).toBeGreaterThanOrEqual(3);
    // A lost count costs a caller's allowance a few submissions; a disk sync would cost every submission.
    for (const e of counts) expect(e.command.writeConcern).toEqual({ w: 1, j: false });
  });

  it('does not end the process when the database goes away before the counters’ indexes are made', async () => {
    const unhandled: unknown[] = [];
    const note = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', note);
    try {
      const closing = await new MongoClient(testInfra().mongoUri, { serverSelectionTimeoutMS: 5_000 }).connect();
      new CallingSystems({ apiKeys: ApiKeys.parse('mobile-app=mobile-key-aaaaaaaaaa'), ratePerSecond: 1 }, closing.db(dbName)); // starts the index builds
      await closing.close(true); // under them
      await new Promise((r) => setTimeout(r, 500));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', note);
    }
  });
});
