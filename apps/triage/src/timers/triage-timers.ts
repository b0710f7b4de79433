import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { TriageCases } from '../case/triage-cases';
import { TriageQueue } from '../queue/triage-queue';
import { TriageRules } from '../triage.rules';

/** Commands per tick, so a backlog of timers cannot crowd out operators' commands. */
const MAX_COMMANDS_PER_TICK = 200;

/**
 * Fires the case timers: TriageOverdue once a case passes its time-to-triage target, and the return
 * to the queue of a claim whose lease ran out. Every instance runs them over its whole queue; the
 * decider makes a late, repeated or concurrent firing a no-op, and the event store's version check
 * lets only one of two racing instances append.
 */
@Injectable()
export class TriageTimers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TriageTimers.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(private readonly queue: TriageQueue, private readonly cases: TriageCases, private readonly rules: TriageRules) {}

  onApplicationBootstrap() {
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => (this.running = undefined));
    }, this.rules.timerIntervalMs);
  }

  async onModuleDestroy() {
    clearInterval(this.timer);
    await this.running;
  }

  async tick(now = new Date()): Promise<void> {
    const due = this.queue.index.due(now, this.rules.targets);
    const work = [
      ...due.leaseExpired.map((reportId) => ({ reportId, type: 'ExpireLease' as const })),
      ...due.overdue.map((reportId) => ({ reportId, type: 'MarkOverdue' as const })),
    ].slice(0, MAX_COMMANDS_PER_TICK);
    for (const { reportId, type } of work) {
      try {
        await this.cases.runAsSystem(reportId, type === 'MarkOverdue' ? { type, now, targets: this.rules.targets } : { type, now });
      } catch (e) {
        this.logger.warn(`${type} of ${reportId} failed; the next tick retries: ${(e as Error).message}`);
      }
    }
    this.queue.recent.prune(now);
  }
}
