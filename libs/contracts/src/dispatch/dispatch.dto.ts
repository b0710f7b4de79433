import 'reflect-metadata';
import { commaList, PageLimit, PageOffset } from '../query-params';
import { NonBlankText } from '../text';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsNumber, IsOptional, IsUUID, Matches, Max, Min, ValidateIf } from 'class-validator';
import { RESOLUTION_OUTCOMES, ResolutionOutcome, UNIT_STATUSES, UNIT_TYPES, UnitStatus, UnitType } from '../reference-data';

/** A unit's call sign is its id: `PATROL-TEBET-01`. */
export const CALL_SIGN = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
const CAPABILITY = /^[A-Z][A-Z0-9_]{1,39}$/;
const DISTRICT = /^[A-Z0-9_]{2,40}$/;
export const INCIDENT_STATUSES = ['AWAITING_UNIT', 'ASSIGNED', 'ACKNOWLEDGED', 'EN_ROUTE', 'ON_SCENE', 'RESOLVED', 'CLOSED'] as const;

export class RegisterUnitDto {
  @ApiProperty({ example: 'PATROL-TEBET-01', description: 'Call sign, also the unit id' })
  @Matches(CALL_SIGN, { message: 'callSign must be 2..40 capital letters, digits or dashes' })
  callSign: string;

  @ApiProperty({ enum: UNIT_TYPES })
  @IsIn(UNIT_TYPES, { message: `type must be one of ${UNIT_TYPES.join(', ')}` })
  type: UnitType;

  @ApiPropertyOptional({ example: ['FIRST_AID'], type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(CAPABILITY, { each: true, message: 'capabilities must be UPPER_SNAKE words' })
  capabilities: string[] = [];

  @ApiProperty({ example: 'TEBET', description: 'District code of the jurisdiction' })
  @Matches(DISTRICT, { message: 'homeDistrict must be a district code (UPPER_SNAKE)' })
  homeDistrict: string;

  @ApiPropertyOptional({ type: Boolean, default: false })
  @IsOptional()
  @IsBoolean({ message: 'onShift must be true or false' })
  onShift = false;
}

export class UpdateUnitDto {
  @ApiPropertyOptional({ enum: UNIT_TYPES })
  @IsOptional()
  @IsIn(UNIT_TYPES, { message: `type must be one of ${UNIT_TYPES.join(', ')}` })
  type?: UnitType;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(CAPABILITY, { each: true, message: 'capabilities must be UPPER_SNAKE words' })
  capabilities?: string[];

  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @Matches(DISTRICT, { message: 'homeDistrict must be a district code (UPPER_SNAKE)' })
  homeDistrict?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @IsBoolean({ message: 'onShift must be true or false' })
  onShift?: boolean;
}

export class ReportUnitStatusDto {
  @ApiPropertyOptional({ enum: UNIT_STATUSES })
  @IsOptional()
  @IsIn(UNIT_STATUSES, { message: `status must be one of ${UNIT_STATUSES.join(', ')}` })
  status?: UnitStatus;

  @ApiPropertyOptional({ example: -6.2297 })
  @ValidateIf((d: ReportUnitStatusDto) => d.latitude !== undefined || d.longitude !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'latitude must be given with longitude, as a number' })
  @Min(-90)
  @Max(90)
  latitude?: number;

  @ApiPropertyOptional({ example: 106.8532 })
  @ValidateIf((d: ReportUnitStatusDto) => d.latitude !== undefined || d.longitude !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'longitude must be given with latitude, as a number' })
  @Min(-180)
  @Max(180)
  longitude?: number;
}

export class AssignUnitDto {
  @ApiProperty({ example: 'PATROL-TEBET-01' })
  @Matches(CALL_SIGN, { message: 'unitId must be a call sign' })
  unitId: string;
}

export class DeclineAssignmentDto {
  @NonBlankText(3, 500)
  reason: string;
}

export class ResolveIncidentDto {
  @ApiProperty({ enum: RESOLUTION_OUTCOMES })
  @IsIn(RESOLUTION_OUTCOMES, { message: `outcome must be one of ${RESOLUTION_OUTCOMES.join(', ')}` })
  outcome: ResolutionOutcome;

  @NonBlankText(3, 2000)
  summary: string;
}

export class IncidentQueryDto {
  @ApiPropertyOptional({ description: 'The incident of this report' })
  @IsOptional()
  @IsUUID('all', { message: 'reportId must be a UUID' })
  reportId?: string;

  @ApiPropertyOptional({ example: 'AWAITING_UNIT,ASSIGNED' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(INCIDENT_STATUSES, { each: true, message: `status must be among ${INCIDENT_STATUSES.join(', ')}` })
  status?: (typeof INCIDENT_STATUSES)[number][];

  @PageOffset()
  offset = 0;

  @PageLimit(500, 100)
  limit = 100;
}
