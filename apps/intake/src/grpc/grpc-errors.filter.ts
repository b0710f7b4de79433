import { ArgumentsHost, Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { Observable, throwError } from 'rxjs';
import { CallCenterError, ValidationFailed } from '@callcenter/contracts';
import { isTransientFailure } from '@callcenter/platform';

const CODES: Record<CallCenterError['code'], GrpcStatus> = {
  VALIDATION_FAILED: GrpcStatus.INVALID_ARGUMENT,
  NOT_FOUND: GrpcStatus.NOT_FOUND,
  ILLEGAL_STATE: GrpcStatus.FAILED_PRECONDITION,
  CONCURRENCY_CONFLICT: GrpcStatus.ABORTED,
  ALREADY_EXISTS: GrpcStatus.ALREADY_EXISTS,
};

export interface GrpcError {
  code: GrpcStatus;
  message: string;
  violations?: { field: string; message: string }[];
  /** How long the caller should wait before trying again (load shed, rate limit). */
  retryAfterMs?: number;
}

/** The standard gRPC retry pushback: a client with a retry policy waits this long before its next attempt. */
export const RETRY_PUSHBACK_HEADER = 'grpc-retry-pushback-ms';

/**
 * The one place the error vocabulary becomes gRPC status codes. An outage or timeout of the
 * database or Kafka is UNAVAILABLE (the report was not accepted; a well-behaved client retries,
 * and the retry is idempotent by external id), never INTERNAL.
 */
export function toGrpcError(error: unknown): GrpcError {
  if (error instanceof RpcException) return error.getError() as GrpcError;
  if (error instanceof ValidationFailed) {
    return { code: GrpcStatus.INVALID_ARGUMENT, message: error.message, violations: error.violations };
  }
  if (error instanceof CallCenterError) return { code: CODES[error.code], message: error.message };
  if (isTransientFailure(error)) {
    return { code: GrpcStatus.UNAVAILABLE, message: 'intake cannot store reports right now; retry with the same external_id' };
  }
  return { code: GrpcStatus.INTERNAL, message: 'internal error' };
}

@Catch()
export class GrpcErrorsFilter implements RpcExceptionFilter {
  private readonly logger = new Logger('GrpcErrors');

  catch(error: unknown, _host: ArgumentsHost): Observable<never> {
    const mapped = toGrpcError(error);
    logUnexpected(this.logger, mapped, error);
    return throwError(() => ({ code: mapped.code, message: mapped.message, ...trailersOf(mapped) }));
  }
}

/** The retry hint travels as trailing metadata (grpc-js sends an error's `metadata` as trailers). */
export function trailersOf(error: GrpcError): { metadata?: Metadata } {
  if (error.retryAfterMs === undefined) return {};
  const metadata = new Metadata();
  metadata.set(RETRY_PUSHBACK_HEADER, String(Math.max(0, Math.round(error.retryAfterMs))));
  return { metadata };
}

/** INTERNAL is a bug: its stack is logged; UNAVAILABLE is an outage: one line is enough. */
export function logUnexpected(logger: Logger, mapped: GrpcError, error: unknown): void {
  if (mapped.code === GrpcStatus.INTERNAL) logger.error(error instanceof Error ? error.stack : String(error));
  else if (mapped.code === GrpcStatus.UNAVAILABLE) logger.warn(`unavailable: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
}
