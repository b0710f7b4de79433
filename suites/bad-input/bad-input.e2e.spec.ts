import * as grpc from '@grpc/grpc-js';
import { MongoClient } from 'mongodb';
import { intakeClient, intakeMetadata, RunningService, startServices, testMongo, uniqueName } from '@callcenter/testing';
import { MalformedCase, malformedRequests, STREAMS_NAMED } from './malformed-requests';

const PORTS = { intake: 13041, triage: 13042, dispatch: 13043, analytics: 13044 } as const;
const GRPC_PORT = 15081;
const SERVICES = ['intake', 'triage', 'dispatch', 'analytics'] as const;

interface Answer {
  kase: MalformedCase;
  got: number | string;
}

/** Sends one case and returns the gRPC status code or HTTP status it got. */
async function send(kase: MalformedCase, client: any): Promise<number | string> {
  if (kase.api === 'grpc') {
    const metadata = kase.apiKey === null ? new grpc.Metadata() : intakeMetadata(kase.apiKey);
    return new Promise((resolve) => {
      const done = (err: grpc.ServiceError | null) => resolve(err ? err.code : 'OK');
      if (Buffer.isBuffer(kase.request)) {
        client.makeUnaryRequest(`/callcenter.intake.v1.ReportIntake/${kase.method}`, (b: Buffer) => b, (b: Buffer) => b, kase.request, metadata, done);
      } else {
        client[kase.method](kase.request, metadata, done);
      }
    });
  }
  const headers: Record<string, string> = {};
  if (kase.token !== null) headers.authorization = `Bearer ${kase.token}`;
  if (kase.body !== undefined) headers['content-type'] = kase.contentType ?? 'application/json';
  const res = await fetch(`http://127.0.0.1:${PORTS[kase.service]}${kase.path}`, { method: kase.method, headers, body: kase.body });
  await res.arrayBuffer();
  return res.status;
}

describe('bad-input suite: generated malformed requests across gRPC and REST', () => {
  const prefix = uniqueName('badinput').replace(/-/g, '_');
  const env = { MONGODB_DB_PREFIX: prefix, INTAKE_GRPC_PORT: String(GRPC_PORT), LOG_LEVEL: 'error' };
  const services: Partial<Record<(typeof SERVICES)[number], RunningService>> = {};
  let mongo: MongoClient;
  let client: any;

  /**
   * What the malformed requests could have stored: any commit at all in intake (nothing else writes
   * there meanwhile), and in triage and dispatch any commit of the streams the requests name (their
   * timers and consumers go on working through other tests' events on the shared topics).
   */
  const stored = async () => {
    const named = { streamId: { $in: [...STREAMS_NAMED] } };
    return {
      intake: await mongo.db(`${prefix}_intake`).collection('event_commits').countDocuments(),
      triage: await mongo.db(`${prefix}_triage`).collection('event_commits').countDocuments(named),
      dispatch: await mongo.db(`${prefix}_dispatch`).collection('event_commits').countDocuments(named),
    };
  };

  beforeAll(async () => {
    mongo = await testMongo();
    const started = await startServices(SERVICES.map((s) => [s, PORTS[s], env]));
    SERVICES.forEach((s, i) => (services[s] = started[i]));
    client = intakeClient(GRPC_PORT);
  });

  afterAll(async () => {
    client?.close();
    await Promise.all(Object.values(services).map((s) => s!.stop()));
    for (const s of SERVICES) await mongo.db(`${prefix}_${s}`).dropDatabase();
    await mongo.close();
  });

  it('answers every one of at least 1,000 malformed requests with the right error, crashes nothing and stores nothing', async () => {
    // BAD_INPUT_REPEAT sends the generated set several times (bench/suites: the long profile).
    const cases = Array.from({ length: Number(process.env.BAD_INPUT_REPEAT ?? 1) }, () => malformedRequests()).flat();
    expect(cases.length).toBeGreaterThanOrEqual(1_000);
    const before = await stored();

    const answers: Answer[] = [];
    const queue = [...cases];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let kase = queue.shift(); kase; kase = queue.shift()) answers.push({ kase, got: await send(kase, client) });
      }),
    );

    const wrong = answers.filter((a) => !a.kase.expect.includes(a.got as number)).map((a) => `${a.kase.name}: got ${a.got}, expected ${a.kase.expect.join(' or ')}`);
    const tally: Record<string, number> = {};
    for (const a of answers) tally[`${a.kase.api} ${a.got}`] = (tally[`${a.kase.api} ${a.got}`] ?? 0) + 1;
    process.stdout.write(`bad-input suite: ${answers.length} malformed requests; answers ${JSON.stringify(tally)}\n`);
    expect(wrong).toEqual([]);

    for (const s of SERVICES) {
      expect(services[s]!.output()).not.toMatch(/"level":"fatal"/);
      expect((await fetch(`http://127.0.0.1:${PORTS[s]}/health/live`)).status).toBe(200);
    }
    expect(await stored()).toEqual(before);
  });
});
