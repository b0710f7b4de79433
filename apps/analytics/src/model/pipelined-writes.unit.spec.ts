import { PipelinedWrites } from './pipelined-writes';

/** A write the test finishes by hand. */
function deferred() {
  let settle!: { resolve: () => void; reject: (e: Error) => void };
  const promise = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  return { promise, ...settle };
}

describe('PipelinedWrites: settled timelines written while the next batch applies', () => {
  const tick = () => new Promise((r) => setImmediate(r));

  function pipeline() {
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
    );
    return { w, writes, written, failures };
  }

  it('returns once the write is started, moves a position only when its write is done, and keeps one write in flight', async () => {
    const { w, writes, written } = pipeline();
    await w.afterBatch('t/0', '10');
    expect(writes).toHaveLength(1);
    expect(written).toEqual([]);
    let second = false;
    const batch2 = w.afterBatch('t/1', '5').then(() => (second = true));
    await tick();
    expect(second).toBe(false); // waits for the write before
    expect(writes).toHaveLength(1);
    writes[0].resolve();
    await batch2;
    expect(written).toEqual([[['t/0', '10']]]);
    expect(writes).toHaveLength(2);
    writes[1].resolve();
    await w.drain();
    expect(written[1]).toEqual([
      ['t/0', '10'],
      ['t/1', '5'],
    ]);
  });

  it('retries a failed write; when it keeps failing the next batch throws, and the write after covers both batches', async () => {
    const { w, writes, written, failures } = pipeline();
    await w.afterBatch('t/0', '10');
    writes[0].reject(new Error('database gone'));
    while (writes.length < 2) await new Promise((r) => setTimeout(r, 1)); // retried after its back-off
    writes[1].reject(new Error('database gone')); // the second and last attempt
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
