import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AssignUnitDto, DeclineAssignmentDto, IncidentQueryDto, incidentIdFor, NotFound, ResolveIncidentDto, ValidationFailed } from '@callcenter/contracts';
import { Actor, ApiBadRequestError, ApiConflictError, ApiNotFoundError, AuthenticatedUser, CorrelationId, Roles } from '@callcenter/platform';
import { DispatchBoardService } from '../board/dispatch-board.service';
import { DispatchRules } from '../dispatch.rules';
import { actorOf, Dispatching } from '../dispatching';
import { AssignUnit, ReassignUnit } from '../assignment/assignment.commands';
import { IncidentBoardQuery } from '../board/board.queries';
import { DeclineAssignment, FinishIncident, ProgressIncident } from '../incident/incident.commands';
import { assignedToUnit, Incident } from '../incident/incident.decider';
import { incidentView } from './views';
import { IncidentDetailBody, IncidentPageBody, IncidentViewBody } from './dispatch.responses';

const incidentId = new ParseUUIDPipe({ exceptionFactory: () => new ValidationFailed([{ field: 'incidentId', message: 'incidentId must be a UUID' }]) });

@ApiTags('incidents')
@Roles('dispatcher', 'supervisor', 'unit')
@ApiConflictError('a rule named in `rule` forbids it now, or someone acted first')
@ApiBadRequestError()
@Controller('api/v1/incidents')
export class IncidentsHttpController {
  constructor(
    private readonly dispatching: Dispatching,
    private readonly boards: DispatchBoardService,
    private readonly rules: DispatchRules,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  private view(incident: Incident) {
    const version = this.boards.board.incident(incident.incident.incidentId)?.version ?? 0;
    return incidentView(incident, version, new Date(), this.rules.targets);
  }

  /**
   * The incident with its timeline and the units recommended now: an open one from the board, a
   * closed one from the event store (DispatchBoardService.incidentRecord). A field unit sees only
   * the incidents assigned to it; any other answers 404 as if it did not exist, so a unit's token
   * cannot learn what else is going on. Dispatchers and supervisors see all.
   */
  private async detail(id: string, user: AuthenticatedUser) {
    const { state: incident, version, timeline } = await this.boards.incidentRecord(id);
    const actor = actorOf(user);
    if (actor.kind === 'unit' && !assignedToUnit(incident, actor.unitId)) throw new NotFound('incident', id);
    return {
      ...incidentView(incident, version, new Date(), this.rules.targets),
      description: incident.incident.description,
      excludedUnitIds: incident.excludedUnitIds,
      recommendations: this.dispatching.recommendations(incident),
      timeline,
    };
  }

  @Get()
  @ApiOperation({ summary: 'Incidents not closed, most urgent and oldest first; or the incident of a report (?reportId=)' })
  @ApiOkResponse({ type: IncidentPageBody })
  async list(@Query() query: IncidentQueryDto, @Actor() user: AuthenticatedUser) {
    if (query.reportId) {
      try {
        return { total: 1, items: [await this.detail(incidentIdFor(query.reportId.toLowerCase()), user)] };
      } catch (e) {
        if (e instanceof NotFound) return { total: 0, items: [] };
        throw e;
      }
    }
    return this.queries.execute(new IncidentBoardQuery(actorOf(user), { status: query.status }, query.offset, query.limit));
  }

  @Get(':incidentId')
  @ApiOperation({ summary: 'An incident with its recommendations and timeline' })
  @ApiOkResponse({ type: IncidentDetailBody })
  @ApiNotFoundError()
  get(@Param('incidentId', incidentId) id: string, @Actor() user: AuthenticatedUser) {
    return this.detail(id, user);
  }

  @Post(':incidentId/assign')
  @HttpCode(200)
  @Roles('dispatcher', 'supervisor')
  @ApiOperation({ summary: 'Assign a unit' })
  @ApiOkResponse({ type: IncidentDetailBody, description: 'the incident after the change' })
  @ApiNotFoundError()
  async assign(@Param('incidentId', incidentId) id: string, @Body() body: AssignUnitDto, @Actor() user: AuthenticatedUser, @CorrelationId() cid: string) {
    await this.commands.execute(new AssignUnit(id, body.unitId, actorOf(user), { actor: user.id, correlationId: cid }));
    return this.detail(id, user);
  }

  @Post(':incidentId/reassign')
  @HttpCode(200)
  @Roles('dispatcher', 'supervisor')
  @ApiOperation({ summary: 'Give the incident to another unit; the previous one is released' })
  @ApiOkResponse({ type: IncidentDetailBody, description: 'the incident after the change' })
  @ApiNotFoundError()
  async reassign(@Param('incidentId', incidentId) id: string, @Body() body: AssignUnitDto, @Actor() user: AuthenticatedUser, @CorrelationId() cid: string) {
    await this.commands.execute(new ReassignUnit(id, body.unitId, actorOf(user), { actor: user.id, correlationId: cid }));
    return this.detail(id, user);
  }

  @Post(':incidentId/acknowledge')
  @HttpCode(200)
  @ApiOperation({ summary: 'The assigned unit accepts the assignment' })
  @ApiOkResponse({ type: IncidentViewBody, description: 'the incident after the change' })
  @ApiNotFoundError()
  async acknowledge(@Param('incidentId', incidentId) id: string, @Actor() user: AuthenticatedUser, @CorrelationId() cid: string) {
    return this.view(await this.commands.execute(new ProgressIncident(id, 'AcknowledgeAssignment', actorOf(user), { actor: user.id, correlationId: cid })));
  }

  @Post(':incidentId/decline')
  @HttpCode(200)
  @ApiOperation({ summary: 'The assigned unit declines; the incident needs a unit again' })
  @ApiOkResponse({ type: IncidentViewBody, description: 'the incident after the change' })
  @ApiNotFoundError()
  async decline(
    @Param('incidentId', incidentId) id: string,
    @Body() body: DeclineAssignmentDto,
    @Actor() user: AuthenticatedUser,
    @CorrelationId() cid: string,
  ) {
    return this.view(await this.commands.execute(new DeclineAssignment(id, actorOf(user), body.reason.trim(), { actor: user.id, correlationId: cid })));
  }

  @Post(':incidentId/en-route')
  @HttpCode(200)
  @ApiOperation({ summary: 'The unit is on its way' })
  @ApiOkResponse({ type: IncidentViewBody, description: 'the incident after the change' })
  @ApiNotFoundError()
  async enRoute(@Param('incidentId', incidentId) id: string, @Actor() user: AuthenticatedUser, @CorrelationId() cid: string) {
    return this.view(await this.commands.execute(new ProgressIncident(id, 'MarkEnRoute', actorOf(user), { actor: user.id, correlationId: cid })));
  }

  @Post(':incidentId/arrive')
  @HttpCode(200)
  @ApiOperation({ summary: 'The unit is on scene' })
  @ApiOkResponse({ type: IncidentViewBody, description: 'the incident after the change' })
  @ApiNotFoundError()
  async arrive(@Param('incidentId', incidentId) id: string, @Actor() user: AuthenticatedUser, @CorrelationId() cid: string) {
    return this.view(await this.commands.execute(new ProgressIncident(id, 'MarkArrived', actorOf(user), { actor: user.id, correlationId: cid })));
  }

  @Post(':incidentId/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve with an outcome code and a summary; the unit is free again' })
  @ApiOkResponse({ type: IncidentViewBody, description: 'the incident after the change' })
  @ApiNotFoundError()
  async resolve(@Param('incidentId', incidentId) id: string, @Body() body: ResolveIncidentDto, @Actor() user: AuthenticatedUser, @CorrelationId() cid: string) {
    return this.view(
      await this.commands.execute(FinishIncident.resolve(id, actorOf(user), body.outcome, body.summary.trim(), { actor: user.id, correlationId: cid })),
    );
  }

  @Post(':incidentId/close')
  @HttpCode(200)
  @Roles('dispatcher', 'supervisor')
  @ApiOperation({ summary: 'Close a resolved incident' })
  @ApiOkResponse({ type: IncidentViewBody, description: 'the incident after the change' })
  @ApiNotFoundError()
  async close(@Param('incidentId', incidentId) id: string, @Actor() user: AuthenticatedUser, @CorrelationId() cid: string) {
    return this.view(await this.commands.execute(FinishIncident.close(id, actorOf(user), { actor: user.id, correlationId: cid })));
  }
}
