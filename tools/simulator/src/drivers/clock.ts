import { setMaxListeners } from 'node:events';

/**
 * Simulated time: `speed` simulated milliseconds pass per real millisecond, from `start` at the
 * moment the clock was made. Sleeps end early when the run is stopped.
 */
export class SimClock {
  private readonly realStart = performance.now();

  constructor(
    readonly startMs: number,
    readonly speed: number,
    private readonly signal: AbortSignal,
  ) {
    if (!(speed > 0)) throw new Error('speed must be above 0');
    // Every bot sleeps on this signal at once.
    setMaxListeners(0, signal);
  }

  /** The simulated now, ms since the epoch. */
  now(): number {
    return this.startMs + (performance.now() - this.realStart) * this.speed;
  }

  /** Real milliseconds since the clock started. */
  realElapsed(): number {
    return performance.now() - this.realStart;
  }

  get stopped(): boolean {
    return this.signal.aborted;
  }

  /** Sleeps `simMs` simulated milliseconds (at least `minRealMs` real ones); false if the run stopped meanwhile. */
  sleepSim(simMs: number, minRealMs = 0): Promise<boolean> {
    return this.sleepReal(Math.max(minRealMs, simMs / this.speed));
  }

  /** Sleeps until the simulated instant; false if the run stopped meanwhile. */
  sleepUntil(simAtMs: number): Promise<boolean> {
    return this.sleepReal((simAtMs - this.now()) / this.speed);
  }

  sleepReal(realMs: number): Promise<boolean> {
    if (this.signal.aborted) return Promise.resolve(false);
    if (realMs <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', onAbort);
        resolve(ok);
      };
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(true), realMs);
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
