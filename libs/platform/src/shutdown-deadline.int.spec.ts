import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * A service whose shutdown hooks never finish (a consumer waiting for a broker that is gone) must
 * still exit after SHUTDOWN_TIMEOUT_MS, saying what was open, instead of hanging its stop for ever.
 * Runs the built platform (dist/) in a child process, like the e2e tests run services.
 */
describe('exitIfStopHangs', () => {
  const bootstrap = path.resolve(__dirname, '../../../dist/libs/platform/src/bootstrap.js');

  function serviceThatHangsOnStop(timeoutMs: number) {
    const script = `
      const { exitIfStopHangs } = require(${JSON.stringify(bootstrap)});
      exitIfStopHangs('hanging', ${timeoutMs});
      // Stands in for Nest's shutdown hook: it takes the signal and waits for a stop that never comes.
      process.on('SIGTERM', () => setInterval(() => undefined, 1_000));
      setInterval(() => undefined, 1_000);
      process.stdout.write('ready\\n');`;
    return spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  it('exits with 1 and names what was still open when the stop takes longer than the deadline', async () => {
    const child = serviceThatHangsOnStop(500);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
    const started = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stderr).toContain('hanging did not stop within 500 ms of SIGTERM; exiting. Still open:');
    expect(stderr).toContain('Timeout');
  });

  it('does not keep a service alive that stops in time', async () => {
    const script = `
      const { exitIfStopHangs } = require(${JSON.stringify(bootstrap)});
      exitIfStopHangs('quick', 60_000);
      const keepAlive = setInterval(() => undefined, 1_000);
      process.on('SIGTERM', () => clearInterval(keepAlive));
      process.stdout.write('ready\\n');`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
    const started = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
