import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EraseReporterDataDto } from '@callcenter/contracts';
import { Actor, ApiBadRequestError, ApiNotFoundError, AuthenticatedUser, CorrelationId, Roles } from '@callcenter/platform';
import { ErasureReceiptBody } from '../http/triage.responses';
import { ReporterErasure } from './reporter-erasure';

@ApiTags('personal data')
@Roles('admin')
@Controller('api/v1/admin')
export class ReporterErasureHttpController {
  constructor(private readonly erasure: ReporterErasure) {}

  @Post('erasures')
  @HttpCode(200)
  @ApiOperation({
    summary: "Erase reporters' personal data (one report, or every report of a phone number): destroys their keys and records ReporterDataErased",
  })
  @ApiOkResponse({ type: ErasureReceiptBody, description: 'what was erased (recorded as ReporterDataErased)' })
  @ApiBadRequestError('give either reportId or phone, and a reason')
  @ApiNotFoundError('no such report, or no report with that phone number')
  erase(@Body() body: EraseReporterDataDto, @Actor() user: AuthenticatedUser, @CorrelationId() cid: string) {
    return this.erasure.erase(body, user.id, cid);
  }
}
