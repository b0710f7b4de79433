/**
 * The platform's closed error vocabulary. Codes are stable and part of the public contract:
 * every edge maps them once (HTTP 400/404/409/409/409, gRPC INVALID_ARGUMENT/NOT_FOUND/
 * FAILED_PRECONDITION/ABORTED/ALREADY_EXISTS) and clients may rely on `code`.
 */
export type ErrorCode = 'VALIDATION_FAILED' | 'NOT_FOUND' | 'ILLEGAL_STATE' | 'CONCURRENCY_CONFLICT' | 'ALREADY_EXISTS';

export interface FieldViolation {
  field: string;
  message: string;
}

export abstract class CallCenterError extends Error {
  abstract readonly code: ErrorCode;
}

/** Input broke a rule of the contract; names every field at fault. */
export class ValidationFailed extends CallCenterError {
  readonly code = 'VALIDATION_FAILED';
  constructor(readonly violations: FieldViolation[]) {
    super(violations.map((v) => `${v.field}: ${v.message}`).join('; '));
  }
}

export class NotFound extends CallCenterError {
  readonly code = 'NOT_FOUND';
  constructor(
    readonly what: string,
    readonly id: string,
  ) {
    super(`${what} ${id} not found`);
  }
}

/** A business rule forbids the command in the current state; `rule` names it. */
export class IllegalState extends CallCenterError {
  readonly code = 'ILLEGAL_STATE';
  constructor(
    readonly rule: string,
    message: string,
    readonly state?: unknown,
  ) {
    super(message);
  }
}

/** Someone else appended to the stream first (optimistic concurrency lost). */
export class ConcurrencyConflict extends CallCenterError {
  readonly code = 'CONCURRENCY_CONFLICT';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion?: number,
  ) {
    super(`stream ${streamId} is not at version ${expectedVersion}` + (actualVersion === undefined ? '' : ` (it is at ${actualVersion})`));
  }
}

/**
 * An identifier that must name one thing was given again for something different (e.g. an
 * external id reused with other content); `existing` names what it already identifies.
 */
export class AlreadyExists extends CallCenterError {
  readonly code = 'ALREADY_EXISTS';
  constructor(
    readonly rule: string,
    message: string,
    readonly existing: Record<string, string>,
  ) {
    super(message);
  }
}
