import createClient, { Middleware } from 'openapi-fetch';
import type { paths as AnalyticsPaths } from './analytics';
import type { paths as DispatchPaths } from './dispatch';
import type { paths as TriagePaths } from './triage';

let csrfToken = '';
export const setCsrfToken = (token: string) => (csrfToken = token);

/** The person's session: sent by cookie; every change carries the session's CSRF token. */
const session: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD') request.headers.set('x-csrf-token', csrfToken);
    request.headers.set('x-correlation-id', crypto.randomUUID());
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) signIn();
    return response;
  },
};

function client<Paths extends {}>(backend: string) {
  const c = createClient<Paths>({ baseUrl: `/api/${backend}`, credentials: 'same-origin' });
  c.use(session);
  return c;
}

/** Typed from each service's OpenAPI document (npm run openapi regenerates them). */
export const triage = client<TriagePaths>('triage');
export const dispatch = client<DispatchPaths>('dispatch');
export const analytics = client<AnalyticsPaths>('analytics');

export function signIn(): void {
  const returnTo = location.pathname + location.search;
  location.assign(`/auth/login?returnTo=${encodeURIComponent(returnTo)}&lang=${localStorage.getItem('cc.lang') === 'en' ? 'en' : 'id'}`);
}

/** The error body every service answers with (libs/platform's HttpErrorsFilter). */
export interface ApiError {
  status: number;
  code?: string;
  message?: string;
  rule?: string;
  violations?: { field: string; message: string }[];
  service?: string;
  state?: {
    status?: string;
    claim?: { operatorId: string; operatorName?: string | null; claimedAt?: string; leaseExpiresAt: string } | null;
    version?: number;
  };
}

/** Throws the error body with its status, so screens can explain it in words. */
export async function answer<T>(call: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw { status: response.status, ...(typeof error === 'object' && error ? error : { message: String(error ?? '') }) } as ApiError;
  return data as T;
}
