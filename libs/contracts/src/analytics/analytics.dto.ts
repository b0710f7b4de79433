import 'reflect-metadata';
import { commaList, PageLimit, PageOffset } from '../query-params';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsDate,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  Matches,
  Max,
  Min,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
  ValidationArguments,
} from 'class-validator';
import { parseStrictIsoTime } from '../dates';
import { TIME_BASES, TimeBasis } from '../incident-time';
import {
  CATEGORIES,
  Category,
  CHANNELS,
  Channel,
  PRIORITIES,
  Priority,
  REJECTION_REASONS,
  RejectionReason,
  REPORT_STATES,
  ReportState,
} from '../reference-data';

/**
 * Only an ISO-8601 time with a zone (`2026-11-28T00:00:00+07:00` or `…Z`) is accepted, so no one
 * guesses the zone, and only one that exists (`2026-02-31` is refused, not rolled over).
 */
const isoDate = ({ value }: { value: unknown }) => {
  if (value === undefined) return undefined;
  return (typeof value === 'string' && parseStrictIsoTime(value)) || 'invalid';
};

@ValidatorConstraint({ name: 'fromBeforeTo' })
class FromBeforeTo implements ValidatorConstraintInterface {
  validate(to: unknown, args: ValidationArguments) {
    const from = (args.object as StatsQueryDto).from;
    return !(from instanceof Date && to instanceof Date) || from < to;
  }
  defaultMessage() {
    return 'to must be after from';
  }
}

export class StatsQueryDto {
  @ApiPropertyOptional({
    type: String,
    example: '2026-11-01T00:00:00+07:00',
    description: 'Reports received (or, with basis=occurred where offered, that happened) at or after (ISO-8601 with zone)',
  })
  @IsOptional()
  @Transform(isoDate)
  @IsDate({ message: 'from must be an ISO-8601 time with a zone, e.g. 2026-11-01T00:00:00+07:00' })
  from?: Date;

  @ApiPropertyOptional({
    type: String,
    example: '2026-12-01T00:00:00+07:00',
    description: 'Reports received (or, with basis=occurred where offered, that happened) before',
  })
  @IsOptional()
  @Transform(isoDate)
  @IsDate({ message: 'to must be an ISO-8601 time with a zone, e.g. 2026-12-01T00:00:00+07:00' })
  @Validate(FromBeforeTo)
  to?: Date;

  @ApiPropertyOptional({ type: String, example: 'TEBET,CILANDAK' })
  @IsOptional()
  @Transform(commaList)
  @Matches(/^[A-Z0-9_]{2,40}$/, { each: true, message: 'district must be district codes (UPPER_SNAKE)' })
  district?: string[];

  @ApiPropertyOptional({ type: String, example: 'KEJAHATAN' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(CATEGORIES, { each: true, message: `category must be among ${CATEGORIES.join(', ')}` })
  category?: Category[];

  @ApiPropertyOptional({ type: String, example: 'HOTLINE' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(CHANNELS, { each: true, message: `channel must be among ${CHANNELS.join(', ')}` })
  channel?: Channel[];

  @ApiPropertyOptional({ type: String, example: 'P1,P2' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(PRIORITIES, { each: true, message: `priority must be among ${PRIORITIES.join(', ')}` })
  priority?: Priority[];

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'format must be json or csv' })
  format: 'json' | 'csv' = 'json';
}

/**
 * For the queries that place reports in time as analysts compare periods (volume over time,
 * hotspots, the reports behind a count): which time places a report. Load, staffing, durations and
 * workload take no basis: they measure the centre's work, which happens when calls arrive.
 */
export class TimeSeriesQueryDto extends StatsQueryDto {
  @ApiPropertyOptional({
    enum: TIME_BASES,
    default: 'received',
    description:
      'received: when the call centre received the report. occurred: when the reporter says it happened (occurredAt, used when no more than 5 min after receipt and no more than 30 days before it; otherwise the receipt). The answer names the basis it used.',
  })
  @IsOptional()
  @IsIn(TIME_BASES, { message: `basis must be one of ${TIME_BASES.join(', ')}` })
  basis: TimeBasis = 'received';
}

export class HotspotsQueryDto extends TimeSeriesQueryDto {
  @ApiPropertyOptional({ type: Number, default: 10, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'top must be a whole number' })
  @Min(1)
  @Max(100)
  top = 10;

  @ApiPropertyOptional({ type: Number, default: 0.01, description: 'Grid cell size in degrees (0.01° ≈ 1.1 km)' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({}, { message: 'cellDegrees must be a number' })
  @Min(0.001)
  @Max(1)
  cellDegrees = 0.01;
}

export class StaffingQueryDto extends StatsQueryDto {
  @ApiPropertyOptional({ type: Number, description: 'Share of reports to claim within `withinSeconds` (default from ANALYTICS_SERVICE_LEVEL)' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({}, { message: 'share must be a number' })
  @Min(0.01)
  @Max(0.999)
  share?: number;

  @ApiPropertyOptional({ type: Number })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'withinSeconds must be a whole number' })
  @Min(1)
  @Max(3600)
  withinSeconds?: number;
}

/** Drill-down: the reports behind a count, with the stats filters plus a state or a rejection reason. */
export class ReportListQueryDto extends TimeSeriesQueryDto {
  @ApiPropertyOptional({ enum: REPORT_STATES, description: 'Only reports in this state (or ended by this triage decision)' })
  @IsOptional()
  @IsIn(REPORT_STATES, { message: `state must be one of ${REPORT_STATES.join(', ')}` })
  state?: ReportState;

  @ApiPropertyOptional({ enum: REJECTION_REASONS })
  @IsOptional()
  @IsIn(REJECTION_REASONS, { message: `rejectionReason must be one of ${REJECTION_REASONS.join(', ')}` })
  rejectionReason?: RejectionReason;

  @PageOffset()
  offset = 0;

  @PageLimit(500, 50)
  limit = 50;
}
