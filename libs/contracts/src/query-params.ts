import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Query parameters as lists: `a,b` or the parameter repeated. For `@Transform(commaList)`. */
export const commaList = ({ value }: { value: unknown }) =>
  value === undefined
    ? undefined
    : (Array.isArray(value) ? value : [value])
        .flatMap((v) => String(v).split(','))
        .map((v) => v.trim())
        .filter(Boolean);

// The decorators below are listed in the order stacked decorators apply (bottom-up), so violations are reported as before.

/** `offset`: how many rows of a list to skip, a whole number from 0 (default 0). */
export const PageOffset = () =>
  applyDecorators(
    Max(1_000_000),
    Min(0),
    IsInt({ message: 'offset must be a whole number' }),
    Type(() => Number),
    IsOptional(),
    ApiPropertyOptional({ type: Number, default: 0, minimum: 0 }),
  );

/** `limit`: how many rows of a list to return, a whole number from 1 to `max`. */
export const PageLimit = (max: number, defaultLimit: number) =>
  applyDecorators(
    Max(max),
    Min(1),
    IsInt({ message: 'limit must be a whole number' }),
    Type(() => Number),
    IsOptional(),
    ApiPropertyOptional({ type: Number, default: defaultLimit, minimum: 1, maximum: max }),
  );
