/**
 * Preloaded into a service by the analytics, dispatch and triage benches' `--cpu-prof DIR` (see
 * cpuProfileEnv in harness.ts; NODE_OPTIONS=--require …, because node refuses --cpu-prof in NODE_OPTIONS). Samples the CPU from start; every SIGWINCH writes what was
 * sampled since the previous cut to DIR/<service>-<pid>-<n>.cpuprofile and starts a new one, so the
 * bench can cut the profile at its phase boundaries; the rest is written at exit. A diagnosis only.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import * as path from 'node:path';

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const service = /apps[\\/]([^\\/]+)[\\/]/.exec(process.argv[1] ?? '')?.[1] ?? 'node';
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  let part = 0;
  let done = false;
  // The in-process session answers synchronously, so this completes inside 'exit' too.
  const cut = (restart: boolean) => {
    if (done) return;
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(path.join(dir, `${service}-${process.pid}-${++part}.cpuprofile`), JSON.stringify(result.profile));
    });
    if (restart) session.post('Profiler.start');
    else done = true;
  };
  // SIGWINCH, because Nest's enableShutdownHooks() closes the app on SIGUSR2 (and SIGUSR1 starts the
  // inspector); its default action is to ignore, so a stray one harms nothing.
  process.on('SIGWINCH', () => cut(true));
  process.on('exit', () => cut(false));
  // Nest's shutdown hook closes the app on SIGTERM and re-raises the signal, which would end the
  // process without 'exit': the second SIGTERM is the service's own, after its clean close.
  let terms = 0;
  process.on('SIGTERM', () => {
    if (++terms < 2) return;
    cut(false);
    process.exit(0);
  });
}
