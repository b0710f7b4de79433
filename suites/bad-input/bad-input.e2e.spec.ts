import * as grpc from '@grpc/grpc-js';
import { MongoClient } from 'mongodb';
import { intakeClient, intakeMetadata, portalReport, RunningService, startServices, testMongo, uniqueDbName } from '@callcenter/testing';
import { MalformedCase, malformedRequests, STREAMS_NAMED } from './malformed-requests';

const PORTS = { intake: 13041, triage: 13042, dispatch: 13043, analytics: 13044, portal: 13045 } as const;
const GRPC_PORT = 15081;
const SERVICES = ['intake', 'triage', 'dispatch', 'analytics', 'portal'] as const;
/** The portal's allowance of reports per IP per hour in this suite: small, so that the flood test reaches it quickly. */
const PORTAL_REPORTS_PER_IP = 3;
/** Its tracking-code look-ups per IP per minute (the default). */
const PORTAL_LOOKUPS_PER_IP = 60;

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
        client.makeUnaryRequest(
          `/callcenter.intake.v1.ReportIntake/${kase.method}`,
          (b: Buffer) => b,
          (b: Buffer) => b,
          kase.request,
          metadata,
          done,
        );
      } else {
        client[kase.method](kase.request, metadata, done);
      }
    });
  }
  const headers: Record<string, string> = {};
  if (kase.token !== null) headers.authorization = `Bearer ${kase.token}`;
  if (kase.body !== undefined) headers['content-type'] = kase.contentType ?? 'application/json';
  const res = await fetch(`http://127.0.0.1:${PORTS[kase.service]}${kase.path}`, { method: kase.method, headers, body: kase.body });
  if (kase.service !== 'portal') {
    await res.arrayBuffer();
    return res.status;
  }
  // The portal speaks to people: every refusal says why, and a 400 names the field to fix.
  const text = await res.text();
  if (res.status < 400 || res.status >= 500) return res.status;
  const body = (() => {
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  })();
  if (typeof body?.message !== 'string' || body.message.trim() === '') return `${res.status} without a message: ${text.slice(0, 200)}`;
  if (kase.field && !(body.violations ?? []).some((v: { field?: string }) => v.field === kase.field))
    return `${res.status} not naming ${kase.field}: ${text.slice(0, 300)}`;
  return res.status;
}

describe('bad-input suite: generated malformed requests across gRPC and REST', () => {
  const prefix = uniqueDbName('badinput');
  const env = { MONGODB_DB_PREFIX: prefix, INTAKE_GRPC_PORT: String(GRPC_PORT), LOG_LEVEL: 'error' };
  const portalEnv = {
    ...env,
    PORTAL_INTAKE_GRPC: `127.0.0.1:${GRPC_PORT}`,
    PORTAL_ANALYTICS_URL: `http://127.0.0.1:${PORTS.analytics}`,
    PORTAL_REPORTS_PER_IP_PER_HOUR: String(PORTAL_REPORTS_PER_IP),
    PORTAL_LOOKUPS_PER_IP_PER_MINUTE: String(PORTAL_LOOKUPS_PER_IP),
  };
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
      portal: await mongo.db(`${prefix}_portal`).collection('portal_submissions').countDocuments(),
    };
  };

  beforeAll(async () => {
    mongo = await testMongo();
    const started = await startServices(SERVICES.map((s) => [s, PORTS[s], s === 'portal' ? portalEnv : env]));
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

    const wrong = answers
      .filter((a) => !a.kase.expect.includes(a.got as number))
      .map((a) => `${a.kase.name}: got ${a.got}, expected ${a.kase.expect.join(' or ')}`);
    const tally: Record<string, number> = {};
    for (const a of answers) tally[`${a.kase.api} ${a.got}`] = (tally[`${a.kase.api} ${a.got}`] ?? 0) + 1;
    process.stdout.write(`bad-input suite: ${answers.length} malformed requests; answers ${JSON.stringify(tally)}\n`);
    expect(wrong).toEqual([]);

    for (const s of SERVICES) {
      expect(services[s]!.errors()).not.toMatch(/"level":"fatal"/);
      expect((await fetch(`http://127.0.0.1:${PORTS[s]}/health/live`)).status).toBe(200);
    }
    expect(await stored()).toEqual(before);
  });

  it('floods from one IP get 429 with a message and Retry-After, and store nothing past the allowance', async () => {
    const portal = `http://127.0.0.1:${PORTS.portal}`;
    const post = (i: number) =>
      fetch(`${portal}/api/public/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(portalReport({ phone: `+62813${String(5_000_000 + i).padStart(7, '0')}` })),
      });
    const refusedWell = async (res: Response, code: string) => {
      const body = (await res.json()) as { code?: string; message?: unknown };
      return (
        res.status === 429 && body.code === code && typeof body.message === 'string' && body.message.length > 10 && Number(res.headers.get('retry-after')) > 0
      );
    };

    // Reports: the IP's allowance is taken by real reports (stored, as they should be); past it nothing is.
    const allowed = [];
    for (let i = 0; i < PORTAL_REPORTS_PER_IP; i++) allowed.push((await post(i)).status);
    expect(allowed).toEqual(Array(PORTAL_REPORTS_PER_IP).fill(201));
    const before = await stored();
    const flood = await Promise.all(Array.from({ length: 40 }, (_, i) => post(100 + i)));
    expect(await Promise.all(flood.map((res) => refusedWell(res, 'TOO_MANY_REPORTS')))).toEqual(Array(40).fill(true));

    // Look-ups of well-formed codes: answered (404) up to the allowance, then 429.
    const lookups = await Promise.all(
      Array.from({ length: PORTAL_LOOKUPS_PER_IP + 30 }, (_, i) => fetch(`${portal}/api/public/reports/ZZZZZ-${String(10_000 + i).slice(-5)}`)),
    );
    const statuses = lookups.map((r) => r.status);
    expect(statuses.filter((s) => s === 404)).toHaveLength(PORTAL_LOOKUPS_PER_IP);
    const tooMany = lookups.filter((r) => r.status === 429);
    expect(tooMany).toHaveLength(30);
    expect(await Promise.all(tooMany.map((res) => refusedWell(res, 'TOO_MANY_REQUESTS')))).toEqual(Array(30).fill(true));
    await Promise.all(lookups.filter((r) => r.status !== 429).map((r) => r.arrayBuffer()));

    expect(await stored()).toEqual(before);
    expect(services.portal!.errors()).not.toMatch(/"level":"fatal"/);
  });
});
