import { registerDecorator, ValidationArguments } from 'class-validator';

/**
 * Text as people write it: well-formed Unicode, no U+FFFD (what a decoder makes of bytes that were
 * not UTF-8) and no control characters but tab and line breaks. Bad bytes are refused, not stored.
 */
export function IsWellFormedText() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isWellFormedText',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) =>
          value === undefined || value === null || (typeof value === 'string' && (value as any).isWellFormed() && !/[\uFFFD\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(value)),
        defaultMessage: (args?: ValidationArguments) => `${args?.property} must be valid UTF-8 text without control characters`,
      },
    });
}
