import { ArgumentsHost, Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Observable, throwError } from 'rxjs';
import { CallCenterError, ValidationFailed } from '@callcenter/contracts';

const CODES: Record<CallCenterError['code'], GrpcStatus> = {
  VALIDATION_FAILED: GrpcStatus.INVALID_ARGUMENT,
  NOT_FOUND: GrpcStatus.NOT_FOUND,
  ILLEGAL_STATE: GrpcStatus.FAILED_PRECONDITION,
  CONCURRENCY_CONFLICT: GrpcStatus.ABORTED,
};

export interface GrpcError {
  code: GrpcStatus;
  message: string;
  violations?: { field: string; message: string }[];
}

/** The one place the error vocabulary becomes gRPC status codes. */
export function toGrpcError(error: unknown): GrpcError {
  if (error instanceof RpcException) return error.getError() as GrpcError;
  if (error instanceof ValidationFailed) {
    return { code: GrpcStatus.INVALID_ARGUMENT, message: error.message, violations: error.violations };
  }
  if (error instanceof CallCenterError) return { code: CODES[error.code], message: error.message };
  return { code: GrpcStatus.INTERNAL, message: 'internal error' };
}

@Catch()
export class GrpcErrorsFilter implements RpcExceptionFilter {
  private readonly logger = new Logger('GrpcErrors');

  catch(error: unknown, _host: ArgumentsHost): Observable<never> {
    const mapped = toGrpcError(error);
    if (mapped.code === GrpcStatus.INTERNAL) this.logger.error(error instanceof Error ? error.stack : String(error));
    return throwError(() => ({ code: mapped.code, message: mapped.message }));
  }
}
