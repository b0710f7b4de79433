import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { GeoPoint, IllegalState } from '@callcenter/contracts';
import { AuthenticatedUser } from '@callcenter/platform';
import { DispatchBoardService } from '../board/dispatch-board.service';
import { actorOf, Dispatching, Meta } from '../dispatching';
import { UnitPositions } from '../positions/unit-positions';
import { UnitStatus } from '../recommendation';
import { Unit, UnitDetails } from './unit.decider';

export class RegisterUnit extends Command<Unit> {
  constructor(
    readonly callSign: string,
    readonly details: UnitDetails,
    readonly onShift: boolean,
    readonly meta: Meta,
  ) {
    super();
  }
}

export class UpdateUnit extends Command<Unit> {
  constructor(
    readonly unitId: string,
    readonly details: Partial<UnitDetails>,
    readonly onShift: boolean | undefined,
    readonly meta: Meta,
  ) {
    super();
  }
}

export class ReportUnitStatus extends Command<Unit> {
  constructor(
    readonly unitId: string,
    readonly user: AuthenticatedUser,
    readonly change: { status?: UnitStatus; position?: GeoPoint },
    readonly meta: Meta,
  ) {
    super();
  }
}

@CommandHandler(RegisterUnit)
export class RegisterUnitHandler implements ICommandHandler<RegisterUnit> {
  constructor(private readonly dispatching: Dispatching) {}

  async execute({ callSign, details, onShift, meta }: RegisterUnit): Promise<Unit> {
    this.dispatching.checkDistrict(details.homeDistrict);
    return this.dispatching.onUnit(callSign, { type: 'RegisterUnit', unitId: callSign, callSign, details, onShift }, meta, new Date());
  }
}

@CommandHandler(UpdateUnit)
export class UpdateUnitHandler implements ICommandHandler<UpdateUnit> {
  constructor(private readonly dispatching: Dispatching) {}

  async execute({ unitId, details, onShift, meta }: UpdateUnit): Promise<Unit> {
    if (details.homeDistrict) this.dispatching.checkDistrict(details.homeDistrict);
    await this.dispatching.unitState(unitId); // 404 before anything is decided
    const now = new Date();
    return this.dispatching.onUnit(unitId, { type: 'UpdateUnit', now, details, onShift }, meta, now);
  }
}

/**
 * A status change is an event of the unit's stream; a position only replaces the unit's latest
 * position (a read model), if newer. The status goes first, so a refused change records nothing.
 */
@CommandHandler(ReportUnitStatus)
export class ReportUnitStatusHandler implements ICommandHandler<ReportUnitStatus> {
  constructor(
    private readonly dispatching: Dispatching,
    private readonly boards: DispatchBoardService,
    private readonly positions: UnitPositions,
  ) {}

  async execute({ unitId, user, change, meta }: ReportUnitStatus): Promise<Unit> {
    const actor = actorOf(user);
    if (actor.kind === 'unit' && actor.unitId !== unitId) {
      throw new IllegalState('NOT_YOUR_UNIT', `a unit reports only its own status (${actor.unitId})`);
    }
    const now = new Date();
    let unit = await this.dispatching.unitState(unitId);
    if (change.status) unit = await this.dispatching.onUnit(unitId, { type: 'ReportStatus', now, status: change.status }, meta, now);
    if (change.position && (await this.positions.record(unitId, change.position, now))) {
      this.boards.board.applyPosition(unitId, { position: change.position, reportedAt: now.toISOString() });
    }
    return unit;
  }
}

export const UNIT_COMMAND_HANDLERS = [RegisterUnitHandler, UpdateUnitHandler, ReportUnitStatusHandler];
