import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ActivateSuggestionModelDto } from '@callcenter/contracts';
import { Actor, AuthenticatedUser, CorrelationId, Roles } from '@callcenter/platform';
import { SuggestionModelActivation } from './suggestion-model-activation';

@ApiTags('suggestions')
@Roles('admin')
@Controller('api/v1/admin')
export class SuggestionModelHttpController {
  constructor(private readonly activation: SuggestionModelActivation) {}

  @Post('suggestion-model')
  @HttpCode(200)
  @ApiOperation({ summary: 'Switch the model triage suggests with: records SuggestionModelActivated; every triage instance loads it' })
  @ApiNotFoundResponse({ description: 'no model of that version in the models folder' })
  @ApiBadRequestResponse({ description: 'the file is not a model of that version' })
  @ApiConflictResponse({ description: 'another activation was recorded at the same time' })
  activate(@Body() body: ActivateSuggestionModelDto, @Actor() user: AuthenticatedUser, @CorrelationId() cid: string) {
    return this.activation.activate(body, user.id, cid);
  }
}
