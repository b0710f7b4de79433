import { ArgumentsHost, BadRequestException, Catch, ExceptionFilter, HttpException, Logger, ValidationError } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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

export class FieldViolationBody implements FieldViolation {
  @ApiProperty({ example: 'category' }) field: string;
  @ApiProperty({ example: 'category must be one of the following values: KEJAHATAN, …' }) message: string;
}

/**
 * The error body every HTTP route answers with (HttpErrorsFilter above; the guards' 401/403 and
 * analytics' 503 use the same `code` and `message`), as the OpenAPI documents show it.
 */
export class HttpErrorBody {
  @ApiProperty({
    description: 'Stable, part of the contract: 400 VALIDATION_FAILED, 404 NOT_FOUND, 409 ILLEGAL_STATE, CONCURRENCY_CONFLICT or ALREADY_EXISTS',
    example: 'VALIDATION_FAILED',
    enum: [
      'VALIDATION_FAILED',
      'NOT_FOUND',
      'ILLEGAL_STATE',
      'CONCURRENCY_CONFLICT',
      'ALREADY_EXISTS',
      'PAYLOAD_TOO_LARGE',
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'WARMING_UP',
      'INTERNAL',
    ],
  })
  code: string;
  @ApiProperty({ description: 'For people; may change' }) message: string;
  @ApiPropertyOptional({ type: [FieldViolationBody], description: 'VALIDATION_FAILED: every field at fault' }) violations?: FieldViolationBody[];
  @ApiPropertyOptional({ description: 'ILLEGAL_STATE, ALREADY_EXISTS: the business rule that refused, e.g. CASE_ALREADY_CLAIMED' }) rule?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'ILLEGAL_STATE: what the refusal was judged on (status, claim, version)' })
  state?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'NOT_FOUND: what was looked for', example: 'report' }) what?: string;
  @ApiPropertyOptional({ description: 'NOT_FOUND: its id' }) id?: string;
  @ApiPropertyOptional({ description: 'CONCURRENCY_CONFLICT: the stream someone else appended to first' }) streamId?: string;
  @ApiPropertyOptional({ description: 'CONCURRENCY_CONFLICT: the version the change expected' }) expectedVersion?: number;
  @ApiPropertyOptional({ description: 'CONCURRENCY_CONFLICT: the version it is at' }) actualVersion?: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'ALREADY_EXISTS: what the identifier already names' })
  existing?: Record<string, string>;
}

/** The documented error answers of a route, each with HttpErrorBody (descriptions say when). */
export const ApiBadRequestError = (description = 'A parameter or field breaks the contract; `violations` names each (VALIDATION_FAILED)') =>
  ApiBadRequestResponse({ type: HttpErrorBody, description });
export const ApiNotFoundError = (description = 'No such one (NOT_FOUND)') => ApiNotFoundResponse({ type: HttpErrorBody, description });
export const ApiConflictError = (description = 'A rule named in `rule` forbids it now (ILLEGAL_STATE), or someone acted first (CONCURRENCY_CONFLICT)') =>
  ApiConflictResponse({ type: HttpErrorBody, description });
