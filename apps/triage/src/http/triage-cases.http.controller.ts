import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiForbiddenResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AddNoteDto,
  ClassifyReportDto,
  EscalateReportDto,
  GiveAdviceDto,
  MarkDuplicateDto,
  QueueQueryDto,
  ReassignReportDto,
  RejectReportDto,
  SplitFromGroupDto,
  ValidationFailed,
} from '@callcenter/contracts';
import { Actor, ApiBadRequestError, ApiConflictError, ApiNotFoundError, AuthenticatedUser, CorrelationId, Roles } from '@callcenter/platform';
import { ClassifyReport, DecideOnCase, MarkDuplicate, RevealReporter, SplitFromGroup } from '../case/triage-case.commands';
import { CaseDetailQuery } from '../case/triage-cases';
import { QueueQuery, SupervisorStatsQuery } from '../queue/queue.queries';
import { CaseDetailBody, QueuePageBody, QueueStatsBody, ReporterIdentityBody } from './triage.responses';

const reportId = new ParseUUIDPipe({ exceptionFactory: () => new ValidationFailed([{ field: 'reportId', message: 'reportId must be a UUID' }]) });

/** `If-Match: 7` or `If-Match: "7"`: act only if the case is still at that version. */
function expectedVersion(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(ifMatch);
  if (!match) throw new ValidationFailed([{ field: 'If-Match', message: 'If-Match must be the case version, e.g. "7"' }]);
  return Number(match[1]);
}

// Lower-case like the @Headers('if-match') parameter, so the document has one optional header, not a required one beside it.
const IF_MATCH = ApiHeader({ name: 'if-match', required: false, description: 'The case version you saw; 409 if it moved on' });

@ApiTags('triage')
@Roles('operator', 'supervisor')
@ApiConflictError('the rule named in `rule` forbids it now, or someone acted first (`CONCURRENCY_CONFLICT`)')
@ApiBadRequestError()
@Controller('api/v1')
export class TriageCasesHttpController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get('queue')
  @ApiOperation({ summary: 'Open cases, most urgent first, then longest waiting' })
  @ApiOkResponse({ type: QueuePageBody })
  async list(@Query() query: QueueQueryDto) {
    const { offset, limit, ...filter } = query;
    return this.queries.execute(new QueueQuery(filter, offset, limit));
  }

  @Get('reports/:reportId/reporter')
  @ApiOperation({ summary: "The reporter's identity, for the operator holding the claim and supervisors; each view is recorded (ReporterIdentityViewed)" })
  @ApiOkResponse({ type: ReporterIdentityBody })
  @ApiNotFoundError()
  @ApiForbiddenResponse({ description: 'neither holding the claim nor a supervisor' })
  reporter(@Param('reportId', reportId) id: string, @Actor() user: AuthenticatedUser, @CorrelationId() cid: string) {
    return this.commands.execute(new RevealReporter(id, user, cid));
  }

  @Get('reports/:reportId')
  @ApiOperation({ summary: 'A case with its suggestions, reporter and timeline' })
  @ApiOkResponse({ type: CaseDetailBody })
  @ApiNotFoundError()
  get(@Param('reportId', reportId) id: string, @Actor() user: AuthenticatedUser) {
    return this.queries.execute(new CaseDetailQuery(id, user));
  }

  @Post('reports/:reportId/claim')
  @HttpCode(200)
  @IF_MATCH
  @ApiOperation({ summary: 'Take the case (a lease; claiming again renews it)' })
  @ApiOkResponse({ type: CaseDetailBody, description: 'the case after the change' })
  @ApiNotFoundError()
  claim(@Param('reportId', reportId) id: string, @Actor() user: AuthenticatedUser, @CorrelationId() cid: string, @Headers('if-match') ifMatch?: string) {
    return this.commands.execute(new DecideOnCase(id, { type: 'Claim' }, user, cid, expectedVersion(ifMatch)));
  }

  @Post('reports/:reportId/release')
  @HttpCode(200)
  @IF_MATCH
  @ApiOperation({ summary: 'Put the case back in the queue' })
  @ApiOkResponse({ type: CaseDetailBody, description: 'the case after the change' })
  @ApiNotFoundError()
  release(@Param('reportId', reportId) id: string, @Actor() user: AuthenticatedUser, @CorrelationId() cid: string, @Headers('if-match') ifMatch?: string) {
    return this.commands.execute(new DecideOnCase(id, { type: 'Release' }, user, cid, expectedVersion(ifMatch)));
  }

  @Post('reports/:reportId/classify')
  @HttpCode(200)
  @IF_MATCH
  @ApiOperation({ summary: 'Set category, priority and district' })
  @ApiOkResponse({ type: CaseDetailBody, description: 'the case after the change' })
  @ApiNotFoundError()
  classify(
    @Param('reportId', reportId) id: string,
    @Body() body: ClassifyReportDto,
    @Actor() user: AuthenticatedUser,
    @CorrelationId() cid: string,
    @Headers('if-match') ifMatch?: string,
  ) {
    const command = { type: 'Classify' as const, category: body.category, priority: body.priority, district: body.district ?? null };
    return this.commands.execute(new ClassifyReport(id, command, user, cid, expectedVersion(ifMatch)));
  }

  @Post('reports/:reportId/notes')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add an internal note (never shown to the reporter)' })
  @ApiOkResponse({ type: CaseDetailBody, description: 'the case after the change' })
  @ApiNotFoundError()
  note(@Param('reportId', reportId) id: string, @Body() body: AddNoteDto, @Actor() user: AuthenticatedUser, @CorrelationId() cid: string) {
    return this.commands.execute(new DecideOnCase(id, { type: 'AddNote', text: body.text.trim() }, user, cid));
  }

  @Post('reports/:reportId/duplicate')
  @HttpCode(200)
  @IF_MATCH
  @ApiOperation({ summary: 'Close as a duplicate of another report' })
  @ApiOkResponse({ type: CaseDetailBody, description: 'the case after the change' })
  @ApiNotFoundError()
  duplicate(
    @Param('reportId', reportId) id: string,
    @Body() body: MarkDuplicateDto,
    @Actor() user: AuthenticatedUser,
    @CorrelationId() cid: string,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.commands.execute(
      new MarkDuplicate(id, { type: 'MarkDuplicate', duplicateOf: body.duplicateOf.toLowerCase() }, user, cid, expectedVersion(ifMatch)),
    );
  }

  @Post('reports/:reportId/reject')
  @HttpCode(200)
  @IF_MATCH
  @ApiOperation({ summary: 'Close without action, with a reason' })
  @ApiOkResponse({ type: CaseDetailBody, description: 'the case after the change' })
  @ApiNotFoundError()
  reject(
    @Param('reportId', reportId) id: string,
    @Body() body: RejectReportDto,
    @Actor() user: AuthenticatedUser,
    @CorrelationId() cid: string,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.commands.execute(
      new DecideOnCase(id, { type: 'Reject', reason: body.reason, explanation: body.explanation.trim() }, user, cid, expectedVersion(ifMatch)),
    );
  }

  @Post('reports/:reportId/advice')
  @HttpCode(200)
  @IF_MATCH
  @ApiOperation({ summary: 'Give the reporter advice and close without dispatch' })
  @ApiOkResponse({ type: CaseDetailBody, description: 'the case after the change' })
  @ApiNotFoundError()
  advice(
    @Param('reportId', reportId) id: string,
    @Body() body: GiveAdviceDto,
    @Actor() user: AuthenticatedUser,
    @CorrelationId() cid: string,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.commands.execute(new DecideOnCase(id, { type: 'GiveAdvice', advice: body.advice.trim() }, user, cid, expectedVersion(ifMatch)));
  }

  @Post('reports/:reportId/escalate')
  @HttpCode(200)
  @IF_MATCH
  @ApiOperation({ summary: 'Hand the case to a supervisor' })
  @ApiOkResponse({ type: CaseDetailBody, description: 'the case after the change' })
  @ApiNotFoundError()
  escalate(
    @Param('reportId', reportId) id: string,
    @Body() body: EscalateReportDto,
    @Actor() user: AuthenticatedUser,
    @CorrelationId() cid: string,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.commands.execute(new DecideOnCase(id, { type: 'Escalate', reason: body.reason.trim() }, user, cid, expectedVersion(ifMatch)));
  }

  @Post('reports/:reportId/forward')
  @HttpCode(200)
  @IF_MATCH
  @ApiOperation({ summary: 'Forward for dispatch (needs a classification and a usable location)' })
  @ApiOkResponse({ type: CaseDetailBody, description: 'the case after the change' })
  @ApiNotFoundError()
  forward(@Param('reportId', reportId) id: string, @Actor() user: AuthenticatedUser, @CorrelationId() cid: string, @Headers('if-match') ifMatch?: string) {
    return this.commands.execute(new DecideOnCase(id, { type: 'Forward' }, user, cid, expectedVersion(ifMatch)));
  }

  @Post('reports/:reportId/reassign')
  @HttpCode(200)
  @Roles('supervisor')
  @IF_MATCH
  @ApiOperation({ summary: 'Give the case to an operator (supervisors)' })
  @ApiOkResponse({ type: CaseDetailBody, description: 'the case after the change' })
  @ApiNotFoundError()
  reassign(
    @Param('reportId', reportId) id: string,
    @Body() body: ReassignReportDto,
    @Actor() user: AuthenticatedUser,
    @CorrelationId() cid: string,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.commands.execute(new DecideOnCase(id, { type: 'Reassign', toOperatorId: body.operatorId }, user, cid, expectedVersion(ifMatch)));
  }

  @Post('reports/:reportId/split')
  @HttpCode(200)
  @Roles('supervisor')
  @IF_MATCH
  @ApiOperation({
    summary: 'Split a merged report out of its incident group again, with a reason (supervisors)',
    description:
      'Undoes a duplicate merge: the report returns to the queue with its history and is its own report again for dispatch, ' +
      'its reporter and analytics. 409 NOT_MERGED when it is not merged (or already split); 409 GROUP_INCIDENT_ATTENDED once a ' +
      "unit has been on scene at the group's incident.",
  })
  @ApiOkResponse({ type: CaseDetailBody, description: 'the case after the change' })
  @ApiNotFoundError()
  split(
    @Param('reportId', reportId) id: string,
    @Body() body: SplitFromGroupDto,
    @Actor() user: AuthenticatedUser,
    @CorrelationId() cid: string,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.commands.execute(new SplitFromGroup(id, { type: 'SplitFromGroup', reason: body.reason.trim() }, user, cid, expectedVersion(ifMatch)));
  }

  @Get('supervisor/stats')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Queue depth per priority, oldest waiting, overdue, operators active' })
  @ApiOkResponse({ type: QueueStatsBody })
  stats() {
    return this.queries.execute(new SupervisorStatsQuery());
  }
}
