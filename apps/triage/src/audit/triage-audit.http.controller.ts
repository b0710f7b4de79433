import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAtQueryDto, AuditQueueQueryDto, ValidationFailed } from '@callcenter/contracts';
import { Actor, ApiBadRequestError, ApiNotFoundError, AuthenticatedUser, CorrelationId, Roles } from '@callcenter/platform';
import { PastCaseBody, PastQueueBody } from '../http/triage.responses';
import { TriageAudit } from './triage-audit';

// Used in a parameter decorator below, which no-useless-assignment does not see.
// eslint-disable-next-line no-useless-assignment
const reportId = new ParseUUIDPipe({ exceptionFactory: () => new ValidationFailed([{ field: 'reportId', message: 'reportId must be a UUID' }]) });

@ApiTags('audit')
@Roles('supervisor', 'commander', 'admin')
@ApiBadRequestError('`at` missing, not an ISO-8601 time with a zone, or in the future')
@Controller('api/v1/audit')
export class TriageAuditHttpController {
  constructor(private readonly audit: TriageAudit) {}

  @Get('queue')
  @ApiOperation({ summary: 'The queue exactly as GET /queue answered at `at` (same filters and paging); each look is recorded (PastStateViewed)' })
  @ApiOkResponse({ type: PastQueueBody })
  queue(@Query() query: AuditQueueQueryDto, @Actor() user: AuthenticatedUser, @CorrelationId() cid: string) {
    const { at, offset, limit, ...filter } = query;
    return this.audit.queueAt(at, filter, offset, limit, user, cid);
  }

  @Get('reports/:reportId')
  @ApiOperation({ summary: 'One case as it stood at `at`, with its timeline up to then; each look is recorded (PastStateViewed)' })
  @ApiOkResponse({ type: PastCaseBody })
  @ApiNotFoundError('no such report, or not yet received at `at`')
  report(@Param('reportId', reportId) id: string, @Query() query: AuditAtQueryDto, @Actor() user: AuthenticatedUser, @CorrelationId() cid: string) {
    return this.audit.caseAt(id, query.at, user, cid);
  }
}
