import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { analyticsClient, dispatchClient, triageClient } from '@callcenter/api-client';
import { INTAKE_PROTO_PATH, IntakeGrpc, Priority, Role } from '@callcenter/contracts';
import { EventEnvelope, ReportForwardedForDispatch, ReportForwardedForDispatchV1 } from '@callcenter/events';
import { envelopeOf, forwardedData, SAMPLE_REPORTER } from './envelopes';
import { mintDevelopmentToken, PlatformConfig } from '@callcenter/platform';
import { ConditionFailed, eventually, uniqueName } from './index';

const definition = loadSync(INTAKE_PROTO_PATH, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
const ReportIntake = (grpc.loadPackageDefinition(definition) as unknown as IntakeGrpc.ProtoGrpcType).callcenter.intake.v1.ReportIntake;

export const MOBILE_APP_KEY = 'dev-key-mobile-app-0001';

/** A gRPC client of intake as a calling system uses it (snake_case fields, as on the wire), with the channel's options. */
export function intakeClient(port: number, options: grpc.ChannelOptions = {}): IntakeGrpc.ReportIntakeClient {
  return new ReportIntake(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), options);
}

export function intakeMetadata(key: string | null = MOBILE_APP_KEY, correlationId?: string): grpc.Metadata {
  const m = new grpc.Metadata();
  if (key) m.set('x-api-key', key);
  if (correlationId) m.set('x-correlation-id', correlationId);
  return m;
}

export function grpcCall<T>(client: any, method: string, request: unknown, metadata = intakeMetadata()): Promise<T> {
  return new Promise((ok, fail) => client[method](request, metadata, (err: grpc.ServiceError | null, res: T) => (err ? fail(err) : ok(res))));
}

/**
 * When sample reports happened: fixed for the test process, so that sending the same external id
 * twice sends the same content (intake refuses a reused external id with other content).
 */
const SAMPLE_OCCURRED_AT = { seconds: String(Math.floor(Date.now() / 1000) - 120), nanos: 0 };

/** A plausible report from the mobile app; override what a test is about. */
export function sampleReport(overrides: Record<string, unknown> = {}) {
  return {
    source_system: 'mobile-app',
    external_id: uniqueName('ext'),
    channel: 'MOBILE_APP',
    reporter: { ...SAMPLE_REPORTER },
    category_hint: 'KEBAKARAN',
    description: 'Kebakaran rumah di Jl. Dago 120, asap tebal, satu orang terluka',
    location: { latitude: -6.8847, longitude: 107.6131, address: 'Jl. Dago 120', district: 'Coblong' },
    occurred_at: SAMPLE_OCCURRED_AT,
    people_injured: 1,
    people_involved: 3,
    ...overrides,
  };
}

/** A report as the portal's form sends it (the portal's field names, not intake's); override what a test is about. */
export function portalReport(overrides: Record<string, unknown> = {}) {
  return {
    idempotencyKey: randomUUID(),
    category: 'KEBAKARAN',
    description: 'Gudang kayu terbakar di belakang pasar, api membesar',
    location: { district: 'SETIABUDI', address: 'Jl. Setiabudi Tengah 3' },
    peopleInjured: 0,
    anonymous: false,
    name: 'Rina Marlina',
    phone: '+6281311112222',
    ...overrides,
  };
}

/** A token as the services' development secret signs it (tests run with NODE_ENV=test DEV_AUTH=1). */
export function testToken(sub: string, roles: Role[], secret = new PlatformConfig().AUTH_JWT_SECRET): string {
  return mintDevelopmentToken({ NODE_ENV: 'test', DEV_AUTH: true, HTTP_HOST: '127.0.0.1', AUTH_JWT_SECRET: secret }, { sub, roles, ttlSeconds: 3_600 });
}

export interface HttpAnswer<T = any> {
  status: number;
  body: T;
}

/**
 * The shared typed REST client (libs/api-client, generated from the services' OpenAPI documents) of
 * a service a test started on `port`, with a token: typed paths, parameters, bodies and answers.
 */
export const triageApi = (port: number, token?: string) => triageClient(`http://127.0.0.1:${port}`, { token });
export const dispatchApi = (port: number, token?: string) => dispatchClient(`http://127.0.0.1:${port}`, { token });
export const analyticsApi = (port: number, token?: string) => analyticsClient(`http://127.0.0.1:${port}`, { token });

/**
 * Untyped JSON over HTTP: for what the typed clients cannot send (malformed bodies, unknown fields,
 * paths outside the contract, raw headers) and for routes outside the OpenAPI documents.
 */
export function restClient(baseUrl: string, token?: string) {
  const request = async <T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer<T>> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed as T };
  };
  return {
    get: <T = any>(path: string, headers?: Record<string, string>) => request<T>('GET', path, undefined, headers),
    post: <T = any>(path: string, body: unknown = {}, headers?: Record<string, string>) => request<T>('POST', path, body, headers),
    patch: <T = any>(path: string, body: unknown = {}, headers?: Record<string, string>) => request<T>('PATCH', path, body, headers),
  };
}

/**
 * Which of `reportIds` triage's queue (`GET /api/v1/queue`, paged by offset) has not shown within
 * `timeoutMs`: it pages through the whole queue again until it has seen each. One pass is not
 * enough, because the list moves while it is read: a case that leaves it ahead of the page being
 * read shifts the next page by one, and on the test broker that happens all the time (the queue
 * follows the shared topic, so it holds other suites' cases, which its overdue timer drops as
 * unknown to this run's event store).
 */
export async function missingFromQueue(operator: ReturnType<typeof restClient>, reportIds: string[], timeoutMs = 30_000): Promise<string[]> {
  const unseen = new Set(reportIds);
  const scan = async () => {
    for (let offset = 0; unseen.size > 0; offset += 200) {
      const page = await operator.get(`/api/v1/queue?limit=200&offset=${offset}`);
      if (page.status !== 200) throw new Error(`GET /api/v1/queue answered ${page.status}: ${JSON.stringify(page.body)}`);
      for (const item of page.body.items as { reportId: string }[]) unseen.delete(item.reportId);
      if (page.body.items.length < 200) break;
    }
    return [...unseen];
  };
  // Time up: the ids never seen. Any other failure (the queue answering an error) is thrown as it is.
  return eventually(scan, (missing) => missing.length === 0, timeoutMs, 1_000).catch((e) => {
    if (e instanceof ConditionFailed) return [...unseen];
    throw e;
  });
}

/** A report forward to dispatch as triage publishes it on its topic (for dispatch tests that skip intake and triage). */
export function reportForwarded(
  priority: Priority,
  where: { latitude: number; longitude: number },
  data: Partial<Pick<ReportForwardedForDispatchV1, 'category' | 'description' | 'district' | 'peopleInjured'>> & { address?: string } = {},
): EventEnvelope {
  const reportId = randomUUID();
  const now = new Date();
  const { address = 'Jl. Tebet Barat', ...rest } = data;
  return envelopeOf(
    ReportForwardedForDispatch,
    forwardedData({
      reportId,
      trackingCode: 'K7Q2M-94XHD',
      channel: 'HOTLINE',
      receivedAt: now.toISOString(),
      category: 'KEBAKARAN',
      priority,
      location: { ...where, address },
      description: 'Kebakaran gudang',
      peopleInvolved: 2,
      ...rest,
    }),
    { streamId: reportId, streamVersion: 4, producer: 'triage', actor: 'op-budi', at: now, correlationId: uniqueName('corr') },
  );
}
