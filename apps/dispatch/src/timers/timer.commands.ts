import { Logger } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AutoAssignP1 } from '../assignment/assignment.commands';
import { Dispatching, systemMeta } from '../dispatching';
import { holdsUnit, incidentDecider, IncidentState } from '../incident/incident.decider';
import { unitFold } from '../unit/unit.decider';

/** An assignment not acknowledged in time: the unit is freed and the incident needs one again. */
export class TimeOutAssignment extends Command<void> {
  constructor(readonly incidentId: string) {
    super();
  }
}

/** An incident without a unit past its time-to-dispatch target (once). */
export class MarkDispatchOverdue extends Command<void> {
  constructor(readonly incidentId: string) {
    super();
  }
}

/** A unit the board suspects is committed to an incident that does not hold it. True when released. */
export class ReleaseOrphanedUnit extends Command<boolean> {
  constructor(
    readonly unitId: string,
    readonly incidentId: string,
    /** This instance's clock (ms), for the grace period. */
    readonly now = Date.now(),
  ) {
    super();
  }
}

@CommandHandler(TimeOutAssignment)
export class TimeOutAssignmentHandler implements ICommandHandler<TimeOutAssignment> {
  constructor(
    private readonly dispatching: Dispatching,
    private readonly commands: CommandBus,
  ) {}

  async execute({ incidentId }: TimeOutAssignment): Promise<void> {
    const meta = systemMeta('ack-timeout', incidentId);
    const now = new Date();
    const result = await this.dispatching.onIncident(incidentId, { type: 'TimeOutAssignment', now }, meta, now);
    if (result.unitId && result.changed) {
      await this.dispatching.releaseUnit(result.unitId, incidentId, 'TIMED_OUT', meta);
      await this.commands.execute(new AutoAssignP1(result.incident, meta));
    }
  }
}

@CommandHandler(MarkDispatchOverdue)
export class MarkDispatchOverdueHandler implements ICommandHandler<MarkDispatchOverdue> {
  constructor(private readonly dispatching: Dispatching) {}

  async execute({ incidentId }: MarkDispatchOverdue): Promise<void> {
    const now = new Date();
    const command = { type: 'MarkDispatchOverdue' as const, now, targets: this.dispatching.rules.targets };
    await this.dispatching.onIncident(incidentId, command, systemMeta('dispatch-overdue', incidentId), now);
  }
}

/**
 * Releases a unit the board suspects is orphaned, only if the event store agrees: the unit's
 * stream commits it to the incident and the incident's stream does not hold it, and both still
 * say so a grace period after this instance first found them so. The board of one instance may
 * lag behind another's commands (Kafka outage, a late event); the streams do not. The grace is
 * timed here, on this instance's own clock, not from the commitment's time written by another
 * instance's clock (which may run behind or ahead): it covers the other instance's second append
 * (the incident's assignment, or the unit's release after a resolution) still in flight.
 * What the store says also corrects the board, so a false suspicion does not come back each tick.
 */
@CommandHandler(ReleaseOrphanedUnit)
export class ReleaseOrphanedUnitHandler implements ICommandHandler<ReleaseOrphanedUnit> {
  private readonly logger = new Logger(ReleaseOrphanedUnitHandler.name);
  /** Orphans the store confirmed, by `<unit>#<incident>`: when this instance first saw it (its own clock). */
  private readonly suspects = new Map<string, number>();

  constructor(private readonly dispatching: Dispatching) {}

  async execute({ unitId, incidentId, now }: ReleaseOrphanedUnit): Promise<boolean> {
    const { store, boards, rules } = this.dispatching;
    const [unit, incident] = await Promise.all([store.load(unitId, unitFold), store.readStream(incidentId)]);
    const incidentState = incident.events.reduce((s: IncidentState, e) => incidentDecider.evolve(s, e as any), incidentDecider.initialState());
    boards.acceptUnit(unit.state, unit.version);
    boards.acceptIncident(incidentState, incident.version);
    const key = `${unitId}#${incidentId}`;
    const committed = unit.state.status !== 'UNREGISTERED' && unit.state.assignment?.incidentId === incidentId;
    if (!committed || holdsUnit(incidentState, unitId)) {
      if (committed) this.logger.warn(`${unitId} looked orphaned from ${incidentId} on this board, but the incident holds it: not released`);
      this.suspects.delete(key);
      return false;
    }
    const since = this.suspects.get(key);
    // A suspicion left long ago (the board stopped suspecting) starts over rather than counting.
    if (since === undefined || now - since > 4 * rules.orphanGraceMs) {
      this.suspects.set(key, now);
      return false;
    }
    if (now - since < rules.orphanGraceMs) return false;
    this.suspects.delete(key);
    await this.dispatching.releaseUnit(unitId, incidentId, 'ORPHANED', systemMeta('orphan', unitId));
    return true;
  }
}

export const TIMER_COMMAND_HANDLERS = [TimeOutAssignmentHandler, MarkDispatchOverdueHandler, ReleaseOrphanedUnitHandler];
