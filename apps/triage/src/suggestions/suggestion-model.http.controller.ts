import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ActivateSuggestionModelDto } from '@callcenter/contracts';
import { Actor, ApiBadRequestError, ApiConflictError, ApiNotFoundError, AuthenticatedUser, CorrelationId, Roles } from '@callcenter/platform';
import { SuggestionModelActivationBody } from '../http/triage.responses';
import { SuggestionModelActivation } from './suggestion-model-activation';

@ApiTags('suggestions')
@Roles('admin')
@Controller('api/v1/admin')
export class SuggestionModelHttpController {
  constructor(private readonly activation: SuggestionModelActivation) {}

  @Post('suggestion-model')
  @HttpCode(200)
  @ApiOperation({ summary: 'Switch the model triage suggests with: records SuggestionModelActivated; every triage instance loads it' })
  @ApiOkResponse({ type: SuggestionModelActivationBody, description: 'the activation recorded (SuggestionModelActivated)' })
  @ApiNotFoundError('no model of that version in the models folder')
  @ApiBadRequestError('the file is not a model of that version')
  @ApiConflictError('another activation was recorded at the same time (CONCURRENCY_CONFLICT)')
  activate(@Body() body: ActivateSuggestionModelDto, @Actor() user: AuthenticatedUser, @CorrelationId() cid: string) {
    return this.activation.activate(body, user.id, cid);
  }
}
