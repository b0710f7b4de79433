/**
 * The one typed REST client of triage, dispatch and analytics: openapi-fetch over the types
 * openapi-typescript generates at build from each service's committed OpenAPI document
 * (src/generated; `npm run openapi` re-exports the documents, and a unit test fails when they are stale). Used by the
 * console's browser app, the simulator, the tests and the benches. Browser-safe: no Node imports.
 */
import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components as AnalyticsComponents, paths as AnalyticsPaths } from './generated/analytics';
import type { components as DispatchComponents, paths as DispatchPaths } from './generated/dispatch';
import type { components as TriageComponents, paths as TriagePaths } from './generated/triage';

export type { Client, Middleware } from 'openapi-fetch';
export type { AnalyticsPaths, DispatchPaths, TriagePaths };
/** The request and response bodies each service documents, by schema name. */
export type TriageSchemas = TriageComponents['schemas'];
export type DispatchSchemas = DispatchComponents['schemas'];
export type AnalyticsSchemas = AnalyticsComponents['schemas'];

export type TriageClient = Client<TriagePaths>;
export type DispatchClient = Client<DispatchPaths>;
export type AnalyticsClient = Client<AnalyticsPaths>;

export interface ApiClientOptions {
  /** A bearer token (or a function giving the current one) sent on every request; people's browsers use their session cookie instead. */
  token?: string | (() => string);
  /** Headers sent on every request. */
  headers?: Record<string, string>;
  credentials?: ClientOptions['credentials'];
  /** Abort a request that takes longer (the answer is then a thrown TimeoutError). */
  timeoutMs?: number;
  middleware?: readonly Middleware[];
  fetch?: ClientOptions['fetch'];
}

/** A typed client of one service at `baseUrl` (e.g. `http://127.0.0.1:3002`, or the console's `/api/triage`). */
export function apiClient<Paths extends {}>(baseUrl: string, options: ApiClientOptions = {}): Client<Paths> {
  const { token, headers, credentials, timeoutMs, middleware = [], fetch } = options;
  const client = createClient<Paths>({ baseUrl, headers, credentials, fetch });
  if (token !== undefined || timeoutMs !== undefined)
    client.use({
      onRequest({ request }) {
        if (token !== undefined) request.headers.set('authorization', `Bearer ${typeof token === 'function' ? token() : token}`);
        return timeoutMs === undefined ? request : new Request(request, { signal: AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]) });
      },
    });
  for (const m of middleware) client.use(m);
  return client;
}

export const triageClient = (baseUrl: string, options?: ApiClientOptions): TriageClient => apiClient<TriagePaths>(baseUrl, options);
export const dispatchClient = (baseUrl: string, options?: ApiClientOptions): DispatchClient => apiClient<DispatchPaths>(baseUrl, options);
export const analyticsClient = (baseUrl: string, options?: ApiClientOptions): AnalyticsClient => apiClient<AnalyticsPaths>(baseUrl, options);

/**
 * The error body every service answers with (libs/platform's HttpErrorsFilter): a stable `code`
 * (VALIDATION_FAILED, NOT_FOUND, ILLEGAL_STATE, CONCURRENCY_CONFLICT, ALREADY_EXISTS), the field
 * violations of a 400, the business `rule` of an ILLEGAL_STATE 409.
 */
export interface ApiErrorBody {
  code?: string;
  message?: string;
  rule?: string;
  violations?: { field: string; message: string }[];
  [detail: string]: unknown;
}

/** Thrown by `ok`: the status and error body of a refused call. */
export class ApiCallFailed extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
    what: string,
  ) {
    super(`${what} answered ${status}${body.code ? ` ${body.code}` : ''}${body.rule ? ` ${body.rule}` : ''}: ${body.message ?? ''}`);
    this.name = 'ApiCallFailed';
  }
}

/** The typed body of a successful call, or ApiCallFailed with the status and error body. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    const body = typeof error === 'object' && error ? (error as ApiErrorBody) : { message: String(error ?? '') };
    throw new ApiCallFailed(response.status, body, `${response.url ? new URL(response.url).pathname : 'the call'}`);
  }
  return data as T;
}
