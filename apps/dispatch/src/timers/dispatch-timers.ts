import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ServiceTimer } from '@callcenter/platform';
import { DispatchBoardService } from '../board/dispatch-board.service';
import { DispatchRules } from '../dispatch.rules';
import { MarkDispatchOverdue, ReleaseOrphanedUnit, TimeOutAssignment } from './timer.commands';
import { dispatchDueAt, Incident } from '../incident/incident.decider';

/**
 * Dispatch's timers: an assignment not acknowledged in time times out (and the incident goes back
 * to recommendation), an incident without a unit past its time-to-dispatch target gets
 * DispatchOverdue once, and a unit committed to an incident that does not hold it is released.
 * The board only proposes: each command decides again on the streams in the event store.
 */
@Injectable()
export class DispatchTimers extends ServiceTimer {
  constructor(
    private readonly boards: DispatchBoardService,
    private readonly commands: CommandBus,
    private readonly rules: DispatchRules,
  ) {
    super(rules.timerIntervalMs);
  }

  protected due(now: Date) {
    // A half-loaded board (units in, their incidents not yet) would take every committed unit for an orphan.
    if (!this.boards.loaded) return [];
    const isOverdue = (i: Incident) => {
      if (i.status !== 'AWAITING_UNIT' || i.overdue || i.everAssigned) return false;
      const due = dispatchDueAt(i, this.rules.targets);
      return due !== null && now >= due;
    };
    const due = this.boards.board.due(now, isOverdue, this.rules.orphanGraceMs);
    return [
      ...due.acknowledgementLate.map((id) => () => this.commands.execute(new TimeOutAssignment(id))),
      ...due.overdue.map((id) => () => this.commands.execute(new MarkDispatchOverdue(id))),
      ...due.orphaned.map(
        ({ unitId, incidentId }) =>
          () =>
            this.commands.execute(new ReleaseOrphanedUnit(unitId, incidentId)),
      ),
    ];
  }
}
