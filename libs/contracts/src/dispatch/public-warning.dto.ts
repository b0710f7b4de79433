import 'reflect-metadata';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsNumber, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { IsWellFormedText, NonBlankText } from '../text';
import { DeclineAssignmentDto } from './dispatch.dto';

/** CAP 1.2's closed vocabularies (OASIS CAP-v1.2 §3.2.2). */
export const CAP_SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
export const CAP_URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export const CAP_CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;
export type CapSeverity = (typeof CAP_SEVERITIES)[number];
export type CapUrgency = (typeof CAP_URGENCIES)[number];
export type CapCertainty = (typeof CAP_CERTAINTIES)[number];

export class PublicWarningAreaDto {
  @NonBlankText(3, 200, { name: 'area.description', example: 'Kel. Tebet Barat dan sekitarnya' })
  description: string;

  @ApiProperty({ minimum: 0.1, maximum: 50, description: 'radius in km around the incident (its position rounded to ~100 m)' })
  @IsNumber({}, { message: 'area.radiusKm must be a number' })
  @Min(0.1, { message: 'area.radiusKm must be 0.1..50' })
  @Max(50, { message: 'area.radiusKm must be 0.1..50' })
  radiusKm: number;
}

/** A public warning as the supervisor words it: published to anyone, so no names, numbers or addresses of people. */
export class IssuePublicWarningDto {
  @NonBlankText(5, 160, { example: 'Kebakaran gudang di Tebet: hindari Jl. Tebet Raya' })
  headline: string;

  @NonBlankText(5, 2000)
  description: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @Length(3, 1000, { message: 'instruction must be 3..1000 characters' })
  @IsWellFormedText()
  instruction?: string;

  @ApiProperty({ enum: CAP_SEVERITIES })
  @IsIn(CAP_SEVERITIES, { message: `severity must be one of ${CAP_SEVERITIES.join(', ')}` })
  severity: CapSeverity;

  @ApiProperty({ enum: CAP_URGENCIES })
  @IsIn(CAP_URGENCIES, { message: `urgency must be one of ${CAP_URGENCIES.join(', ')}` })
  urgency: CapUrgency;

  @ApiProperty({ enum: CAP_CERTAINTIES })
  @IsIn(CAP_CERTAINTIES, { message: `certainty must be one of ${CAP_CERTAINTIES.join(', ')}` })
  certainty: CapCertainty;

  @ApiProperty({ type: PublicWarningAreaDto })
  @ValidateNested()
  @Type(() => PublicWarningAreaDto)
  area: PublicWarningAreaDto;
}

/** Why a supervisor withdraws a warning: the same rule as a unit's reason to decline (3..500 characters). */
export class CancelPublicWarningDto extends DeclineAssignmentDto {}
