import { setTimeout as sleep } from 'node:timers/promises';

/** Exponential back-off: `initialMs` after the first failure, times `factor` after each further one, at most `maxMs`. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
  /** 2 unless given. */
  factor?: number;
  /** Spreads each delay over 0.5–1.5 times itself, so many clients failing together do not retry together. */
  jitter?: boolean;
}

/** How long to wait after the `failures`-th failure in a row (1 for the first). */
export function backoffDelay(failures: number, backoff: Backoff): number {
  const delay = Math.min(backoff.maxMs, backoff.initialMs * (backoff.factor ?? 2) ** Math.max(0, failures - 1));
  return backoff.jitter ? delay * (0.5 + Math.random()) : delay;
}

export interface RetryOptions extends Backoff {
  /** Attempts in all, the first included; without it, until success or `stopped`. */
  attempts?: number;
  /** Whether a failure is worth another attempt (every failure unless given); if not, it is thrown at once. */
  retryIf?: (error: unknown, attempt: number) => boolean;
  /** Told of each failure that will be retried, before the wait (for the logs). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Checked after each failure and after each wait: once true (the service is stopping), the last error is thrown. */
  stopped?: () => boolean;
  /** The wait; tests pass their own. */
  wait?: (ms: number) => Promise<unknown>;
}

/**
 * Runs `attempt` until it succeeds, waiting with exponential back-off between failures; throws the
 * last error when the attempts are used up, the failure is not retryable or the caller stops.
 * The one retry loop of the code base (connections at start, broker requests, background starts).
 */
export async function retryWithBackoff<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = options.attempts ?? Number.POSITIVE_INFINITY;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (n >= attempts || options.stopped?.() || (options.retryIf && !options.retryIf(e, n))) throw e;
      const delay = backoffDelay(n, options);
      options.onRetry?.(e, n, delay);
      await (options.wait ?? sleep)(delay);
      if (options.stopped?.()) throw e;
    }
  }
}
