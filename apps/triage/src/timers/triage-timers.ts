import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ServiceTimer } from '@callcenter/platform';
import { RunCaseTimer } from '../case/triage-case.commands';
import { TriageQueue } from '../queue/triage-queue';
import { TriageRules } from '../triage.rules';

/**
 * Triage's timers: TriageOverdue once a case passes its time-to-triage target, and the return to
 * the queue of a claim whose lease ran out. Every instance runs them over its whole queue; the
 * event store's version check lets only one of two racing instances append.
 */
@Injectable()
export class TriageTimers extends ServiceTimer {
  constructor(
    private readonly queue: TriageQueue,
    private readonly commands: CommandBus,
    private readonly rules: TriageRules,
  ) {
    super(rules.timerIntervalMs);
  }

  protected due(now: Date) {
    this.queue.recent.prune(now);
    const { overdue, leaseExpired } = this.queue.index.due(now, this.rules.targets);
    return [
      ...leaseExpired.map((id) => () => this.commands.execute(new RunCaseTimer(id, { type: 'ExpireLease', now }))),
      ...overdue.map((id) => () => this.commands.execute(new RunCaseTimer(id, { type: 'MarkOverdue', now, targets: this.rules.targets }))),
    ];
  }
}
