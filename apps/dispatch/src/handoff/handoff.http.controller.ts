import { Body, Controller, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CancelPublicWarningDto, IssuePublicWarningDto, NotFound, ValidationFailed } from '@callcenter/contracts';
import { Actor, ApiBadRequestError, ApiConflictError, ApiNotFoundError, AuthenticatedUser, CorrelationId, Roles } from '@callcenter/platform';
import { CapMessagesBody } from '../http/dispatch.responses';
import { actorOf, Dispatching } from '../dispatching';
import { assignedToUnit } from '../incident/incident.decider';
import { Handoffs } from './handoffs';

const incidentId = new ParseUUIDPipe({ exceptionFactory: () => new ValidationFailed([{ field: 'incidentId', message: 'incidentId must be a UUID' }]) });

@ApiTags('hand-offs')
@Controller('api/v1')
export class HandoffHttpController {
  constructor(
    private readonly handoffs: Handoffs,
    private readonly dispatching: Dispatching,
  ) {}

  @Get('incidents/:incidentId/eido')
  @Roles('dispatcher', 'supervisor', 'commander', 'unit')
  @ApiOperation({ summary: 'The incident as an EIDO (NENA-STA-021 JSON, conveyed per NENA-STA-024), built from its event stream' })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true }, description: 'the EIDO document (NENA-STA-021)' })
  @ApiBadRequestError()
  @ApiNotFoundError()
  async eido(@Param('incidentId', incidentId) id: string, @Actor() user: AuthenticatedUser) {
    const actor = actorOf(user);
    // A unit sees only what it was sent to, like the incident itself; any other answers 404.
    if (actor.kind === 'unit' && !user.roles.includes('commander') && !assignedToUnit(await this.dispatching.incidentState(id), actor.unitId))
      throw new NotFound('incident', id);
    return this.handoffs.eido(id, new Date());
  }

  @Post('incidents/:incidentId/public-warning')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'Warn the public about this incident (CAP Alert), or revise the warning (CAP Update)' })
  @ApiOkResponse({ type: CapMessagesBody })
  @ApiBadRequestError()
  @ApiNotFoundError()
  @ApiConflictError('INCIDENT_CLOSED: the incident is resolved or closed')
  async issue(
    @Param('incidentId', incidentId) id: string,
    @Body() body: IssuePublicWarningDto,
    @Actor() user: AuthenticatedUser,
    @CorrelationId() cid: string,
  ) {
    const content = {
      headline: body.headline.trim(),
      description: body.description.trim(),
      instruction: body.instruction?.trim() || null,
      severity: body.severity,
      urgency: body.urgency,
      certainty: body.certainty,
      area: { description: body.area.description.trim(), radiusKm: body.area.radiusKm },
    };
    return { messages: await this.handoffs.issueWarning(id, content, { actor: user.id, correlationId: cid }) };
  }

  @Post('incidents/:incidentId/public-warning/cancel')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: "Withdraw the incident's public warning (CAP Cancel)" })
  @ApiOkResponse({ type: CapMessagesBody })
  @ApiBadRequestError()
  @ApiNotFoundError()
  @ApiConflictError('NO_PUBLIC_WARNING: none in force')
  async cancel(
    @Param('incidentId', incidentId) id: string,
    @Body() body: CancelPublicWarningDto,
    @Actor() user: AuthenticatedUser,
    @CorrelationId() cid: string,
  ) {
    return { messages: await this.handoffs.cancelWarning(id, body.reason.trim(), { actor: user.id, correlationId: cid }) };
  }

  /** Public: anyone may read warnings. Nothing in it comes from the report. */
  @Get('cap/alerts.xml')
  @Header('Content-Type', 'application/atom+xml; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=30')
  @ApiProduces('application/atom+xml')
  @ApiOkResponse({ schema: { type: 'string' }, description: 'an Atom feed of CAP 1.2 alerts' })
  @ApiOperation({ summary: 'Atom feed of CAP 1.2 messages: each public warning in its latest state (Alert, Update, Cancel)' })
  alerts(@Req() req: Request) {
    return this.handoffs.feed(`${req.protocol}://${req.get('host')}/api/v1/cap/alerts.xml`, new Date());
  }
}
