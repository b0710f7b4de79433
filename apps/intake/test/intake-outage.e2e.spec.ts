import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { MongoClient } from 'mongodb';
import { INTAKE_PROTO_PATH } from '@callcenter/contracts';
import { intakeMetadata, RunningService, sampleReport, startService, testMongo, uniqueDbName, uniqueName } from '@callcenter/testing';

/**
 * Issue 14: a standard gRPC client, retrying UNAVAILABLE by its service config (no retry code of
 * its own), loses nothing across a database outage during steady load. The database of this test's
 * infrastructure (INFRA_DATA_DIR) is stopped for several seconds and started again while reports
 * arrive; afterwards every call has succeeded and every report is stored exactly once.
 */
const HTTP_PORT = 14411;
const GRPC_PORT = 14461;
const RATE = 10; // reports per second
const LOAD_SECONDS = 24;
const OUTAGE_AFTER_MS = 6_000;
const OUTAGE_MS = 8_000;
const run = promisify(execFile);
const say = (text: string) => process.stdout.write(`[intake outage ${new Date().toISOString().slice(11, 19)}] ${text}\n`);

/** The retry policy a calling system configures (gRPC's A6 service config); grpc-js caps attempts at 5. */
const SERVICE_CONFIG = {
  methodConfig: [
    {
      name: [{ service: 'callcenter.intake.v1.ReportIntake' }],
      retryPolicy: { maxAttempts: 5, initialBackoff: '0.5s', maxBackoff: '4s', backoffMultiplier: 2, retryableStatusCodes: ['UNAVAILABLE'] },
    },
  ],
};

function retryingClient(port: number): any {
  const definition = loadSync(INTAKE_PROTO_PATH, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const ReportIntake = (grpc.loadPackageDefinition(definition) as any).callcenter.intake.v1.ReportIntake;
  return new ReportIntake(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    'grpc.service_config': JSON.stringify(SERVICE_CONFIG),
    'grpc.enable_retries': 1,
  });
}

interface Outcome {
  externalId: string;
  reportId?: string;
  error?: string;
  attempts: number;
}

describe('intake: a standard retrying gRPC client loses nothing across a database outage under load', () => {
  const prefix = uniqueDbName('e2e');
  let service: RunningService;
  let mongo: MongoClient;
  let client: any;
  let databaseDown = false;

  const infra = (command: 'stop-db' | 'start-db') => run('bash', ['infra/bin/infra', command], { env: process.env, timeout: 120_000 });

  beforeAll(async () => {
    mongo = await testMongo();
    service = await startService('intake', HTTP_PORT, { MONGODB_DB_PREFIX: prefix, INTAKE_GRPC_PORT: String(GRPC_PORT), LOG_LEVEL: 'error' });
    client = retryingClient(GRPC_PORT);
  });
  afterAll(async () => {
    if (databaseDown) await infra('start-db');
    client?.close();
    // A service that does not stop within 20 s is a finding, but must not outlive the test.
    const stopped = await Promise.race([service?.stop().then(() => true), new Promise((r) => setTimeout(() => r(false), 20_000))]);
    if (!stopped) {
      say(`intake did not stop within 20 s of SIGTERM:\n${service.output().slice(-2000)}`);
      await service.kill();
    }
    await mongo.db(`${prefix}_intake`).dropDatabase();
    await mongo.close();
  });

  /** One SubmitReport as a calling system makes it: one call, the channel's policy retries. */
  const submit = (externalId: string) =>
    new Promise<Outcome>((resolve) => {
      let attempts = 1;
      const call = client.SubmitReport(
        sampleReport({ external_id: externalId }),
        intakeMetadata(),
        { deadline: Date.now() + 90_000 },
        (err: grpc.ServiceError | null, res: any) =>
          // The callback can come before the status event: let the status (attempt count) land first.
          setImmediate(() =>
            resolve(err ? { externalId, error: `${grpc.status[err.code]}: ${err.details}`, attempts } : { externalId, reportId: res.report_id, attempts }),
          ),
      );
      // grpc-js tells how many attempts came before the one that answered, in the response's headers
      // (or, when the last attempt failed, in its trailers).
      const count = (m: grpc.Metadata) => (attempts = Math.max(attempts, 1 + Number(m.get('grpc-previous-rpc-attempts')[0] ?? 0)));
      call.on('metadata', count);
      call.on('status', (s: grpc.StatusObject) => count(s.metadata));
    });

  it('answers every call and stores every report exactly once', async () => {
    const tag = uniqueName('outage');
    const calls: Promise<Outcome>[] = [];
    const load = (async () => {
      const end = Date.now() + LOAD_SECONDS * 1000;
      for (let i = 0; Date.now() < end; i++) {
        calls.push(submit(`${tag}-${i}`));
        await new Promise((r) => setTimeout(r, 1000 / RATE));
      }
    })();
    await new Promise((r) => setTimeout(r, OUTAGE_AFTER_MS));
    say('stopping the database');
    databaseDown = true;
    await infra('stop-db');
    const stoppedAt = Date.now();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    await infra('start-db');
    databaseDown = false;
    say(`database back after ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s`);
    await load;
    const outcomes = await Promise.all(calls);

    const failed = outcomes.filter((o) => o.error);
    const retried = outcomes.filter((o) => o.attempts > 1);
    say(
      `${outcomes.length} calls, ${failed.length} failed, ${retried.length} retried by the client (up to ${Math.max(...outcomes.map((o) => o.attempts))} attempts)`,
    );
    // The service logs at error level only: what it answered INTERNAL, with the stack.
    if (failed.length) say(`failed: ${JSON.stringify(failed.slice(0, 5))}\n${service.output().slice(0, 6000)}`);
    expect(failed).toEqual([]);
    // The outage really hit calls in flight: the client's policy retried them.
    expect(retried.length).toBeGreaterThan(0);

    const commits = await mongo
      .db(`${prefix}_intake`)
      .collection('event_commits')
      .find({ 'events.type': 'ReportReceived' }, { projection: { streamId: 1, 'events.data.externalId': 1 } })
      .toArray();
    const byExternalId = new Map<string, string[]>();
    for (const c of commits) {
      const externalId = c.events[0].data.externalId as string;
      byExternalId.set(externalId, [...(byExternalId.get(externalId) ?? []), c.streamId as string]);
    }
    const lost = outcomes.filter((o) => !byExternalId.has(o.externalId));
    const twice = [...byExternalId].filter(([, streams]) => streams.length !== 1);
    say(`${byExternalId.size} reports stored, ${lost.length} lost, ${twice.length} stored more than once`);
    expect(lost).toEqual([]);
    expect(twice).toEqual([]);
    for (const o of outcomes) expect(byExternalId.get(o.externalId)).toEqual([o.reportId]);
  });
});
