import { ConditionFailed, eventually, holdsFor } from './index';

describe('waiting in tests', () => {
  it('eventually returns the first value that passes', async () => {
    let n = 0;
    await expect(
      eventually(
        async () => ++n,
        (v) => v === 3,
        1_000,
        1,
      ),
    ).resolves.toBe(3);
  });

  it('eventually fails when the time is up, naming what it awaited and the last value, abbreviated', async () => {
    const failed = await eventually(
      async () => ({ status: 404, body: 'x'.repeat(2_000) }),
      (r) => r.status === 200,
      50,
      10,
    ).catch((e) => e);
    expect(failed).toBeInstanceOf(ConditionFailed);
    expect(failed.message).toMatch(
      /^eventually: \(r\) ?=> ?r\.status === 200 did not hold within 50 ms; last value: \{"status":404,"body":"x+… \(\d+ chars\)$/,
    );
    expect(failed.message.length).toBeLessThan(700);
    expect(failed.last.status).toBe(404);
  });

  it('holdsFor keeps checking for the whole time and fails as soon as the thing that must not happen does', async () => {
    const started = Date.now();
    await expect(
      holdsFor(
        async () => 1,
        (v) => v === 1,
        120,
        10,
      ),
    ).resolves.toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(120);
    let n = 0;
    const failed = await holdsFor(
      async () => ++n,
      (v) => v < 3,
      5_000,
      1,
    ).catch((e) => e);
    expect(failed).toBeInstanceOf(ConditionFailed);
    expect(failed.message).toMatch(/^holdsFor: \(v\) ?=> ?v < 3 stopped holding within 5000 ms; value: 3$/);
  });
});
