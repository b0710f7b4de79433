// Original file: libs/contracts/src/proto/intake.proto


/**
 * Coordinates, or an address and/or district, or both; never nothing.
 */
export interface Location {
  /**
   * -90..90, WGS84
   */
  'latitude'?: (number | string);
  /**
   * -180..180
   */
  'longitude'?: (number | string);
  /**
   * up to 300 characters
   */
  'address'?: (string);
  /**
   * kecamatan, up to 100 characters
   */
  'district'?: (string);
  '_latitude'?: "latitude";
  '_longitude'?: "longitude";
}

/**
 * Coordinates, or an address and/or district, or both; never nothing.
 */
export interface Location__Output {
  /**
   * -90..90, WGS84
   */
  'latitude'?: (number);
  /**
   * -180..180
   */
  'longitude'?: (number);
  /**
   * up to 300 characters
   */
  'address'?: (string);
  /**
   * kecamatan, up to 100 characters
   */
  'district'?: (string);
  '_latitude'?: "latitude";
  '_longitude'?: "longitude";
}
