import { registerDecorator, ValidationArguments } from 'class-validator';

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
