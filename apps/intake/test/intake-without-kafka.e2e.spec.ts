import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { TOPICS } from '@callcenter/events';
import { grpcCall, intakeClient, readTopic, RunningService, sampleReport, startService, testKafka, testMongo, uniqueDbName } from '@callcenter/testing';

/**
 * Issue 14: what intake needs to accept a report is its database, not Kafka. With the broker of
 * this test's infrastructure stopped, intake starts, is ready and accepts reports; once the broker
 * is back it connects by itself and publishes what it stored meanwhile.
 */
const HTTP_PORT = 14421;
const GRPC_PORT = 14471;
const run = promisify(execFile);

describe('intake without Kafka', () => {
  const prefix = uniqueDbName('e2e');
  let service: RunningService | undefined;
  let mongo: MongoClient;
  let client: any;
  let kafkaDown = false;

  const infra = (command: 'stop-kafka' | 'start-kafka') => run('bash', ['infra/bin/infra', command], { env: process.env, timeout: 180_000 });

  beforeAll(async () => {
    mongo = await testMongo();
    kafkaDown = true;
    await infra('stop-kafka');
  });
  afterAll(async () => {
    if (kafkaDown) await infra('start-kafka');
    client?.close();
    await service?.stop();
    await mongo.db(`${prefix}_intake`).dropDatabase();
    await mongo.close();
  });

  it('starts, is ready and accepts reports while Kafka is down, and publishes them once it is back', async () => {
    service = await startService('intake', HTTP_PORT, { MONGODB_DB_PREFIX: prefix, INTAKE_GRPC_PORT: String(GRPC_PORT) });
    expect((await fetch(`http://127.0.0.1:${HTTP_PORT}/health/ready`)).status).toBe(200);
    client = intakeClient(GRPC_PORT);
    const accepted = await grpcCall<any>(client, 'SubmitReport', sampleReport());
    expect(accepted).toMatchObject({ duplicate: false, tracking_code: expect.stringMatching(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/) });
    const stored = await mongo.db(`${prefix}_intake`).collection('event_commits').findOne({ streamId: accepted.report_id });
    expect(stored).toMatchObject({ published: false });
    // The reporter can follow it by its tracking code although nothing reached Kafka yet.
    const status = await grpcCall<any>(client, 'GetReportStatus', { tracking_code: accepted.tracking_code });
    expect(status).toMatchObject({ report_id: accepted.report_id, state: 'RECEIVED' });

    await infra('start-kafka');
    kafkaDown = false;
    const onTopic = await readTopic(
      testKafka(),
      TOPICS.intake,
      (r) => r.length > 0,
      120_000,
      (m) => m.key?.toString() === accepted.report_id,
    );
    expect(onTopic.some((m) => m.message.key?.toString() === accepted.report_id)).toBe(true);
  });
});
