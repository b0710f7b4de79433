import { analyticsClient, type ApiErrorBody, dispatchClient, triageClient } from '@callcenter/api-client';
import type { Role } from '@callcenter/contracts';
import { mintDevelopmentToken, PlatformConfig } from '@callcenter/platform';

/** A bearer token as the services' development secret signs it (they must run with NODE_ENV development or test and DEV_AUTH=1). */
export function devToken(sub: string, roles: Role[], secret = process.env.AUTH_JWT_SECRET ?? new PlatformConfig().AUTH_JWT_SECRET): string {
  return mintDevelopmentToken(
    { NODE_ENV: 'development', DEV_AUTH: true, HTTP_HOST: '127.0.0.1', AUTH_JWT_SECRET: secret },
    { sub, roles, ttlSeconds: 12 * 3_600 },
  );
}

/**
 * The bots' clients: the shared typed REST client (libs/api-client) with a person's token. A call
 * taking longer than `timeoutMs` is abandoned (`answer` gives it status 0).
 */
export const triageAs = (baseUrl: string, token?: string, timeoutMs = 15_000) => triageClient(baseUrl, { token, timeoutMs });
export const dispatchAs = (baseUrl: string, token?: string, timeoutMs = 15_000) => dispatchClient(baseUrl, { token, timeoutMs });
export const analyticsAs = (baseUrl: string, token?: string, timeoutMs = 15_000) => analyticsClient(baseUrl, { token, timeoutMs });
export type Triage = ReturnType<typeof triageAs>;
export type Dispatch = ReturnType<typeof dispatchAs>;

/** A typed call as the bots read it: `ok` with the documented body, or the status and error body. */
export type Answer<T> = { ok: true; status: number; body: T } | { ok: false; status: number; body: ApiErrorBody };

/**
 * The answer of an openapi-fetch call. A network failure or a timeout answers status 0 (the caller
 * decides whether that is worth a problem in the ledger).
 */
export async function answer<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<Answer<T>> {
  try {
    const { data, error, response } = await call;
    if (response.ok) return { ok: true, status: response.status, body: data as T };
    return { ok: false, status: response.status, body: typeof error === 'object' && error ? (error as ApiErrorBody) : { message: String(error ?? '') } };
  } catch (e) {
    return { ok: false, status: 0, body: { message: (e as Error).message } };
  }
}

/** `409 CASE_ALREADY_CLAIMED`, `400 …`: a short description of a refusal for the ledger. */
export function describe(answer: { status: number; body: unknown }): string {
  const b = (answer.body ?? {}) as ApiErrorBody;
  const detail = [b.code, b.rule, b.message].filter((x) => typeof x === 'string').join(' ');
  return `${answer.status}${detail ? ` ${detail}` : ''}`.slice(0, 300);
}
