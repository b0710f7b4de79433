/** Reference data shared by every service (DESIGN.md, "Reference data"). */

export const CATEGORIES = [
  'KEJAHATAN',
  'KECELAKAAN_LALU_LINTAS',
  'KEBAKARAN',
  'GANGGUAN_KETERTIBAN',
  'BENCANA',
  'DARURAT_MEDIS',
  'ORANG_HILANG',
  'INFORMASI_PENGADUAN',
  'LAINNYA',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Indonesian label and English name of each category, for people-facing views. */
export const CATEGORY_LABELS: Record<Category, { id: string; en: string }> = {
  KEJAHATAN: { id: 'Kejahatan', en: 'Crime' },
  KECELAKAAN_LALU_LINTAS: { id: 'Kecelakaan lalu lintas', en: 'Traffic accident' },
  KEBAKARAN: { id: 'Kebakaran', en: 'Fire' },
  GANGGUAN_KETERTIBAN: { id: 'Gangguan ketertiban', en: 'Public disorder' },
  BENCANA: { id: 'Bencana', en: 'Disaster' },
  DARURAT_MEDIS: { id: 'Darurat medis', en: 'Medical emergency' },
  ORANG_HILANG: { id: 'Orang hilang', en: 'Missing person' },
  INFORMASI_PENGADUAN: { id: 'Informasi / pengaduan', en: 'Information / complaint' },
  LAINNYA: { id: 'Lainnya', en: 'Other' },
};

/** P1 threat to life now; P2 urgent; P3 non-urgent; P4 no dispatch. */
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const CHANNELS = ['HOTLINE', 'MOBILE_APP', 'WEB', 'SMS', 'WHATSAPP', 'WALK_IN', 'OTHER_SYSTEM'] as const;
export type Channel = (typeof CHANNELS)[number];

export const ROLES = ['operator', 'supervisor', 'dispatcher', 'unit', 'analyst', 'commander', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The states of a report's life across every service, as the reporter follows it (proto ReportState)
 * and analytics counts it: received, in triage, ended by a triage decision or forwarded, then dispatched to its close.
 */
export const REPORT_STATES = [
  'RECEIVED',
  'IN_TRIAGE',
  'REJECTED',
  'DUPLICATE',
  'ADVICE_GIVEN',
  'FORWARDED',
  'DISPATCHED',
  'ON_SCENE',
  'RESOLVED',
  'CLOSED',
] as const;
export type ReportState = (typeof REPORT_STATES)[number];

/** Shown to people in this zone; UTC on the wire and in storage. */
export const DISPLAY_TIME_ZONE = 'Asia/Jakarta';

/** Why triage closed a report without action. */
export const REJECTION_REASONS = ['PRANK', 'NOT_POLICE_MATTER', 'INSUFFICIENT_INFORMATION', 'OUT_OF_JURISDICTION'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** Kinds of field unit a Polres sends (which handles what: apps/dispatch/src/recommendation). */
export const UNIT_TYPES = ['PATROL_CAR', 'MOTORCYCLE_PATROL', 'TRAFFIC', 'INVESTIGATION', 'FIRE_LIAISON', 'AMBULANCE_LIAISON'] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

/**
 * Which unit types can handle each category, best suited first: the order is the dispatcher's
 * preference when two units would arrive at the same time (dispatch's recommendation;
 * the simulator's histories send units the same way). Every category includes PATROL_CAR,
 * because a patrol can always secure the scene and report back until a specialist arrives.
 */
export const CATEGORY_UNIT_TYPES: Readonly<Record<Category, readonly UnitType[]>> = {
  KEJAHATAN: ['PATROL_CAR', 'MOTORCYCLE_PATROL', 'INVESTIGATION'],
  KECELAKAAN_LALU_LINTAS: ['TRAFFIC', 'PATROL_CAR', 'MOTORCYCLE_PATROL', 'AMBULANCE_LIAISON'],
  KEBAKARAN: ['FIRE_LIAISON', 'PATROL_CAR'],
  GANGGUAN_KETERTIBAN: ['PATROL_CAR', 'MOTORCYCLE_PATROL'],
  BENCANA: ['PATROL_CAR', 'FIRE_LIAISON', 'AMBULANCE_LIAISON'],
  DARURAT_MEDIS: ['AMBULANCE_LIAISON', 'PATROL_CAR'],
  ORANG_HILANG: ['PATROL_CAR', 'INVESTIGATION', 'MOTORCYCLE_PATROL'],
  INFORMASI_PENGADUAN: ['PATROL_CAR'],
  LAINNYA: ['PATROL_CAR', 'MOTORCYCLE_PATROL'],
};

/** What a unit reports about itself. */
export const UNIT_STATUSES = ['AVAILABLE', 'EN_ROUTE', 'ON_SCENE', 'BUSY', 'OFF_DUTY'] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];

/** How an incident ended. CANCELLED: called off before a unit got there. */
export const RESOLUTION_OUTCOMES = ['HANDLED_ON_SCENE', 'ARREST_MADE', 'REFERRED', 'FALSE_ALARM', 'NO_TRACE', 'CANCELLED'] as const;
export type ResolutionOutcome = (typeof RESOLUTION_OUTCOMES)[number];

/** Indonesian and English labels for people-facing views (the console and the portal). */
export type Labels<T extends string> = Record<T, { id: string; en: string }>;

export const PRIORITY_LABELS: Labels<Priority> = {
  P1: { id: 'P1 — ancaman nyawa', en: 'P1 — threat to life' },
  P2: { id: 'P2 — mendesak', en: 'P2 — urgent' },
  P3: { id: 'P3 — tidak mendesak', en: 'P3 — non-urgent' },
  P4: { id: 'P4 — tanpa pengiriman', en: 'P4 — no dispatch' },
};

export const CHANNEL_LABELS: Labels<Channel> = {
  HOTLINE: { id: 'Telepon 110', en: '110 hotline' },
  MOBILE_APP: { id: 'Aplikasi', en: 'Mobile app' },
  WEB: { id: 'Portal web', en: 'Web portal' },
  SMS: { id: 'SMS', en: 'SMS' },
  WHATSAPP: { id: 'WhatsApp', en: 'WhatsApp' },
  WALK_IN: { id: 'Datang langsung', en: 'Walk-in' },
  OTHER_SYSTEM: { id: 'Sistem lain', en: 'Other system' },
};

export const REJECTION_REASON_LABELS: Labels<RejectionReason> = {
  PRANK: { id: 'Iseng / palsu', en: 'Prank' },
  NOT_POLICE_MATTER: { id: 'Bukan ranah polisi', en: 'Not a police matter' },
  INSUFFICIENT_INFORMATION: { id: 'Informasi kurang', en: 'Insufficient information' },
  OUT_OF_JURISDICTION: { id: 'Di luar wilayah', en: 'Out of jurisdiction' },
};

export const UNIT_TYPE_LABELS: Labels<UnitType> = {
  PATROL_CAR: { id: 'Mobil patroli', en: 'Patrol car' },
  MOTORCYCLE_PATROL: { id: 'Patroli motor', en: 'Motorcycle patrol' },
  TRAFFIC: { id: 'Satlantas', en: 'Traffic' },
  INVESTIGATION: { id: 'Reskrim', en: 'Investigation' },
  FIRE_LIAISON: { id: 'Penghubung Damkar', en: 'Fire liaison' },
  AMBULANCE_LIAISON: { id: 'Penghubung ambulans', en: 'Ambulance liaison' },
};

export const UNIT_STATUS_LABELS: Labels<UnitStatus> = {
  AVAILABLE: { id: 'Siaga', en: 'Available' },
  EN_ROUTE: { id: 'Menuju TKP', en: 'En route' },
  ON_SCENE: { id: 'Di TKP', en: 'On scene' },
  BUSY: { id: 'Sibuk', en: 'Busy' },
  OFF_DUTY: { id: 'Tidak aktif', en: 'Off duty' },
};

export const RESOLUTION_OUTCOME_LABELS: Labels<ResolutionOutcome> = {
  HANDLED_ON_SCENE: { id: 'Ditangani di tempat', en: 'Handled on scene' },
  ARREST_MADE: { id: 'Ada penangkapan', en: 'Arrest made' },
  REFERRED: { id: 'Dirujuk', en: 'Referred' },
  FALSE_ALARM: { id: 'Laporan tidak terbukti', en: 'False alarm' },
  NO_TRACE: { id: 'Tidak ditemukan', en: 'No trace' },
  CANCELLED: { id: 'Dibatalkan', en: 'Cancelled' },
};

export const CASE_STATUS_LABELS = {
  QUEUED: { id: 'Menunggu', en: 'Waiting' },
  IN_TRIAGE: { id: 'Ditriase', en: 'In triage' },
  ESCALATED: { id: 'Dieskalasi', en: 'Escalated' },
  REJECTED: { id: 'Ditolak', en: 'Rejected' },
  DUPLICATE: { id: 'Duplikat', en: 'Duplicate' },
  ADVICE_GIVEN: { id: 'Saran diberikan', en: 'Advice given' },
  FORWARDED: { id: 'Diteruskan ke dispatch', en: 'Forwarded to dispatch' },
} as const;

export const INCIDENT_STATUS_LABELS = {
  AWAITING_UNIT: { id: 'Menunggu unit', en: 'Awaiting unit' },
  ASSIGNED: { id: 'Ditugaskan', en: 'Assigned' },
  ACKNOWLEDGED: { id: 'Diterima unit', en: 'Acknowledged' },
  EN_ROUTE: { id: 'Menuju TKP', en: 'En route' },
  ON_SCENE: { id: 'Di TKP', en: 'On scene' },
  RESOLVED: { id: 'Selesai', en: 'Resolved' },
  CLOSED: { id: 'Ditutup', en: 'Closed' },
} as const;
