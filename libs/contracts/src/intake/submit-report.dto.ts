import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDate,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxDate,
  MaxLength,
  Min,
  MinDate,
  ValidateIf,
  ValidateNested,
  ValidationArguments,
  registerDecorator,
} from 'class-validator';
import { CATEGORIES, CHANNELS, Category, Channel } from '../reference-data';
import { IsWellFormedText } from '../text';

/** E.164: a plus, a country code not starting with 0, up to 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;
const SYSTEM_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Requires coordinates (both), an address or a district: a report must say where. */
function SaysWhere() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'saysWhere',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (_: unknown, args: ValidationArguments) => {
          const l = args.object as LocationDto;
          return l.latitude !== undefined || !!l.address?.trim() || !!l.district?.trim();
        },
        defaultMessage: () => 'a location needs coordinates, an address or a district',
      },
    });
}

// Field names are the proto's (snake_case), so a violation names the field the caller sent.
export class ReporterDto {
  @IsOptional()
  @IsString()
  @MaxLength(120)
  @IsWellFormedText()
  name?: string;

  @IsOptional()
  @Matches(E164, { message: 'phone must be in E.164 format, e.g. +6281234567890' })
  phone?: string;

  @IsBoolean()
  anonymous = false;
}

export class LocationDto {
  @ValidateIf((l: LocationDto) => l.latitude !== undefined || l.longitude !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'latitude must be given with longitude, as a number' })
  @Min(-90)
  @Max(90)
  latitude?: number;

  @ValidateIf((l: LocationDto) => l.latitude !== undefined || l.longitude !== undefined)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'longitude must be given with latitude, as a number' })
  @Min(-180)
  @Max(180)
  longitude?: number;

  @IsOptional()
  @IsString()
  @MaxLength(300)
  @IsWellFormedText()
  address?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  @IsWellFormedText()
  district?: string;

  @SaysWhere()
  readonly where?: never;
}

export class SubmitReportDto {
  @Matches(SYSTEM_ID, { message: 'source_system must be 1..64 lowercase letters, digits, dot, dash or underscore' })
  source_system: string;

  @IsString()
  @Length(1, 128)
  @Matches(/^[\x21-\x7e]+$/, { message: 'external_id must be printable ASCII without spaces' })
  external_id: string;

  @IsIn(CHANNELS, { message: `channel must be one of ${CHANNELS.join(', ')}` })
  channel: Channel;

  @IsDefined({ message: 'reporter is required' })
  @ValidateNested()
  @Type(() => ReporterDto)
  reporter: ReporterDto;

  @IsOptional()
  @IsIn(CATEGORIES, { message: `category_hint must be one of ${CATEGORIES.join(', ')}` })
  category_hint?: Category;

  @IsString()
  @Length(1, 4000, { message: 'description must be 1..4000 characters' })
  @Matches(/\S/, { message: 'description must not be blank' })
  @IsWellFormedText()
  description: string;

  @IsDefined({ message: 'location is required' })
  @ValidateNested()
  @Type(() => LocationDto)
  location: LocationDto;

  @IsOptional()
  @IsDate()
  @MinDate(new Date('2000-01-01T00:00:00Z'), { message: 'occurred_at is implausibly old' })
  @MaxDate(() => new Date(Date.now() + 5 * 60_000), { message: 'occurred_at must not be in the future' })
  occurred_at?: Date;

  @IsInt()
  @Min(0)
  @Max(10_000)
  people_injured = 0;

  @IsInt()
  @Min(0)
  @Max(100_000)
  people_involved = 0;
}
