import { PipelinedWrites } from './pipelined-writes';

/** A write the test finishes by hand. */
function deferred() {
  let settle!: { resolve: () => void; reject: (e: Error) => void };
  const promise = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  return { promise, ...settle };
}

describe('PipelinedWrites: settled timelines written while the next batches apply', () => {
  const tick = () => new Promise((r) => setImmediate(r));

  function pipeline(ahead = 2) {
    const writes: ReturnType<typeof deferred>[] = [];
    const written: [string, string][][] = [];
    const failures: string[] = [];
    const w = new PipelinedWrites(
      () => {
        writes.push(deferred());
        return writes[writes.length - 1].promise;
      },
      (positions) => written.push(positions),
      (e) => failures.push(e.message),
      { initialMs: 1, maxMs: 1, attempts: 2 },
      ahead,
    );
    return { w, writes, written, failures };
  }

  it('keeps one write in flight, lets batches apply meanwhile until `ahead` wait, and moves a position only when its write is done', async () => {
    const { w, writes, written } = pipeline(2);
    await w.afterBatch('t/0', '10');
    expect(writes).toHaveLength(1);
    await w.afterBatch('t/1', '5'); // returns at once: one batch waits for a write
    let third = false;
    const batch3 = w.afterBatch('t/0', '20').then(() => (third = true));
    await tick();
    expect(third).toBe(false); // two wait: the database is that far behind
    expect(writes).toHaveLength(1);
    expect(written).toEqual([]);
    writes[0].resolve();
    await batch3; // the write before is done, and the next, covering both batches, started at once
    expect(written).toEqual([[['t/0', '10']]]);
    expect(writes).toHaveLength(2);
    writes[1].resolve();
    await w.drain();
    expect(written[1]).toEqual([
      ['t/0', '20'],
      ['t/1', '5'],
    ]);
    expect(writes).toHaveLength(2); // nothing came meanwhile: no write more
  });

  it('retries a failed write; when it keeps failing the next batch throws, and the write after covers both batches', async () => {
    const { w, writes, written, failures } = pipeline();
    await w.afterBatch('t/0', '10');
    writes[0].reject(new Error('database gone'));
    while (writes.length < 2) await new Promise((r) => setTimeout(r, 1)); // retried after its back-off
    writes[1].reject(new Error('database gone')); // the second and last attempt
    await tick();
    await expect(w.afterBatch('t/1', '5')).rejects.toThrow('database gone');
    expect(failures).toEqual(['database gone']);
    expect(written).toEqual([]); // no position moved past what is not in the database
    await w.afterBatch('t/1', '5'); // kafkajs hands the batch again
    writes[2].resolve();
    await w.drain();
    expect(written).toEqual([
      [
        ['t/0', '10'],
        ['t/1', '5'],
      ],
    ]);
  });
});
