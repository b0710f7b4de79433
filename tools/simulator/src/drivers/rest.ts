import type { Role } from '@callcenter/contracts';
import { mintDevelopmentToken, PlatformConfig } from '@callcenter/platform';

export interface Answer<T = any> {
  status: number;
  body: T;
}

/** A bearer token as the services' development secret signs it (they must run with NODE_ENV development or test and DEV_AUTH=1). */
export function devToken(sub: string, roles: Role[], secret = process.env.AUTH_JWT_SECRET ?? new PlatformConfig().AUTH_JWT_SECRET): string {
  return mintDevelopmentToken(
    { NODE_ENV: 'development', DEV_AUTH: true, HTTP_HOST: '127.0.0.1', AUTH_JWT_SECRET: secret },
    { sub, roles, ttlSeconds: 12 * 3_600 },
  );
}

/**
 * JSON over HTTP as an operator's, dispatcher's or unit's client sends it. A network failure or a
 * timeout answers status 0 (the caller decides whether that is worth a problem in the ledger).
 */
export class Rest {
  constructor(
    private readonly baseUrl: string,
    private readonly token?: string,
    private readonly timeoutMs = 15_000,
  ) {}

  get<T = any>(path: string): Promise<Answer<T>> {
    return this.request<T>('GET', path);
  }

  post<T = any>(path: string, body: unknown = {}): Promise<Answer<T>> {
    return this.request<T>('POST', path, body);
  }

  patch<T = any>(path: string, body: unknown = {}): Promise<Answer<T>> {
    return this.request<T>('PATCH', path, body);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    try {
      const res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed as T };
    } catch (e) {
      return { status: 0, body: { message: (e as Error).message } as T };
    }
  }
}

/** `409 CASE_ALREADY_CLAIMED`, `400 …`: a short description of a refusal for the ledger. */
export function describe(answer: Answer): string {
  const b = answer.body ?? {};
  const detail = [b.code, b.rule, b.message].filter((x) => typeof x === 'string').join(' ');
  return `${answer.status}${detail ? ` ${detail}` : ''}`.slice(0, 300);
}
