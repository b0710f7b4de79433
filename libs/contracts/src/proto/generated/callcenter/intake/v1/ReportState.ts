// Original file: libs/contracts/src/proto/intake.proto

export const ReportState = {
  REPORT_STATE_UNSPECIFIED: 'REPORT_STATE_UNSPECIFIED',
  RECEIVED: 'RECEIVED',
  IN_TRIAGE: 'IN_TRIAGE',
  REJECTED: 'REJECTED',
  DUPLICATE: 'DUPLICATE',
  ADVICE_GIVEN: 'ADVICE_GIVEN',
  FORWARDED: 'FORWARDED',
  DISPATCHED: 'DISPATCHED',
  ON_SCENE: 'ON_SCENE',
  RESOLVED: 'RESOLVED',
  CLOSED: 'CLOSED',
} as const;

export type ReportState =
  | 'REPORT_STATE_UNSPECIFIED'
  | 0
  | 'RECEIVED'
  | 1
  | 'IN_TRIAGE'
  | 2
  | 'REJECTED'
  | 3
  | 'DUPLICATE'
  | 4
  | 'ADVICE_GIVEN'
  | 5
  | 'FORWARDED'
  | 6
  | 'DISPATCHED'
  | 7
  | 'ON_SCENE'
  | 8
  | 'RESOLVED'
  | 9
  | 'CLOSED'
  | 10

export type ReportState__Output = typeof ReportState[keyof typeof ReportState]
