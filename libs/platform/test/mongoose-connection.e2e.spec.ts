import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { KEY_VAULT_DATABASE_SUFFIX, REPORT_KEYS_COLLECTION } from '@callcenter/events';
import { grpcCall, intakeClient, RunningService, sampleReport, startService, testMongo, uniqueDbName } from '@callcenter/testing';

/**
 * Issue 16: a service opens one mongoose connection; the event store and the key store (a mongoose
 * schema) use it, and /health/ready reports terminus' Mongoose check beside the database ping,
 * down while the database is stopped and up again once it is back.
 */
const HTTP_PORT = 14301;
const GRPC_PORT = 14351;
const run = promisify(execFile);

async function ready(): Promise<{ status: number; body: any }> {
  const response = await fetch(`http://127.0.0.1:${HTTP_PORT}/health/ready`);
  return { status: response.status, body: await response.json() };
}

async function until(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('one mongoose connection per service', () => {
  const prefix = uniqueDbName('e2e');
  let service: RunningService | undefined;
  let mongo: MongoClient;
  let client: any;
  let databaseDown = false;

  const infra = (command: 'stop-db' | 'start-db') => run('bash', ['infra/bin/infra', command], { env: process.env, timeout: 180_000 });

  beforeAll(async () => {
    mongo = await testMongo();
    service = await startService('intake', HTTP_PORT, { MONGODB_DB_PREFIX: prefix, INTAKE_GRPC_PORT: String(GRPC_PORT), LOG_LEVEL: 'error' });
    client = intakeClient(GRPC_PORT);
  });
  afterAll(async () => {
    if (databaseDown) await infra('start-db');
    client?.close();
    await service?.stop();
    const connected = await testMongo();
    await connected.db(`${prefix}_intake`).dropDatabase();
    await connected.db(`${prefix}_${KEY_VAULT_DATABASE_SUFFIX}`).dropDatabase();
    await connected.close();
    await mongo.close().catch(() => undefined);
  });

  it('is ready with the database ping and the Mongoose check, and stores a report and its key', async () => {
    const { status, body } = await ready();
    expect(status).toBe(200);
    expect(body.info).toMatchObject({ database: { status: 'up' }, mongoose: { status: 'up' } });

    const accepted = await grpcCall<any>(client, 'SubmitReport', sampleReport());
    const key = await mongo.db(`${prefix}_${KEY_VAULT_DATABASE_SUFFIX}`).collection(REPORT_KEYS_COLLECTION).findOne({});
    expect(key).toMatchObject({ wrapped: expect.any(String), createdAt: expect.any(Date) });
    expect(key).not.toHaveProperty('__v');
    expect(await mongo.db(`${prefix}_intake`).collection('event_commits').countDocuments({ streamId: accepted.report_id })).toBe(1);
  });

  it('is not ready while the database is stopped, and ready again once it is back', async () => {
    databaseDown = true;
    await infra('stop-db');
    await until(
      'readiness down with the Mongoose check down',
      async () => {
        const { status, body } = await ready();
        return status === 503 && body.error?.database?.status === 'down' && body.error?.mongoose?.status === 'down';
      },
      40_000,
    );
    await infra('start-db');
    databaseDown = false;
    await until('readiness up again', async () => (await ready()).status === 200, 60_000);
    expect((await ready()).body.info).toMatchObject({ mongoose: { status: 'up' } });
  });
});
