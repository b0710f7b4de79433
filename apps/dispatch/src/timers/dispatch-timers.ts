import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DispatchBoardService } from '../board/dispatch-board.service';
import { DispatchRules } from '../dispatch.rules';
import { Dispatching } from '../dispatching';
import { dispatchDueAt, Incident } from '../incident/incident.decider';

const MAX_COMMANDS_PER_TICK = 200;

/**
 * Fires dispatch's timers: an assignment not acknowledged in time times out (and the incident goes
 * back to recommendation), an incident without a unit past its time-to-dispatch target gets
 * DispatchOverdue once, and a unit committed to an incident that does not hold it is released.
 * Late, repeated or concurrent firings are no-ops by the deciders' rules.
 */
@Injectable()
export class DispatchTimers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DispatchTimers.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(private readonly boards: DispatchBoardService, private readonly dispatching: Dispatching, private readonly rules: DispatchRules) {}

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
    const isOverdue = (i: Incident) => {
      if (i.status !== 'AWAITING_UNIT' || i.overdue || i.everAssigned) return false;
      const due = dispatchDueAt(i, this.rules.targets);
      return due !== null && now >= due;
    };
    const due = this.boards.board.due(now, isOverdue, this.rules.orphanGraceMs);
    const work: (() => Promise<void>)[] = [
      ...due.acknowledgementLate.map((id) => () => this.dispatching.timeOutAssignment(id)),
      ...due.overdue.map((id) => () => this.dispatching.markOverdue(id)),
      ...due.orphaned.map(({ unitId, incidentId }) => () => this.dispatching.releaseOrphan(unitId, incidentId)),
    ].slice(0, MAX_COMMANDS_PER_TICK);
    for (const run of work) {
      try {
        await run();
      } catch (e) {
        this.logger.warn(`timer command failed; the next tick retries: ${(e as Error).message}`);
      }
    }
  }
}
