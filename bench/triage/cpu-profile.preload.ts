/**
 * Preloaded into a service by `triage.bench --cpu-prof DIR` (NODE_OPTIONS=--require …, because
 * node refuses --cpu-prof in NODE_OPTIONS): samples the CPU from start to exit and writes
 * DIR/<service>-<pid>.cpuprofile (open it in Chrome DevTools or speedscope). A diagnosis only.
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
  let written = false;
  // The in-process session answers synchronously, so this runs to the end inside 'exit' too.
  const write = () => {
    if (written) return;
    written = true;
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(path.join(dir, `${service}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  process.on('exit', write);
  // Nest's shutdown hook closes the app on SIGTERM and then re-raises the signal, which would end
  // the process without 'exit': the second SIGTERM is the service's own, after its clean close.
  let terms = 0;
  process.on('SIGTERM', () => {
    if (++terms < 2) return;
    write();
    process.exit(0);
  });
}
