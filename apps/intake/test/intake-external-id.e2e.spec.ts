import * as grpc from '@grpc/grpc-js';
import { MongoClient } from 'mongodb';
import { grpcCall, intakeClient, intakeMetadata, RunningService, sampleReport, startService, testMongo, uniqueDbName, uniqueName } from '@callcenter/testing';

const HTTP_PORT = 13081;
const GRPC_PORT = 15181;

describe('intake: an external id names one report (real database)', () => {
  const prefix = uniqueDbName('e2e');
  let service: RunningService;
  let mongo: MongoClient;
  let intake: any;

  beforeAll(async () => {
    mongo = await testMongo();
    service = await startService('intake', HTTP_PORT, { MONGODB_DB_PREFIX: prefix, INTAKE_GRPC_PORT: String(GRPC_PORT) });
    intake = intakeClient(GRPC_PORT);
  });
  afterAll(async () => {
    intake?.close();
    await service?.stop();
    await mongo.db(`${prefix}_intake`).dropDatabase();
    await mongo.close();
  });

  it('answers a repeat with the original ids, and other content under the same external id with ALREADY_EXISTS naming them', async () => {
    const first = sampleReport({ external_id: uniqueName('ext') });
    const original = await grpcCall<any>(intake, 'SubmitReport', first, intakeMetadata());
    expect(original.duplicate).toBe(false);

    const repeat = await grpcCall<any>(intake, 'SubmitReport', { ...first, description: `  ${first.description} ` }, intakeMetadata());
    expect(repeat).toMatchObject({ report_id: original.report_id, tracking_code: original.tracking_code, duplicate: true });

    const other = { ...first, description: 'Pencurian motor di parkiran pasar, pelaku dua orang' };
    const error: any = await grpcCall(intake, 'SubmitReport', other, intakeMetadata()).catch((e) => e);
    expect(error.code).toBe(grpc.status.ALREADY_EXISTS);
    expect(error.details).toContain(original.report_id);
    expect(error.details).toContain(original.tracking_code);

    const stored = await mongo.db(`${prefix}_intake`).collection('event_commits').find({ streamId: original.report_id }).toArray();
    expect(stored).toHaveLength(1);
    // The one stored report is the first: its description is sealed (personal data), the other never stored.
    expect(stored[0].events[0].data).toMatchObject({ externalId: first.external_id, description: expect.stringMatching(/^pd1:/) });
    expect(JSON.stringify(stored[0])).not.toContain('Pencurian motor');
  });

  it('answers a reused external id in a batch stream as that item, and goes on', async () => {
    const first = sampleReport({ external_id: uniqueName('ext') });
    const original = await grpcCall<any>(intake, 'SubmitReport', first, intakeMetadata());
    const fresh = sampleReport();
    const call = intake.SubmitReports(intakeMetadata());
    const answers: any[] = [];
    const done = new Promise<void>((ok, fail) => {
      call.on('data', (a: any) => answers.push(a));
      call.on('end', ok);
      call.on('error', fail);
    });
    call.write({ ...first, people_injured: 4 });
    call.write(fresh);
    call.end();
    await done;
    const byExternal = new Map(answers.map((a) => [a.external_id, a]));
    expect(byExternal.get(first.external_id).error).toMatchObject({ code: 'ALREADY_EXISTS', message: expect.stringContaining(original.report_id) });
    expect(byExternal.get(fresh.external_id)).toMatchObject({ duplicate: false, report_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });
});
