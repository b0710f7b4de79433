import { backoffDelay, retryWithBackoff } from './retry';

/** A task failing `failures` times, then answering; and the waits it was given. */
function flaky(failures: number) {
  const waits: number[] = [];
  let calls = 0;
  const task = async (n: number) => {
    calls++;
    if (calls <= failures) throw new Error(`failure ${n}`);
    return `answer after ${n}`;
  };
  return { task, waits, wait: async (ms: number) => waits.push(ms), calls: () => calls };
}

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the most', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((f) => backoffDelay(f, { initialMs: 200, maxMs: 5_000 }))).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
    expect(backoffDelay(3, { initialMs: 100, maxMs: 10_000, factor: 3 })).toBe(900);
  });
});

describe('retryWithBackoff', () => {
  it('retries failures with growing waits and answers with the first success', async () => {
    const { task, waits, wait } = flaky(3);
    expect(await retryWithBackoff(task, { attempts: 5, initialMs: 100, maxMs: 300, wait })).toBe('answer after 4');
    expect(waits).toEqual([100, 200, 300]);
  });

  it('throws the last error once the attempts are used up', async () => {
    const { task, wait, calls } = flaky(10);
    await expect(retryWithBackoff(task, { attempts: 3, initialMs: 1, maxMs: 1, wait })).rejects.toThrow('failure 3');
    expect(calls()).toBe(3);
  });

  it('throws at once a failure not worth retrying, and stops when the caller does', async () => {
    const first = flaky(10);
    await expect(retryWithBackoff(first.task, { initialMs: 1, maxMs: 1, wait: first.wait, retryIf: (e) => !String(e).includes('failure 2') })).rejects.toThrow(
      'failure 2',
    );
    let stopping = false;
    const second = flaky(10);
    const onRetry = jest.fn((_e: unknown, n: number) => (stopping = n === 4));
    await expect(retryWithBackoff(second.task, { initialMs: 1, maxMs: 1, wait: second.wait, stopped: () => stopping, onRetry })).rejects.toThrow('failure 4');
    expect(onRetry).toHaveBeenCalledTimes(4);
  });
});

describe('backoffDelay with jitter', () => {
  it('spreads each delay over half to one and a half times itself', () => {
    const delays = Array.from({ length: 200 }, () => backoffDelay(2, { initialMs: 100, maxMs: 1_000, jitter: true }));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...delays)).toBeLessThan(300);
    expect(new Set(delays).size).toBeGreaterThan(1);
  });
});
