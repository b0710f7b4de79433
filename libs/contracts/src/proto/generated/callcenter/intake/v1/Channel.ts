// Original file: libs/contracts/src/proto/intake.proto

export const Channel = {
  CHANNEL_UNSPECIFIED: 'CHANNEL_UNSPECIFIED',
  HOTLINE: 'HOTLINE',
  MOBILE_APP: 'MOBILE_APP',
  WEB: 'WEB',
  SMS: 'SMS',
  WHATSAPP: 'WHATSAPP',
  WALK_IN: 'WALK_IN',
  OTHER_SYSTEM: 'OTHER_SYSTEM',
} as const;

export type Channel =
  | 'CHANNEL_UNSPECIFIED'
  | 0
  | 'HOTLINE'
  | 1
  | 'MOBILE_APP'
  | 2
  | 'WEB'
  | 3
  | 'SMS'
  | 4
  | 'WHATSAPP'
  | 5
  | 'WALK_IN'
  | 6
  | 'OTHER_SYSTEM'
  | 7

export type Channel__Output = typeof Channel[keyof typeof Channel]
