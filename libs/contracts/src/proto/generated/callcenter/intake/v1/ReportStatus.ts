// Original file: libs/contracts/src/proto/intake.proto

import type { ReportState as _callcenter_intake_v1_ReportState, ReportState__Output as _callcenter_intake_v1_ReportState__Output } from '../../../callcenter/intake/v1/ReportState';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp';
import type { StatusEntry as _callcenter_intake_v1_StatusEntry, StatusEntry__Output as _callcenter_intake_v1_StatusEntry__Output } from '../../../callcenter/intake/v1/StatusEntry';

export interface ReportStatus {
  'report_id'?: (string);
  'tracking_code'?: (string);
  'state'?: (_callcenter_intake_v1_ReportState);
  'received_at'?: (_google_protobuf_Timestamp | null);
  'timeline'?: (_callcenter_intake_v1_StatusEntry)[];
  /**
   * no further change will follow
   */
  'final'?: (boolean);
}

export interface ReportStatus__Output {
  'report_id'?: (string);
  'tracking_code'?: (string);
  'state'?: (_callcenter_intake_v1_ReportState__Output);
  'received_at'?: (_google_protobuf_Timestamp__Output);
  'timeline'?: (_callcenter_intake_v1_StatusEntry__Output)[];
  /**
   * no further change will follow
   */
  'final'?: (boolean);
}
