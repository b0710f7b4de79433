import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { IsString, Length, Matches, registerDecorator, ValidationArguments } from 'class-validator';

/**
 * Text as people write it: well-formed Unicode, no U+FFFD (what a decoder makes of bytes that were
 * not UTF-8), no control characters but tab and line breaks (C0, DEL and C1 U+0080–U+009F), and no bidirectional embeddings, overrides or
 * isolates (U+202A–U+202E, U+2066–U+2069), which can make a screen show an address or a name
 * other than the one stored. Bad bytes are refused, not stored.
 */
const FORBIDDEN = /[\uFFFD\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

export function isWellFormedText(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && (value as any).isWellFormed() && !FORBIDDEN.test(value));
}

/** Validates a DTO field with isWellFormedText. */
export function IsWellFormedText() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isWellFormedText',
      target: target.constructor,
      propertyName,
      validator: {
        validate: isWellFormedText,
        defaultMessage: (args?: ValidationArguments) => `${args?.property} must be valid UTF-8 text without control characters or bidirectional overrides`,
      },
    });
}

/**
 * A required field people write in: a string of `min`..`max` characters, not blank, well-formed
 * ({@link IsWellFormedText}). Messages name the field as `name` (default: the property).
 */
export function NonBlankText(min: number, max: number, { name, ...api }: ApiPropertyOptions & { name?: string } = {}) {
  return (target: object, propertyName: string) => {
    const field = name ?? propertyName;
    // In the order stacked decorators apply (bottom-up), so violations are reported as before.
    IsWellFormedText()(target, propertyName);
    applyDecorators(
      Matches(/\S/, { message: `${field} must not be blank` }),
      Length(min, max, { message: `${field} must be ${min}..${max} characters` }),
      IsString(),
      ApiProperty({ ...api, maxLength: max }),
    )(target, propertyName);
  };
}
