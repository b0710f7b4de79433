// Original file: libs/contracts/src/proto/intake.proto

import type { ReportState as _callcenter_intake_v1_ReportState, ReportState__Output as _callcenter_intake_v1_ReportState__Output } from '../../../callcenter/intake/v1/ReportState';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp';

/**
 * One step as the reporter may see it: no operator names, no internal notes.
 */
export interface StatusEntry {
  'state'?: (_callcenter_intake_v1_ReportState);
  'at'?: (_google_protobuf_Timestamp | null);
  /**
   * Indonesian, reporter-safe
   */
  'message'?: (string);
}

/**
 * One step as the reporter may see it: no operator names, no internal notes.
 */
export interface StatusEntry__Output {
  'state'?: (_callcenter_intake_v1_ReportState__Output);
  'at'?: (_google_protobuf_Timestamp__Output);
  /**
   * Indonesian, reporter-safe
   */
  'message'?: (string);
}
