// Original file: libs/contracts/src/proto/intake.proto

import type { FieldViolation as _callcenter_intake_v1_FieldViolation, FieldViolation__Output as _callcenter_intake_v1_FieldViolation__Output } from '../../../callcenter/intake/v1/FieldViolation';

export interface ItemError {
  /**
   * gRPC status name, e.g. INVALID_ARGUMENT
   */
  'code'?: (string);
  'message'?: (string);
  'violations'?: (_callcenter_intake_v1_FieldViolation)[];
}

export interface ItemError__Output {
  /**
   * gRPC status name, e.g. INVALID_ARGUMENT
   */
  'code'?: (string);
  'message'?: (string);
  'violations'?: (_callcenter_intake_v1_FieldViolation__Output)[];
}
