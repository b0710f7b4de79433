import { Command, CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { incidentIdFor } from '@callcenter/contracts';
import { IncidentOpenedV1 } from '@callcenter/events';
import { AutoAssignP1 } from '../assignment/assignment.commands';
import { Dispatching, Meta } from '../dispatching';
import { Incident, IncidentActor, IncidentCommand, incidentDecider } from './incident.decider';

type ResolutionOutcome = Extract<IncidentCommand, { type: 'ResolveIncident' }>['outcome'];
type Forwarded = Omit<IncidentOpenedV1, 'incidentId' | 'location'> & {
  location: { latitude: number | null; longitude: number | null; address: string | null };
};

/** Opens the incident of a forwarded report (idempotent): the incident, and whether this command opened it. */
export class OpenIncident extends Command<{ incident: Incident; opened: boolean }> {
  constructor(
    readonly forwarded: Forwarded,
    readonly meta: Meta,
  ) {
    super();
  }
}

/** What the assigned unit (or a dispatcher for it) does with the incident: acknowledge, en route, arrive. */
export class ProgressIncident extends Command<Incident> {
  constructor(
    readonly incidentId: string,
    readonly step: 'AcknowledgeAssignment' | 'MarkEnRoute' | 'MarkArrived',
    readonly by: IncidentActor,
    readonly meta: Meta,
  ) {
    super();
  }
}

export class DeclineAssignment extends Command<Incident> {
  constructor(
    readonly incidentId: string,
    readonly by: IncidentActor,
    readonly reason: string,
    readonly meta: Meta,
  ) {
    super();
  }
}

/** Resolves (with an outcome) or closes the incident; the unit holding it is free again. */
export class FinishIncident extends Command<Incident> {
  constructor(
    readonly incidentId: string,
    readonly command: Extract<IncidentCommand, { type: 'ResolveIncident' | 'CloseIncident' }>,
    readonly meta: Meta,
  ) {
    super();
  }

  static resolve(incidentId: string, by: IncidentActor, outcome: ResolutionOutcome, summary: string, meta: Meta) {
    return new FinishIncident(incidentId, { type: 'ResolveIncident', by, outcome, summary }, meta);
  }

  static close(incidentId: string, by: IncidentActor, meta: Meta) {
    return new FinishIncident(incidentId, { type: 'CloseIncident', by }, meta);
  }
}

/**
 * Records on the incident a merge or split triage made in its group. Nothing while the incident is
 * not open yet: the opener attaches the reports merged meanwhile (IncidentGroupFollower). Idempotent.
 */
export class FollowIncidentGroup extends Command<void> {
  constructor(
    readonly incidentId: string,
    readonly command: Extract<IncidentCommand, { type: 'MergeReport' | 'SplitReport' }>,
    readonly meta: Meta,
  ) {
    super();
  }
}

@CommandHandler(OpenIncident)
export class OpenIncidentHandler implements ICommandHandler<OpenIncident> {
  constructor(private readonly dispatching: Dispatching) {}

  async execute({ forwarded, meta }: OpenIncident) {
    const incidentId = incidentIdFor(forwarded.reportId);
    const data: IncidentOpenedV1 = { ...forwarded, incidentId, location: this.dispatching.whereToSend(forwarded.location, forwarded.district) };
    const result = await this.dispatching.onIncident(incidentId, { type: 'OpenIncident', data }, meta, new Date(), incidentDecider);
    return { incident: result.incident, opened: result.changed };
  }
}

/** The unit's own status follows the incident's (EN_ROUTE, ON_SCENE); an acknowledgement changes only the incident. */
const UNIT_FOLLOWS = { AcknowledgeAssignment: null, MarkEnRoute: 'EN_ROUTE', MarkArrived: 'ON_SCENE' } as const;

@CommandHandler(ProgressIncident)
export class ProgressIncidentHandler implements ICommandHandler<ProgressIncident> {
  constructor(private readonly dispatching: Dispatching) {}

  async execute({ incidentId, step, by, meta }: ProgressIncident): Promise<Incident> {
    const result = await this.dispatching.onIncident(incidentId, { type: step, by }, meta);
    const status = UNIT_FOLLOWS[step];
    if (status) await this.dispatching.followUnit(result.unitId!, status, incidentId, meta);
    return result.incident;
  }
}

/** The unit is released and the incident needs a unit again (a P1 is offered to the next one when configured). */
@CommandHandler(DeclineAssignment)
export class DeclineAssignmentHandler implements ICommandHandler<DeclineAssignment> {
  constructor(
    private readonly dispatching: Dispatching,
    private readonly commands: CommandBus,
  ) {}

  async execute({ incidentId, by, reason, meta }: DeclineAssignment): Promise<Incident> {
    const result = await this.dispatching.onIncident(incidentId, { type: 'DeclineAssignment', by, reason }, meta);
    await this.dispatching.releaseUnit(result.unitId!, incidentId, 'DECLINED', meta);
    return this.commands.execute(new AutoAssignP1(result.incident, meta));
  }
}

@CommandHandler(FinishIncident)
export class FinishIncidentHandler implements ICommandHandler<FinishIncident> {
  constructor(private readonly dispatching: Dispatching) {}

  async execute({ incidentId, command, meta }: FinishIncident): Promise<Incident> {
    const result = await this.dispatching.onIncident(incidentId, command, meta);
    const reason = command.type === 'ResolveIncident' ? 'RESOLVED' : 'CLOSED';
    if (result.unitId) await this.dispatching.releaseUnit(result.unitId, incidentId, reason, meta);
    return result.incident;
  }
}

@CommandHandler(FollowIncidentGroup)
export class FollowIncidentGroupHandler implements ICommandHandler<FollowIncidentGroup> {
  constructor(private readonly dispatching: Dispatching) {}

  async execute({ incidentId, command, meta }: FollowIncidentGroup): Promise<void> {
    if ((await this.dispatching.store.readStream(incidentId)).version === 0) return;
    await this.dispatching.onIncident(incidentId, command, meta, new Date(), incidentDecider);
  }
}

export const INCIDENT_COMMAND_HANDLERS = [
  OpenIncidentHandler,
  ProgressIncidentHandler,
  DeclineAssignmentHandler,
  FinishIncidentHandler,
  FollowIncidentGroupHandler,
];
