import { ArgumentsHost, BadRequestException, Catch, ExceptionFilter, HttpException, Logger, ValidationError } from '@nestjs/common';
import type { Response } from 'express';
import { CallCenterError, FieldViolation, ValidationFailed } from '@callcenter/contracts';

const STATUS: Record<CallCenterError['code'], number> = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  ILLEGAL_STATE: 409,
  CONCURRENCY_CONFLICT: 409,
  ALREADY_EXISTS: 409,
};

/** Flattens class-validator errors into field paths (`location.latitude`). */
export function toViolations(errors: ValidationError[], parent = ''): FieldViolation[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...toViolations(e.children ?? [], field)];
  });
}

/** The one place the error vocabulary becomes HTTP: 400/404/409 with a stable `code`. */
@Catch()
export class HttpErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (error instanceof CallCenterError) {
      const { name, stack, ...details } = error as unknown as Record<string, unknown>;
      response.status(STATUS[error.code]).json({ ...details, code: error.code, message: error.message });
      return;
    }
    if (error instanceof HttpException) {
      const body = error.getResponse();
      response.status(error.getStatus()).json(typeof body === 'string' ? { message: body } : body);
      return;
    }
    // body-parser's own errors (too large, not JSON, bad charset) carry their 4xx status.
    const status = (error as { status?: unknown })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500 && typeof (error as { type?: unknown }).type === 'string') {
      const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED';
      response.status(status).json({ code, message: (error as Error).message, violations: [{ field: 'body', message: (error as Error).message }] });
      return;
    }
    this.logger.error(error instanceof Error ? error.stack : String(error));
    response.status(500).json({ code: 'INTERNAL', message: 'internal error' });
  }
}

export const validationExceptionFactory = (errors: ValidationError[]) => new ValidationFailed(toViolations(errors));

/** Body-parser errors (bad JSON, too large) arrive as HttpExceptions: keep their 400/413. */
export { BadRequestException };
