import { InFlightSubmissions, MAX_RETRY_AFTER_MS, MIN_RETRY_AFTER_MS, shedMessage } from './in-flight';

const admitted = (entry: ReturnType<InFlightSubmissions['enter']>) => {
  if (!('release' in entry)) throw new Error(`shed: ${JSON.stringify(entry.shed)}`);
  return entry.release;
};

describe('submissions in flight', () => {
  it('sheds past the bound of one connection without touching the others', () => {
    const limits = new InFlightSubmissions({ perConnection: 2, perProcess: 10 });
    const a1 = admitted(limits.enter('a', 0));
    admitted(limits.enter('a', 0));
    expect(limits.enter('a', 0)).toEqual({ shed: { scope: 'connection', limit: 2, retryAfterMs: MIN_RETRY_AFTER_MS } });
    admitted(limits.enter('b', 0));
    a1(10);
    admitted(limits.enter('a', 10));
  });

  it('sheds past the bound of the process whatever the connection', () => {
    const limits = new InFlightSubmissions({ perConnection: 5, perProcess: 3 });
    const held = ['a', 'b', 'c'].map((c) => admitted(limits.enter(c, 0)));
    expect(limits.enter('d', 0)).toMatchObject({ shed: { scope: 'process', limit: 3 } });
    for (const release of held) release(5);
    expect(limits.inFlight).toBe(0);
    admitted(limits.enter('d', 5));
  });

  it('counts a release once, however often it is called', () => {
    const limits = new InFlightSubmissions({ perConnection: 5, perProcess: 5 });
    const one = admitted(limits.enter('a', 0));
    limits.enter('a', 0);
    one(1);
    one(2);
    expect(limits.inFlight).toBe(1);
  });

  it('asks a shed caller to wait about as long as answers take now: longer while the database hangs, within bounds', () => {
    const limits = new InFlightSubmissions({ perConnection: 1, perProcess: 10 });
    admitted(limits.enter('a', 0)); // held: the database does not answer
    const shed = (now: number) => (limits.enter('a', now) as { shed: { retryAfterMs: number } }).shed.retryAfterMs;
    expect(shed(50)).toBe(MIN_RETRY_AFTER_MS);
    expect(shed(4_000)).toBe(4_000);
    expect(shed(60_000)).toBe(MAX_RETRY_AFTER_MS);
  });

  it('tells the caller when and how to retry', () => {
    expect(shedMessage({ scope: 'process', limit: 1000, retryAfterMs: 300 })).toBe(
      'intake is at its limit of 1000 submissions in flight; retry in 300 ms with the same external_id',
    );
  });
});
