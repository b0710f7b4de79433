// Original file: libs/contracts/src/proto/intake.proto

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp';
import type { ItemError as _callcenter_intake_v1_ItemError, ItemError__Output as _callcenter_intake_v1_ItemError__Output } from '../../../callcenter/intake/v1/ItemError';

export interface SubmitReportResponse {
  'report_id'?: (string);
  /**
   * e.g. 7KQ2M-94XHD: Crockford base32, no I/L/O/U, safe to read over the phone
   */
  'tracking_code'?: (string);
  'received_at'?: (_google_protobuf_Timestamp | null);
  'duplicate'?: (boolean);
  /**
   * echoes the request, so batch answers can be matched
   */
  'external_id'?: (string);
  /**
   * only in SubmitReports, for an item that was not accepted
   */
  'error'?: (_callcenter_intake_v1_ItemError | null);
}

export interface SubmitReportResponse__Output {
  'report_id'?: (string);
  /**
   * e.g. 7KQ2M-94XHD: Crockford base32, no I/L/O/U, safe to read over the phone
   */
  'tracking_code'?: (string);
  'received_at'?: (_google_protobuf_Timestamp__Output);
  'duplicate'?: (boolean);
  /**
   * echoes the request, so batch answers can be matched
   */
  'external_id'?: (string);
  /**
   * only in SubmitReports, for an item that was not accepted
   */
  'error'?: (_callcenter_intake_v1_ItemError__Output);
}
