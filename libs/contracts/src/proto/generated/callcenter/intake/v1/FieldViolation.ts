// Original file: libs/contracts/src/proto/intake.proto


export interface FieldViolation {
  'field'?: (string);
  'message'?: (string);
}

export interface FieldViolation__Output {
  'field'?: (string);
  'message'?: (string);
}
