import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditAtQueryDto } from '@callcenter/contracts';
import { Actor, ApiBadRequestError, AuthenticatedUser, CorrelationId, Roles } from '@callcenter/platform';
import { PastBoardBody } from '../http/dispatch.responses';
import { DispatchAudit } from './dispatch-audit';

@ApiTags('audit')
@Roles('supervisor', 'commander', 'admin')
@ApiBadRequestError('`at` missing, not an ISO-8601 time with a zone, or in the future')
@Controller('api/v1/audit')
export class DispatchAuditHttpController {
  constructor(private readonly audit: DispatchAudit) {}

  @Get('board')
  @ApiOperation({
    summary:
      'The dispatch board at `at`: every unit with its status, position then and incident, and the incidents not yet closed; each look is recorded (PastStateViewed)',
  })
  @ApiOkResponse({ type: PastBoardBody })
  board(@Query() query: AuditAtQueryDto, @Actor() user: AuthenticatedUser, @CorrelationId() cid: string) {
    return this.audit.boardAt(query.at, user, cid);
  }
}
