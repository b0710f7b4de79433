import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { Kafka } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { fromKafkaMessage, HEADERS, TOPICS } from '@callcenter/events';
import {
  eventually,
  grpcCall,
  intakeClient,
  intakeMetadata,
  MOBILE_APP_KEY,
  readTopic,
  RunningService,
  sampleReport,
  startService,
  testKafka,
  testMongo,
  uniqueDbName,
  uniqueName,
} from '@callcenter/testing';

const ROOT = resolve(__dirname, '../../..');
const HTTP_PORT = 13001;
const GRPC_PORT = 15051;

const MOBILE_KEY = MOBILE_APP_KEY;
const client = (port = GRPC_PORT) => intakeClient(port);
const metadata = intakeMetadata;
const call = grpcCall;
const report = (externalId = uniqueName('ext'), overrides: Record<string, unknown> = {}) => sampleReport({ external_id: externalId, ...overrides });

describe('intake service over gRPC (real Kafka and database)', () => {
  const prefix = uniqueDbName('e2e');
  const env = { MONGODB_DB_PREFIX: prefix, INTAKE_GRPC_PORT: String(GRPC_PORT) };
  let service: RunningService;
  let mongo: MongoClient;
  let kafka: Kafka;
  let intake: any;

  const commits = () => mongo.db(`${prefix}_intake`).collection('event_commits');
  const storedIds = async (reportIds: string[]) =>
    (
      await commits()
        .find({ streamId: { $in: reportIds } })
        .toArray()
    ).map((c) => c.streamId as string);

  /** Report ids that have a ReportReceived on the intake topic, with how often each was seen. */
  async function onKafka(reportIds: Set<string>, expected: number) {
    const counts = new Map<string, number>();
    const distinct = (r: { message: { key: Buffer | null } }[]) => new Set(r.map((m) => m.message.key!.toString()).filter((k) => reportIds.has(k))).size;
    // Orphans of a killed process are published by the next lease holder: allow lease + scan time.
    const received = await readTopic(
      kafka,
      TOPICS.intake,
      (r) => distinct(r) >= expected,
      90_000,
      (m) => reportIds.has(m.key!.toString()),
    );
    for (const { message } of received) {
      const key = message.key!.toString();
      if (reportIds.has(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  beforeAll(async () => {
    mongo = await testMongo();
    kafka = testKafka();
    service = await startService('intake', HTTP_PORT, env);
    intake = client();
  });
  afterAll(async () => {
    intake?.close();
    await service?.stop();
    await mongo.db(`${prefix}_intake`).dropDatabase();
    await mongo.close();
  });

  it('stores the report, answers with ids, and puts ReportReceived on Kafka keyed by report id', async () => {
    const res = await call<any>(intake, 'SubmitReport', report(), metadata(MOBILE_KEY, 'corr-e2e-1'));
    expect(res.report_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.tracking_code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(res.duplicate).toBe(false);

    const [found] = await readTopic(
      kafka,
      TOPICS.intake,
      (r) => r.length > 0,
      30_000,
      (m) => m.key?.toString() === res.report_id,
    );
    const event = fromKafkaMessage(found.message);
    expect(found.message.headers![HEADERS.type]!.toString()).toBe('ReportReceived');
    expect(event).toMatchObject({
      type: 'ReportReceived',
      schemaVersion: 2,
      streamId: res.report_id,
      streamVersion: 1,
      producer: 'intake',
      actor: 'mobile-app',
      correlationId: 'corr-e2e-1',
      causationId: null,
      data: { reportId: res.report_id, trackingCode: res.tracking_code, channel: 'MOBILE_APP', categoryHint: 'KEBAKARAN', peopleInjured: 1 },
    });
    // Personal data travels sealed with the report's key (docs/privacy.md).
    const sealed = expect.stringMatching(new RegExp(`^pd1:${res.report_id}:`));
    expect((event.data as any).reporter).toMatchObject({ name: sealed, phone: sealed });
    expect(event.data).toMatchObject({ description: sealed, location: { address: sealed } });
    expect(event.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(event.recordedAt)).toBeGreaterThan(0);
  });

  it('turns 200 concurrent submissions with 50 repeated keys into exactly 150 reports and 150 events', async () => {
    const keys = Array.from({ length: 150 }, () => uniqueName('load'));
    const requests = [...keys, ...keys.slice(0, 50)].sort(() => Math.random() - 0.5);
    const answers = await Promise.all(requests.map((k) => call<any>(intake, 'SubmitReport', report(k))));
    const ids = new Set(answers.map((a) => a.report_id));
    expect(ids.size).toBe(150);
    expect(answers.filter((a) => a.duplicate)).toHaveLength(50);
    expect(await storedIds([...ids])).toHaveLength(150);
    const counts = await onKafka(ids, 150);
    expect(counts.size).toBe(150);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('answers twenty simultaneous repeats of one submission identically, with one report', async () => {
    const request = report();
    const answers = await Promise.all(Array.from({ length: 20 }, () => call<any>(intake, 'SubmitReport', request)));
    const strip = ({ duplicate, ...rest }: any) => rest;
    expect(new Set(answers.map((a) => JSON.stringify(strip(a)))).size).toBe(1);
    expect(answers.filter((a) => !a.duplicate)).toHaveLength(1);
    expect(await storedIds([answers[0].report_id])).toHaveLength(1);
  });

  describe('refuses bad input with INVALID_ARGUMENT naming the field, and stores nothing', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['empty external_id', { external_id: '' }, 'external_id'],
      ['external_id with spaces', { external_id: 'a b' }, 'external_id'],
      ['unspecified channel', { channel: 'CHANNEL_UNSPECIFIED' }, 'channel'],
      ['phone not E.164', { reporter: { name: 'A', phone: '081234567890', anonymous: false } }, 'reporter.phone'],
      ['missing reporter', { reporter: null }, 'reporter'],
      ['unknown category', { category_hint: 'UFO' }, 'category_hint'],
      ['empty description', { description: '' }, 'description'],
      ['blank description', { description: '   ' }, 'description'],
      ['description over 4,000 characters', { description: 'x'.repeat(4001) }, 'description'],
      ['latitude out of range', { location: { latitude: 91, longitude: 107 } }, 'location.latitude'],
      ['longitude out of range', { location: { latitude: -6, longitude: 181 } }, 'location.longitude'],
      ['latitude without longitude', { location: { latitude: -6.9 } }, 'location.longitude'],
      ['location that says nowhere', { location: { address: '', district: '' } }, 'location.where'],
      ['missing location', { location: null }, 'location'],
      ['address too long', { location: { address: 'x'.repeat(301) } }, 'location.address'],
      ['name too long', { reporter: { name: 'x'.repeat(121), phone: '+6281234567890', anonymous: false } }, 'reporter.name'],
      ['occurred_at in the future', { occurred_at: { seconds: String(Math.floor(Date.now() / 1000) + 86_400), nanos: 0 } }, 'occurred_at'],
      ['too many injured', { people_injured: 20_000 }, 'people_injured'],
      ['bad source_system', { source_system: 'Mobile App' }, 'source_system'],
    ];
    it.each(cases)('%s', async (_name, overrides, field) => {
      const request = report(uniqueName('bad'), overrides);
      const error: any = await call(intake, 'SubmitReport', request).catch((e: any) => e);
      expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(error.details).toContain(`${field}:`);
      expect(await commits().countDocuments({ 'events.data.externalId': request.external_id })).toBe(0);
    });

    it('refuses a message over 64 KiB as a whole', async () => {
      const error: any = await call(intake, 'SubmitReport', report(uniqueName('huge'), { description: 'x'.repeat(70_000) })).catch((e: any) => e);
      expect(error.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    });
  });

  describe('authenticates calling systems and stores nothing for a refused call', () => {
    it.each([
      ['no API key', null, 'mobile-app', grpc.status.UNAUTHENTICATED],
      ['an unknown API key', 'not-a-key-of-anyone-1234', 'mobile-app', grpc.status.UNAUTHENTICATED],
      ['another system’s source_system', MOBILE_KEY, 'hotline-110', grpc.status.PERMISSION_DENIED],
    ])('%s', async (_name, key, source, code) => {
      const request = report(uniqueName('auth'), { source_system: source });
      const error: any = await call(intake, 'SubmitReport', request, metadata(key as string | null)).catch((e: any) => e);
      expect(error.code).toBe(code);
      expect(await commits().countDocuments({ 'events.data.externalId': request.external_id })).toBe(0);
    });

    it('needs a key to read a status too', async () => {
      const error: any = await call(intake, 'GetReportStatus', { report_id: '00000000-0000-0000-0000-000000000000' }, metadata(null)).catch((e: any) => e);
      expect(error.code).toBe(grpc.status.UNAUTHENTICATED);
    });
  });

  it('answers every item of a batch stream, a bad item included, and goes on', async () => {
    const good = [report(), report()];
    const bad = report(uniqueName('bad'), { description: '' });
    const call = intake.SubmitReports(metadata());
    const answers: any[] = [];
    const done = new Promise<void>((ok, fail) => {
      call.on('data', (a: any) => answers.push(a));
      call.on('end', ok);
      call.on('error', fail);
    });
    for (const r of [good[0], bad, good[1]]) call.write(r);
    call.end();
    await done;
    expect(answers).toHaveLength(3);
    const byExternal = new Map(answers.map((a) => [a.external_id, a]));
    expect(byExternal.get(good[0].external_id).report_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(byExternal.get(good[1].external_id).report_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(byExternal.get(bad.external_id).error).toMatchObject({
      code: 'INVALID_ARGUMENT',
      violations: expect.arrayContaining([expect.objectContaining({ field: 'description' })]),
    });
    expect(byExternal.get(bad.external_id).report_id).toBe('');
  });

  it('tells the status by report id or tracking code, and streams it with WatchReport', async () => {
    const res = await call<any>(intake, 'SubmitReport', report());
    const byId = await call<any>(intake, 'GetReportStatus', { report_id: res.report_id });
    expect(byId).toMatchObject({ report_id: res.report_id, tracking_code: res.tracking_code, state: 'RECEIVED', final: false });
    expect(byId.timeline).toEqual([expect.objectContaining({ state: 'RECEIVED', message: expect.stringContaining('diterima') })]);
    expect(JSON.stringify(byId)).not.toMatch(/Siti|\+62/);

    // Tracking codes are looked up in the status read model, which the consumer fills ~0.1–0.2 s after the ack.
    const spoken = res.tracking_code.toLowerCase().replace('-', ' ');
    const byCode = await eventually(
      () => call<any>(intake, 'GetReportStatus', { tracking_code: spoken }).catch((e: any) => e),
      (r) => r?.report_id === res.report_id,
      30_000, // the consumer may still be working through earlier tests' thousands of reports
    );
    expect(byCode.report_id).toBe(res.report_id);

    const missing: any = await call(intake, 'GetReportStatus', { tracking_code: 'ZZZZZ-ZZZZZ' }).catch((e: any) => e);
    expect(missing.code).toBe(grpc.status.NOT_FOUND);
    const malformed: any = await call(intake, 'GetReportStatus', { tracking_code: 'nope' }).catch((e: any) => e);
    expect(malformed.code).toBe(grpc.status.INVALID_ARGUMENT);

    const watch = intake.WatchReport({ report_id: res.report_id }, metadata());
    const first = await new Promise<any>((ok, fail) => {
      watch.once('data', ok);
      watch.once('error', fail);
    });
    watch.cancel();
    expect(first).toMatchObject({ report_id: res.report_id, state: 'RECEIVED' });
  });

  it('loses no acknowledged report when the service is killed mid-load and restarted', async () => {
    const acknowledged = new Set<string>();
    let failed = 0;
    let stop = false;
    const sender = async () => {
      while (!stop) {
        try {
          const res = await call<any>(intake, 'SubmitReport', report(uniqueName('crash')));
          acknowledged.add(res.report_id);
        } catch {
          failed++;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };
    const senders = Array.from({ length: 8 }, sender);
    await new Promise((r) => setTimeout(r, 1_500));
    await service.kill(); // kill -9 while requests are in flight
    service = await startService('intake', HTTP_PORT, env);
    await new Promise((r) => setTimeout(r, 1_000));
    stop = true;
    await Promise.all(senders);
    expect(acknowledged.size).toBeGreaterThan(20);
    expect(failed).toBeGreaterThan(0); // the kill really happened under load
    const ids = [...acknowledged];
    expect(new Set(await storedIds(ids)).size).toBe(ids.length);
    const counts = await onKafka(acknowledged, ids.length);
    expect(ids.filter((id) => !counts.has(id))).toEqual([]);
  });

  const grpcurl = join(ROOT, '.cache/tools/bin/grpcurl');
  (existsSync(grpcurl) ? it : it.skip)('speaks standard gRPC: grpcurl (via server reflection) submits and reads a report', async () => {
    const run = promisify(execFile);
    const request = report(uniqueName('grpcurl'));
    const submit = await run(grpcurl, [
      '-plaintext',
      '-H',
      `x-api-key: ${MOBILE_KEY}`,
      '-d',
      JSON.stringify({ ...request, occurred_at: undefined }),
      `127.0.0.1:${GRPC_PORT}`,
      'callcenter.intake.v1.ReportIntake/SubmitReport',
    ]);
    const answer = JSON.parse(submit.stdout);
    expect(answer.report_id).toMatch(/^[0-9a-f-]{36}$/);
    const status = await run(grpcurl, [
      '-plaintext',
      '-H',
      `x-api-key: ${MOBILE_KEY}`,
      '-d',
      JSON.stringify({ report_id: answer.report_id }),
      `127.0.0.1:${GRPC_PORT}`,
      'callcenter.intake.v1.ReportIntake/GetReportStatus',
    ]);
    expect(JSON.parse(status.stdout)).toMatchObject({ report_id: answer.report_id, state: 'RECEIVED' });
    const health = await run(grpcurl, [
      '-plaintext',
      '-import-path',
      join(ROOT, 'node_modules/grpc-health-check/proto'),
      '-proto',
      'health/v1/health.proto',
      `127.0.0.1:${GRPC_PORT}`,
      'grpc.health.v1.Health/Check',
    ]);
    expect(JSON.parse(health.stdout)).toEqual({ status: 'SERVING' });
  });
});
