// Original file: libs/contracts/src/proto/intake.proto


export interface Reporter {
  /**
   * up to 120 characters; may be empty when anonymous
   */
  'name'?: (string);
  /**
   * E.164, e.g. +6281234567890; may be empty when anonymous
   */
  'phone'?: (string);
  'anonymous'?: (boolean);
}

export interface Reporter__Output {
  /**
   * up to 120 characters; may be empty when anonymous
   */
  'name'?: (string);
  /**
   * E.164, e.g. +6281234567890; may be empty when anonymous
   */
  'phone'?: (string);
  'anonymous'?: (boolean);
}
