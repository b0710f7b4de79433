import 'reflect-metadata';
import { IsWellFormedText } from '../text';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { CATEGORIES, Category, CHANNELS, Channel, PRIORITIES, Priority, REJECTION_REASONS, RejectionReason } from '../reference-data';

const NOT_BLANK = /\S/;
/** Ids of people and units in tokens and commands: `op-budi`, `spv.rina`, `unit:PATROL-01`. */
export const PERSON_ID = /^[A-Za-z0-9:._-]{1,64}$/;
export const CASE_STATUSES = ['QUEUED', 'IN_TRIAGE', 'ESCALATED', 'REJECTED', 'DUPLICATE', 'ADVICE_GIVEN', 'FORWARDED'] as const;
export const OPEN_CASE_STATUSES = ['QUEUED', 'IN_TRIAGE', 'ESCALATED'] as const;

/** `a,b` or repeated parameters, as a list. */
const list = ({ value }: { value: unknown }) =>
  value === undefined
    ? undefined
    : (Array.isArray(value) ? value : [value])
        .flatMap((v) => String(v).split(','))
        .map((v) => v.trim())
        .filter(Boolean);
const bool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class QueueQueryDto {
  @ApiPropertyOptional({ description: 'Open states, comma-separated', example: 'QUEUED,ESCALATED' })
  @IsOptional()
  @Transform(list)
  @IsIn(OPEN_CASE_STATUSES, { each: true, message: `status must be among ${OPEN_CASE_STATUSES.join(', ')}` })
  status?: (typeof OPEN_CASE_STATUSES)[number][];

  @ApiPropertyOptional({ example: 'P1,P2' })
  @IsOptional()
  @Transform(list)
  @IsIn(PRIORITIES, { each: true, message: `priority must be among ${PRIORITIES.join(', ')}` })
  priority?: Priority[];

  @ApiPropertyOptional({ example: 'KEBAKARAN' })
  @IsOptional()
  @Transform(list)
  @IsIn(CATEGORIES, { each: true, message: `category must be among ${CATEGORIES.join(', ')}` })
  category?: Category[];

  @ApiPropertyOptional({ description: 'District codes of the jurisdiction', example: 'TEBET' })
  @IsOptional()
  @Transform(list)
  @Matches(/^[A-Z0-9_]{2,40}$/, { each: true, message: 'district must be district codes (UPPER_SNAKE)' })
  district?: string[];

  @ApiPropertyOptional({ example: 'HOTLINE' })
  @IsOptional()
  @Transform(list)
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

  @ApiPropertyOptional({ type: Number, default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'offset must be a whole number' })
  @Min(0)
  @Max(1_000_000)
  offset = 0;

  @ApiPropertyOptional({ type: Number, default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(200)
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
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @Length(1, 2000, { message: 'text must be 1..2000 characters' })
  @Matches(NOT_BLANK, { message: 'text must not be blank' })
  @IsWellFormedText()
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

  @ApiProperty({ maxLength: 1000 })
  @IsString()
  @Length(3, 1000, { message: 'explanation must be 3..1000 characters' })
  @Matches(NOT_BLANK, { message: 'explanation must not be blank' })
  @IsWellFormedText()
  explanation: string;
}

export class GiveAdviceDto {
  @ApiProperty({ description: 'Shown to the reporter', maxLength: 2000 })
  @IsString()
  @Length(3, 2000, { message: 'advice must be 3..2000 characters' })
  @Matches(NOT_BLANK, { message: 'advice must not be blank' })
  @IsWellFormedText()
  advice: string;
}

export class EscalateReportDto {
  @ApiProperty({ maxLength: 1000 })
  @IsString()
  @Length(3, 1000, { message: 'reason must be 3..1000 characters' })
  @Matches(NOT_BLANK, { message: 'reason must not be blank' })
  @IsWellFormedText()
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

  @ApiProperty({ description: 'Why, for the record (e.g. the request it answers)', maxLength: 500 })
  @IsString()
  @Length(3, 500, { message: 'reason must be 3..500 characters' })
  @Matches(NOT_BLANK, { message: 'reason must not be blank' })
  @IsWellFormedText()
  reason: string;
}

/** An admin switches the model triage suggests with (docs/suggestions.md). */
export class ActivateSuggestionModelDto {
  @ApiProperty({ description: "Version of a model in triage's models folder (file suggestions-<version>.json.gz)", example: '20261204-c452d9182af3' })
  @IsString()
  @Matches(/^\d{8}-[0-9a-f]{12}$/, { message: 'version must be a model version, e.g. 20261204-c452d9182af3' })
  version: string;

  @ApiProperty({ description: 'Why, for the record (e.g. the shadow run it follows)', maxLength: 500 })
  @IsString()
  @Length(3, 500, { message: 'reason must be 3..500 characters' })
  @Matches(NOT_BLANK, { message: 'reason must not be blank' })
  @IsWellFormedText()
  reason: string;
}
