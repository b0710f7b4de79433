// Original file: libs/contracts/src/proto/intake.proto

import type { Channel as _callcenter_intake_v1_Channel, Channel__Output as _callcenter_intake_v1_Channel__Output } from '../../../callcenter/intake/v1/Channel';
import type { Reporter as _callcenter_intake_v1_Reporter, Reporter__Output as _callcenter_intake_v1_Reporter__Output } from '../../../callcenter/intake/v1/Reporter';
import type { Location as _callcenter_intake_v1_Location, Location__Output as _callcenter_intake_v1_Location__Output } from '../../../callcenter/intake/v1/Location';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../../google/protobuf/Timestamp';

export interface SubmitReportRequest {
  /**
   * must be the system the API key belongs to
   */
  'source_system'?: (string);
  /**
   * the caller's idempotency key, 1..128 characters
   */
  'external_id'?: (string);
  'channel'?: (_callcenter_intake_v1_Channel);
  'reporter'?: (_callcenter_intake_v1_Reporter | null);
  /**
   * optional: KEJAHATAN, KECELAKAAN_LALU_LINTAS, KEBAKARAN, ...
   */
  'category_hint'?: (string);
  /**
   * 1..4000 characters
   */
  'description'?: (string);
  'location'?: (_callcenter_intake_v1_Location | null);
  /**
   * optional; not in the future
   */
  'occurred_at'?: (_google_protobuf_Timestamp | null);
  'people_injured'?: (number);
  'people_involved'?: (number);
}

export interface SubmitReportRequest__Output {
  /**
   * must be the system the API key belongs to
   */
  'source_system'?: (string);
  /**
   * the caller's idempotency key, 1..128 characters
   */
  'external_id'?: (string);
  'channel'?: (_callcenter_intake_v1_Channel__Output);
  'reporter'?: (_callcenter_intake_v1_Reporter__Output);
  /**
   * optional: KEJAHATAN, KECELAKAAN_LALU_LINTAS, KEBAKARAN, ...
   */
  'category_hint'?: (string);
  /**
   * 1..4000 characters
   */
  'description'?: (string);
  'location'?: (_callcenter_intake_v1_Location__Output);
  /**
   * optional; not in the future
   */
  'occurred_at'?: (_google_protobuf_Timestamp__Output);
  'people_injured'?: (number);
  'people_involved'?: (number);
}
