import { InFlightSubmissions, shedMessage } from './in-flight';

describe('submissions in flight', () => {
  it('sheds past the bound of one connection without touching the others', () => {
    const limits = new InFlightSubmissions({ perConnection: 2, perProcess: 10 });
    const a1 = limits.enter('a');
    const a2 = limits.enter('a');
    expect(limits.enter('a')).toEqual({ shed: { scope: 'connection', limit: 2 } });
    expect('release' in limits.enter('b')).toBe(true);
    if ('release' in a1) a1.release();
    expect('release' in limits.enter('a')).toBe(true);
    expect('release' in a2).toBe(true);
  });

  it('sheds past the bound of the process whatever the connection', () => {
    const limits = new InFlightSubmissions({ perConnection: 5, perProcess: 3 });
    const held = ['a', 'b', 'c'].map((c) => limits.enter(c));
    expect(limits.enter('d')).toEqual({ shed: { scope: 'process', limit: 3 } });
    for (const h of held) if ('release' in h) h.release();
    expect(limits.inFlight).toBe(0);
    expect('release' in limits.enter('d')).toBe(true);
  });

  it('counts a release once, however often it is called', () => {
    const limits = new InFlightSubmissions({ perConnection: 5, perProcess: 5 });
    const one = limits.enter('a');
    limits.enter('a');
    if ('release' in one) {
      one.release();
      one.release();
    }
    expect(limits.inFlight).toBe(1);
  });

  it('tells the caller to retry with the same external id', () => {
    expect(shedMessage({ scope: 'process', limit: 1000 })).toMatch(/limit of 1000 .*retry .*same external_id/);
  });
});
