import { Command, CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConcurrencyConflict, IllegalState, NotFound } from '@callcenter/contracts';
import { SYSTEM_ACTOR } from '@callcenter/events';
import { Dispatching, Meta } from '../dispatching';
import { Incident, IncidentActor } from '../incident/incident.decider';
import { AssignmentSaga } from './assignment.saga';

export class AssignUnit extends Command<Incident> {
  constructor(
    readonly incidentId: string,
    readonly unitId: string,
    readonly by: IncidentActor,
    readonly meta: Meta,
    readonly automatic = false,
  ) {
    super();
  }
}

/** Gives the incident to another unit; the one it replaces is released. */
export class ReassignUnit extends Command<Incident> {
  constructor(
    readonly incidentId: string,
    readonly unitId: string,
    readonly by: IncidentActor,
    readonly meta: Meta,
  ) {
    super();
  }
}

/** P1 incidents go to the top recommended unit at once when configured; else they wait for a dispatcher. */
export class AutoAssignP1 extends Command<Incident> {
  constructor(
    readonly incident: Incident,
    readonly meta: Meta,
  ) {
    super();
  }
}

@CommandHandler(AssignUnit)
export class AssignUnitHandler implements ICommandHandler<AssignUnit> {
  constructor(
    private readonly saga: AssignmentSaga,
    private readonly dispatching: Dispatching,
  ) {}

  execute({ incidentId, unitId, by, meta, automatic }: AssignUnit): Promise<Incident> {
    const acknowledgeSeconds = this.dispatching.rules.acknowledgeSeconds;
    return this.saga.run(incidentId, unitId, meta, (unit, now) => ({ type: 'AssignUnit', by, now, unit, automatic, acknowledgeSeconds }));
  }
}

@CommandHandler(ReassignUnit)
export class ReassignUnitHandler implements ICommandHandler<ReassignUnit> {
  constructor(
    private readonly saga: AssignmentSaga,
    private readonly dispatching: Dispatching,
  ) {}

  execute({ incidentId, unitId, by, meta }: ReassignUnit): Promise<Incident> {
    const acknowledgeSeconds = this.dispatching.rules.acknowledgeSeconds;
    return this.saga.run(incidentId, unitId, meta, (unit, now) => ({ type: 'ReassignUnit', by, now, unit, acknowledgeSeconds }));
  }
}

@CommandHandler(AutoAssignP1)
export class AutoAssignP1Handler implements ICommandHandler<AutoAssignP1> {
  constructor(
    private readonly commands: CommandBus,
    private readonly dispatching: Dispatching,
  ) {}

  async execute({ incident, meta }: AutoAssignP1): Promise<Incident> {
    if (!this.dispatching.rules.autoAssignP1 || incident.incident.priority !== 'P1' || incident.status !== 'AWAITING_UNIT') return incident;
    const system: IncidentActor = { kind: 'dispatcher', id: SYSTEM_ACTOR };
    for (const candidate of this.dispatching.recommendations(incident)) {
      try {
        return await this.commands.execute(new AssignUnit(incident.incident.incidentId, candidate.unitId, system, { ...meta, actor: SYSTEM_ACTOR }, true));
      } catch (e) {
        // The unit was taken meanwhile (or is not in this store): try the next one.
        if (!(e instanceof IllegalState || e instanceof NotFound || e instanceof ConcurrencyConflict)) throw e;
      }
    }
    return incident;
  }
}

export const ASSIGNMENT_COMMAND_HANDLERS = [AssignUnitHandler, ReassignUnitHandler, AutoAssignP1Handler];
