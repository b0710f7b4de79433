import 'reflect-metadata';
import { commaList, PageLimit, PageOffset } from '../query-params';
import { NonBlankText } from '../text';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { CATEGORIES, Category, CHANNELS, Channel, PRIORITIES, Priority, REJECTION_REASONS, RejectionReason } from '../reference-data';

/** Ids of people and units in tokens and commands: `op-budi`, `spv.rina`, `unit:PATROL-01`. */
export const PERSON_ID = /^[A-Za-z0-9:._-]{1,64}$/;
export const CASE_STATUSES = ['QUEUED', 'IN_TRIAGE', 'ESCALATED', 'REJECTED', 'DUPLICATE', 'ADVICE_GIVEN', 'FORWARDED'] as const;
export const OPEN_CASE_STATUSES = ['QUEUED', 'IN_TRIAGE', 'ESCALATED'] as const;

const bool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class QueueQueryDto {
  @ApiPropertyOptional({ description: 'Open states, comma-separated', example: 'QUEUED,ESCALATED' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(OPEN_CASE_STATUSES, { each: true, message: `status must be among ${OPEN_CASE_STATUSES.join(', ')}` })
  status?: (typeof OPEN_CASE_STATUSES)[number][];

  @ApiPropertyOptional({ example: 'P1,P2' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(PRIORITIES, { each: true, message: `priority must be among ${PRIORITIES.join(', ')}` })
  priority?: Priority[];

  @ApiPropertyOptional({ example: 'KEBAKARAN' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(CATEGORIES, { each: true, message: `category must be among ${CATEGORIES.join(', ')}` })
  category?: Category[];

  @ApiPropertyOptional({ description: 'District codes of the jurisdiction', example: 'TEBET' })
  @IsOptional()
  @Transform(commaList)
  @Matches(/^[A-Z0-9_]{2,40}$/, { each: true, message: 'district must be district codes (UPPER_SNAKE)' })
  district?: string[];

  @ApiPropertyOptional({ example: 'HOTLINE' })
  @IsOptional()
  @Transform(commaList)
  @IsIn(CHANNELS, { each: true, message: `channel must be among ${CHANNELS.join(', ')}` })
  channel?: Channel[];

  @ApiPropertyOptional({ description: 'Low-trust caller or possible duplicates' })
  @IsOptional()
  @Transform(bool)
  @IsBoolean({ message: 'flagged must be true or false' })
  flagged?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(bool)
  @IsBoolean({ message: 'overdue must be true or false' })
  overdue?: boolean;

  @ApiPropertyOptional({ description: 'Cases claimed by this operator' })
  @IsOptional()
  @Matches(PERSON_ID, { message: 'claimedBy must be an operator id' })
  claimedBy?: string;

  @PageOffset()
  offset = 0;

  @PageLimit(200, 50)
  limit = 50;
}

export class ClassifyReportDto {
  @ApiProperty({ enum: CATEGORIES })
  @IsIn(CATEGORIES, { message: `category must be one of ${CATEGORIES.join(', ')}` })
  category: Category;

  @ApiProperty({ enum: PRIORITIES })
  @IsIn(PRIORITIES, { message: `priority must be one of ${PRIORITIES.join(', ')}` })
  priority: Priority;

  @ApiPropertyOptional({ description: 'District code of the jurisdiction; defaults to the suggested one' })
  @IsOptional()
  @Matches(/^[A-Z0-9_]{2,40}$/, { message: 'district must be a district code (UPPER_SNAKE)' })
  district?: string;
}

export class AddNoteDto {
  @NonBlankText(1, 2000)
  text: string;
}

export class MarkDuplicateDto {
  @ApiProperty({ description: 'The report this one duplicates' })
  @IsUUID('all', { message: 'duplicateOf must be a report id (UUID)' })
  duplicateOf: string;
}

export class RejectReportDto {
  @ApiProperty({ enum: REJECTION_REASONS })
  @IsIn(REJECTION_REASONS, { message: `reason must be one of ${REJECTION_REASONS.join(', ')}` })
  reason: RejectionReason;

  @NonBlankText(3, 1000)
  explanation: string;
}

export class GiveAdviceDto {
  @NonBlankText(3, 2000, { description: 'Shown to the reporter' })
  advice: string;
}

export class EscalateReportDto {
  @NonBlankText(3, 1000)
  reason: string;
}

/** Why a supervisor splits a merged report out of its incident group: a reason like an escalation's (3..1000 characters). */
export class SplitFromGroupDto extends EscalateReportDto {}

export class ReassignReportDto {
  @ApiProperty({ description: 'The operator who takes the case', example: 'op-sari' })
  @Matches(PERSON_ID, { message: 'operatorId must be 1..64 letters, digits, colon, dot, dash or underscore' })
  operatorId: string;
}

/** An admin's erasure of reporters' personal data (UU 27/2022): one report, or every report of a phone number. */
export class EraseReporterDataDto {
  @ApiPropertyOptional({ description: 'The report whose reporter data is erased (give this or phone)' })
  @IsOptional()
  @IsUUID('all', { message: 'reportId must be a report id (UUID)' })
  reportId?: string;

  @ApiPropertyOptional({ description: 'Erase every report given with this number (E.164; give this or reportId)', example: '+6281234567890' })
  @IsOptional()
  @Matches(/^\+[1-9]\d{6,14}$/, { message: 'phone must be in E.164 format, e.g. +6281234567890' })
  phone?: string;

  @NonBlankText(3, 500, { description: 'Why, for the record (e.g. the request it answers)' })
  reason: string;
}

/** An admin switches the model triage suggests with (docs/suggestions.md). */
export class ActivateSuggestionModelDto {
  @ApiProperty({ description: "Version of a model in triage's models folder (file suggestions-<version>.json.gz)", example: '20261204-c452d9182af3' })
  @IsString()
  @Matches(/^\d{8}-[0-9a-f]{12}$/, { message: 'version must be a model version, e.g. 20261204-c452d9182af3' })
  version: string;

  @NonBlankText(3, 500, { description: 'Why, for the record (e.g. the shadow run it follows)' })
  reason: string;
}
