import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { DispatchRules } from '../dispatch.rules';
import { incidentView, unitView } from '../http/views';
import { assignedToUnit, IncidentActor, IncidentStatus } from '../incident/incident.decider';
import { DispatchBoardService } from './dispatch-board.service';

type IncidentPage = { total: number; offset: number; limit: number; items: ReturnType<typeof incidentView>[] };
type UnitList = { total: number; items: ReturnType<typeof unitView>[] };

/** Incidents not closed, most urgent and oldest first; a field unit sees only those assigned to it. */
export class IncidentBoardQuery extends Query<IncidentPage> {
  constructor(
    readonly actor: IncidentActor,
    readonly filter: { status?: IncidentStatus[] },
    readonly offset: number,
    readonly limit: number,
  ) {
    super();
  }
}

/** The status board: every unit with status, position and current incident; a field unit sees only itself. */
export class UnitBoardQuery extends Query<UnitList> {
  constructor(readonly actor: IncidentActor) {
    super();
  }
}

@QueryHandler(IncidentBoardQuery)
export class IncidentBoardQueryHandler implements IQueryHandler<IncidentBoardQuery> {
  constructor(
    private readonly boards: DispatchBoardService,
    private readonly rules: DispatchRules,
  ) {}

  async execute({ actor, filter, offset, limit }: IncidentBoardQuery): Promise<IncidentPage> {
    const all = this.boards.board.openIncidents(filter);
    const open = actor.kind === 'unit' ? all.filter((e) => assignedToUnit(e.state, actor.unitId)) : all;
    const now = new Date();
    const page = open.slice(offset, offset + limit);
    return { total: open.length, offset, limit, items: page.map((e) => incidentView(e.state, e.version, now, this.rules.targets)) };
  }
}

@QueryHandler(UnitBoardQuery)
export class UnitBoardQueryHandler implements IQueryHandler<UnitBoardQuery> {
  constructor(private readonly boards: DispatchBoardService) {}

  async execute({ actor }: UnitBoardQuery): Promise<UnitList> {
    // A unit's token sees only itself: other units' current incidents are not its business.
    const units = this.boards.board
      .allUnits()
      .filter((u) => actor.kind !== 'unit' || u.state.unitId === actor.unitId)
      .map((u) => unitView(u.state, u.version, this.boards.board.positionOf(u.state.unitId)));
    return { total: units.length, items: units };
  }
}

export const BOARD_QUERY_HANDLERS = [IncidentBoardQueryHandler, UnitBoardQueryHandler];
