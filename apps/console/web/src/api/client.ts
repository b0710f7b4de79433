import { analyticsClient, dispatchClient, triageClient, type Middleware } from '@callcenter/api-client';

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

const options = { credentials: 'same-origin', middleware: [session] } as const;

/** The shared typed client (libs/api-client, from each service's OpenAPI document) through the console's proxy. */
export const triage = triageClient('/api/triage', options);
export const dispatch = dispatchClient('/api/dispatch', options);
export const analytics = analyticsClient('/api/analytics', options);

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
