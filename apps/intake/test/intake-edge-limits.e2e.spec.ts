import { connect } from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { MongoClient } from 'mongodb';
import { eventually, grpcCall, intakeClient, intakeMetadata, RunningService, sampleReport, startServices, testMongo, uniqueDbName } from '@callcenter/testing';

/**
 * Intake's edge under a flood (issue 14): submissions in flight are bounded per connection and
 * shed with UNAVAILABLE; the rate limit is one counter for all intake instances; status look-ups
 * by report id answer only the submitting system, are rate-limited, and watches are capped in
 * number and duration. Two instances share one database, as in production.
 */
const HTTP = [14401, 14402];
const GRPC = [14451, 14452];
const HOTLINE_KEY = 'dev-key-hotline-110-0001';
const SMS_KEY = 'dev-key-sms-gateway-0001';
const RATE = 2; // submissions per second per calling system: 4 per 2-second window
const WINDOW_MS = 2_000;

describe('intake edge limits (two instances, real database)', () => {
  const prefix = uniqueDbName('e2e');
  const env = {
    MONGODB_DB_PREFIX: prefix,
    INTAKE_RATE_LIMIT_PER_SECOND: String(RATE),
    INTAKE_STATUS_RATE_LIMIT_PER_SECOND: '5',
    INTAKE_MAX_IN_FLIGHT_PER_CONNECTION: '4',
    INTAKE_MAX_WATCHES_PER_CALLER: '2',
    INTAKE_WATCH_MAX_SECONDS: '3',
    INTAKE_GRPC_MAX_CONCURRENT_STREAMS: '16',
  };
  let services: RunningService[] = [];
  let mongo: MongoClient;
  let a: any;
  let b: any;

  beforeAll(async () => {
    mongo = await testMongo();
    services = await startServices(HTTP.map((port, i) => ['intake', port, { ...env, INTAKE_GRPC_PORT: String(GRPC[i]) }]));
    [a, b] = GRPC.map((port) => intakeClient(port));
  });
  afterAll(async () => {
    a?.close();
    b?.close();
    await Promise.all(services.map((s) => s.stop()));
    await mongo.db(`${prefix}_intake`).dropDatabase();
    await mongo.close();
  });

  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'OK',
      (e: grpc.ServiceError) => grpc.status[e.code],
    );

  it('holds the submission rate of a calling system across both instances, not per instance', async () => {
    const hotline = () => sampleReport({ source_system: 'hotline-110', channel: 'HOTLINE' });
    const started = Date.now();
    const answers: string[] = [];
    // Alternate between the instances, faster than the rate: each would admit its own 4 per window.
    for (let i = 0; i < 16; i++) {
      answers.push(await codeOf(grpcCall(i % 2 ? b : a, 'SubmitReport', hotline(), intakeMetadata(HOTLINE_KEY))));
      await new Promise((r) => setTimeout(r, 60));
    }
    const windows = Math.floor((Date.now() - started) / WINDOW_MS) + 1;
    const accepted = answers.filter((c) => c === 'OK').length;
    expect(answers.filter((c) => c !== 'OK' && c !== 'RESOURCE_EXHAUSTED')).toEqual([]);
    expect(accepted).toBeGreaterThan(0);
    // One shared counter: at most the allowance of one window per window touched, both instances together.
    expect(accepted).toBeLessThanOrEqual(RATE * 2 * windows);
    // Submitting on until one is refused (within a few windows): the refusal says when to retry, in its text and its pushback.
    let refused: any;
    for (let i = 0; i < 4 * RATE * 2 && refused?.code !== grpc.status.RESOURCE_EXHAUSTED; i++)
      refused = await grpcCall(i % 2 ? b : a, 'SubmitReport', hotline(), intakeMetadata(HOTLINE_KEY)).catch((e) => e);
    expect(grpc.status[refused?.code]).toBe('RESOURCE_EXHAUSTED');
    expect(refused.details).toMatch(/rate limit of 2\/s submissions for hotline-110 exceeded; retry in \d+ ms/);
    const pushback = Number(refused.metadata.get('grpc-retry-pushback-ms')[0]);
    expect(pushback).toBeGreaterThan(0);
    expect(pushback).toBeLessThanOrEqual(WINDOW_MS);
  });

  it('tells every client connection how many calls it may have open at once (HTTP/2 SETTINGS)', async () => {
    const session = connect(`http://127.0.0.1:${GRPC[0]}`);
    try {
      const settings = await new Promise<{ maxConcurrentStreams?: number }>((ok, fail) => {
        session.once('remoteSettings', ok);
        session.once('error', fail);
      });
      expect(settings.maxConcurrentStreams).toBe(16);
    } finally {
      session.destroy();
    }
  });

  it('sheds a SubmitReports flood past the bound in flight with UNAVAILABLE, and answers every item once', async () => {
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const call = a.SubmitReports(intakeMetadata(SMS_KEY));
    const answers: any[] = [];
    const done = new Promise<void>((ok, fail) => {
      call.on('data', (x: any) => answers.push(x));
      call.on('end', ok);
      call.on('error', fail);
    });
    const ids = Array.from({ length: 200 }, (_, i) => `flood-${prefix}-${i}`);
    for (const id of ids) call.write(sampleReport({ source_system: 'sms-gateway', channel: 'SMS', external_id: id }));
    call.end();
    await done;
    expect(answers.map((x) => x.external_id).sort()).toEqual([...ids].sort());
    const shed = answers.filter((x) => x.error?.code === 'UNAVAILABLE');
    expect(shed.length).toBeGreaterThan(100);
    expect(shed[0].error.message).toMatch(/limit of 4 submissions in flight on this connection; retry in \d+ ms with the same external_id/);
    // None of the shed items was stored.
    const stored = await mongo
      .db(`${prefix}_intake`)
      .collection('event_commits')
      .countDocuments({ 'events.data.externalId': { $in: shed.map((x) => x.external_id) } });
    expect(stored).toBe(0);
  });

  it('answers a status by report id only to the system that submitted it; a tracking code to whoever holds it', async () => {
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const mine = await grpcCall<any>(a, 'SubmitReport', sampleReport(), intakeMetadata());
    expect((await grpcCall<any>(b, 'GetReportStatus', { report_id: mine.report_id }, intakeMetadata())).report_id).toBe(mine.report_id);
    const other: any = await grpcCall(b, 'GetReportStatus', { report_id: mine.report_id }, intakeMetadata(SMS_KEY)).catch((e) => e);
    expect(other.code).toBe(grpc.status.NOT_FOUND);
    const watched: any = await new Promise((ok) => {
      const w = a.WatchReport({ report_id: mine.report_id }, intakeMetadata(SMS_KEY));
      w.on('data', () => ok('data'));
      w.on('error', ok);
    });
    expect(watched.code).toBe(grpc.status.NOT_FOUND);
    // A tracking code is found once the status consumer has projected the report (it lags by the relay and Kafka).
    const byCode = await eventually(
      () => grpcCall<any>(b, 'GetReportStatus', { tracking_code: mine.tracking_code }, intakeMetadata(SMS_KEY)).catch((e) => e),
      (r) => r.report_id !== undefined,
      60_000,
      500,
    );
    expect(byCode.report_id).toBe(mine.report_id);
  });

  it('rate-limits status look-ups per calling system across instances', async () => {
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => codeOf(grpcCall(i % 2 ? b : a, 'GetReportStatus', { tracking_code: 'ZZZZZ-ZZZZZ' }, intakeMetadata(SMS_KEY)))),
    );
    const counted = answers.filter((c) => c === 'NOT_FOUND').length;
    expect(counted).toBeLessThanOrEqual(2 * 10); // 10 per window, at most two windows touched
    expect(answers.filter((c) => c === 'RESOURCE_EXHAUSTED').length).toBeGreaterThanOrEqual(10);
  });

  it('caps the watches a calling system has open, and ends a watch at its longest with UNAVAILABLE saying so', async () => {
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const mine = await grpcCall<any>(a, 'SubmitReport', sampleReport(), intakeMetadata());
    const watch = () => {
      const w = a.WatchReport({ report_id: mine.report_id }, intakeMetadata());
      const states: string[] = [];
      w.on('data', (s: any) => states.push(s.state));
      const ended = new Promise<any>((ok) => {
        w.on('error', ok);
        w.on('end', () => ok(null));
      });
      return { w, states, ended };
    };
    const first = watch();
    const second = watch();
    await eventually(
      async () => Math.min(first.states.length, second.states.length),
      (n) => n > 0,
      10_000,
    );
    const third = watch();
    const refused = await third.ended;
    expect(refused.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(refused.details).toMatch(/mobile-app has 2 watches open, its limit/);
    const [one, two] = await Promise.all([first.ended, second.ended]);
    for (const ended of [one, two]) {
      expect(ended.code).toBe(grpc.status.UNAVAILABLE);
      expect(ended.details).toMatch(/a watch lasts at most 3 s; call WatchReport again/);
    }
    expect(first.states[0]).toBe('RECEIVED');
    // The ended watches no longer count: a new one is allowed.
    const again = watch();
    await eventually(
      async () => again.states.length,
      (n) => n > 0,
      10_000,
    );
    expect(again.states[0]).toBe('RECEIVED');
    again.w.cancel();
  });
});
