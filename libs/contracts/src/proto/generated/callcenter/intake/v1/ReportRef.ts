// Original file: libs/contracts/src/proto/intake.proto


export interface ReportRef {
  'report_id'?: (string);
  'tracking_code'?: (string);
  'ref'?: "report_id"|"tracking_code";
}

export interface ReportRef__Output {
  'report_id'?: (string);
  'tracking_code'?: (string);
  'ref'?: "report_id"|"tracking_code";
}
