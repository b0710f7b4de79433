import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CALL_SIGN, RegisterUnitDto, ReportUnitStatusDto, UpdateUnitDto, ValidationFailed } from '@callcenter/contracts';
import { Actor, ApiBadRequestError, ApiConflictError, ApiNotFoundError, AuthenticatedUser, CorrelationId, Roles } from '@callcenter/platform';
import { DispatchBoardService } from '../board/dispatch-board.service';
import { UnitBoardQuery } from '../board/board.queries';
import { actorOf } from '../dispatching';
import { RegisterUnit, ReportUnitStatus, UpdateUnit } from '../unit/unit.commands';
import { unitView } from './views';
import { UnitPageBody, UnitViewBody } from './dispatch.responses';

function unitIdOf(raw: string): string {
  const id = raw.toUpperCase();
  if (!CALL_SIGN.test(id)) throw new ValidationFailed([{ field: 'unitId', message: 'unitId must be a call sign' }]);
  return id;
}

@ApiTags('units')
@Roles('dispatcher', 'supervisor')
@ApiConflictError('a rule named in `rule` forbids it now')
@ApiBadRequestError()
@Controller('api/v1/units')
export class UnitsHttpController {
  constructor(
    private readonly boards: DispatchBoardService,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register a unit (its call sign is its id)' })
  @ApiCreatedResponse({ type: UnitViewBody, description: 'the unit registered' })
  async register(@Body() body: RegisterUnitDto, @Actor() user: AuthenticatedUser, @CorrelationId() correlationId: string) {
    const unit = await this.commands.execute(
      new RegisterUnit(body.callSign, { type: body.type, capabilities: body.capabilities, homeDistrict: body.homeDistrict }, body.onShift, {
        actor: user.id,
        correlationId,
      }),
    );
    return unitView(unit, this.boards.board.unit(unit.unitId)?.version ?? 1, this.boards.board.positionOf(unit.unitId));
  }

  @Patch(':unitId')
  @ApiOperation({ summary: 'Change type, capabilities, home district or shift' })
  @ApiOkResponse({ type: UnitViewBody, description: 'the unit after the change' })
  @ApiNotFoundError()
  async update(@Param('unitId') raw: string, @Body() body: UpdateUnitDto, @Actor() user: AuthenticatedUser, @CorrelationId() correlationId: string) {
    const { onShift, ...details } = body;
    const unit = await this.commands.execute(new UpdateUnit(unitIdOf(raw), details, onShift, { actor: user.id, correlationId }));
    return unitView(unit, this.boards.board.unit(unit.unitId)?.version ?? 0, this.boards.board.positionOf(unit.unitId));
  }

  @Post(':unitId/status')
  @HttpCode(200)
  @Roles('unit', 'dispatcher', 'supervisor')
  @ApiOperation({ summary: 'A unit reports its status and/or position (a unit only its own)' })
  @ApiOkResponse({ type: UnitViewBody, description: 'the unit after the change' })
  @ApiNotFoundError()
  async status(@Param('unitId') raw: string, @Body() body: ReportUnitStatusDto, @Actor() user: AuthenticatedUser, @CorrelationId() correlationId: string) {
    const position = body.latitude !== undefined && body.longitude !== undefined ? { latitude: body.latitude, longitude: body.longitude } : undefined;
    if (!body.status && !position) throw new ValidationFailed([{ field: 'status', message: 'give a status, a position, or both' }]);
    const unit = await this.commands.execute(new ReportUnitStatus(unitIdOf(raw), user, { status: body.status, position }, { actor: user.id, correlationId }));
    return unitView(unit, this.boards.board.unit(unit.unitId)?.version ?? 0, this.boards.board.positionOf(unit.unitId));
  }

  @Get()
  @Roles('dispatcher', 'supervisor', 'unit')
  @ApiOperation({ summary: 'The status board: every unit with status, position and current incident' })
  @ApiOkResponse({ type: UnitPageBody })
  list(@Actor() user: AuthenticatedUser) {
    return this.queries.execute(new UnitBoardQuery(actorOf(user)));
  }
}
