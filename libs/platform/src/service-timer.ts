import { Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';

/** Commands per tick, so a backlog of timers cannot crowd out people's commands. */
const MAX_COMMANDS_PER_TICK = 200;

/**
 * A service's timers: every `intervalMs` the subclass says what is due, and each due command runs
 * (at most 200 a tick; a failure is logged and the next tick tries again). Ticks never overlap, and
 * shutdown waits for the one in progress. Timer commands must be no-ops when fired late, twice, or
 * on two instances at once: the deciders' rules make them so.
 */
export abstract class ServiceTimer implements OnApplicationBootstrap, OnModuleDestroy {
  protected readonly logger = new Logger(this.constructor.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  protected constructor(private readonly intervalMs: number) {}

  /** The commands due at `now`, most pressing first. */
  protected abstract due(now: Date): (() => Promise<unknown>)[];

  onApplicationBootstrap() {
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => (this.running = undefined));
    }, this.intervalMs);
  }

  async onModuleDestroy() {
    clearInterval(this.timer);
    await this.running;
  }

  async tick(now = new Date()): Promise<void> {
    for (const run of this.due(now).slice(0, MAX_COMMANDS_PER_TICK)) {
      try {
        await run();
      } catch (e) {
        this.logger.warn(`timer command failed; the next tick retries: ${(e as Error).message}`);
      }
    }
  }
}
