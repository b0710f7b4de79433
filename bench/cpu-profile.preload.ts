// `--cpu-prof DIR` of the benches (harness.ts's CpuProfiles loads this with NODE_OPTIONS=--require: node refuses --cpu-prof there): samples the CPU
// from start; each SIGWINCH writes DIR/<service>-<pid>-<n>.cpuprofile (what was sampled since the previous cut) and starts anew; the rest at exit.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import * as path from 'node:path';

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const service = /apps[\\/]([^\\/]+)[\\/]/.exec(process.argv[1] ?? '')?.[1] ?? 'node';
  const session = new Session();
  session.connect();
  for (const [method, params] of [['Profiler.enable'], ['Profiler.setSamplingInterval', { interval: 1000 }], ['Profiler.start']] as const)
    session.post(method, params);
  let [part, done] = [0, false];
  // The in-process session answers synchronously, so this completes inside 'exit' too.
  const cut = (restart: boolean) => {
    if (done) return;
    session.post('Profiler.stop', (e, r) => e || writeFileSync(path.join(dir, `${service}-${process.pid}-${++part}.cpuprofile`), JSON.stringify(r.profile)));
    if (restart) session.post('Profiler.start');
    else done = true;
  };
  // SIGWINCH: Nest's shutdown hooks close the app on SIGUSR2 (SIGUSR1 starts the inspector); its default is to ignore.
  process.on('SIGWINCH', () => cut(true)).on('exit', () => cut(false));
  // Nest closes the app on SIGTERM and re-raises it, which ends the process without 'exit': the second is the service's own.
  let terms = 0;
  process.on('SIGTERM', () => ++terms >= 2 && (cut(false), process.exit(0)));
}
