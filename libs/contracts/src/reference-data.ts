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

/** Indonesian and English labels for people-facing views (the console and the portal). */
export type Labels<T extends string> = Record<T, { id: string; en: string }>;
/** A label table written as [Indonesian, English] pairs. */
function labels<T extends string>(pairs: Record<T, readonly [id: string, en: string]>): Labels<T> {
  return Object.fromEntries(Object.entries<readonly [string, string]>(pairs).map(([k, [id, en]]) => [k, { id, en }])) as Labels<T>;
}

/** Indonesian label and English name of each category, for people-facing views. */
export const CATEGORY_LABELS = labels<Category>({
  KEJAHATAN: ['Kejahatan', 'Crime'],
  KECELAKAAN_LALU_LINTAS: ['Kecelakaan lalu lintas', 'Traffic accident'],
  KEBAKARAN: ['Kebakaran', 'Fire'],
  GANGGUAN_KETERTIBAN: ['Gangguan ketertiban', 'Public disorder'],
  BENCANA: ['Bencana', 'Disaster'],
  DARURAT_MEDIS: ['Darurat medis', 'Medical emergency'],
  ORANG_HILANG: ['Orang hilang', 'Missing person'],
  INFORMASI_PENGADUAN: ['Informasi / pengaduan', 'Information / complaint'],
  LAINNYA: ['Lainnya', 'Other'],
});

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

export const PRIORITY_LABELS = labels<Priority>({
  P1: ['P1 — ancaman nyawa', 'P1 — threat to life'],
  P2: ['P2 — mendesak', 'P2 — urgent'],
  P3: ['P3 — tidak mendesak', 'P3 — non-urgent'],
  P4: ['P4 — tanpa pengiriman', 'P4 — no dispatch'],
});

export const CHANNEL_LABELS = labels<Channel>({
  HOTLINE: ['Telepon 110', '110 hotline'],
  MOBILE_APP: ['Aplikasi', 'Mobile app'],
  WEB: ['Portal web', 'Web portal'],
  SMS: ['SMS', 'SMS'],
  WHATSAPP: ['WhatsApp', 'WhatsApp'],
  WALK_IN: ['Datang langsung', 'Walk-in'],
  OTHER_SYSTEM: ['Sistem lain', 'Other system'],
});

export const REJECTION_REASON_LABELS = labels<RejectionReason>({
  PRANK: ['Iseng / palsu', 'Prank'],
  NOT_POLICE_MATTER: ['Bukan ranah polisi', 'Not a police matter'],
  INSUFFICIENT_INFORMATION: ['Informasi kurang', 'Insufficient information'],
  OUT_OF_JURISDICTION: ['Di luar wilayah', 'Out of jurisdiction'],
});

export const UNIT_TYPE_LABELS = labels<UnitType>({
  PATROL_CAR: ['Mobil patroli', 'Patrol car'],
  MOTORCYCLE_PATROL: ['Patroli motor', 'Motorcycle patrol'],
  TRAFFIC: ['Satlantas', 'Traffic'],
  INVESTIGATION: ['Reskrim', 'Investigation'],
  FIRE_LIAISON: ['Penghubung Damkar', 'Fire liaison'],
  AMBULANCE_LIAISON: ['Penghubung ambulans', 'Ambulance liaison'],
});

export const UNIT_STATUS_LABELS = labels<UnitStatus>({
  AVAILABLE: ['Siaga', 'Available'],
  EN_ROUTE: ['Menuju TKP', 'En route'],
  ON_SCENE: ['Di TKP', 'On scene'],
  BUSY: ['Sibuk', 'Busy'],
  OFF_DUTY: ['Tidak aktif', 'Off duty'],
});

export const RESOLUTION_OUTCOME_LABELS = labels<ResolutionOutcome>({
  HANDLED_ON_SCENE: ['Ditangani di tempat', 'Handled on scene'],
  ARREST_MADE: ['Ada penangkapan', 'Arrest made'],
  REFERRED: ['Dirujuk', 'Referred'],
  FALSE_ALARM: ['Laporan tidak terbukti', 'False alarm'],
  NO_TRACE: ['Tidak ditemukan', 'No trace'],
  CANCELLED: ['Dibatalkan', 'Cancelled'],
});

export const CASE_STATUS_LABELS = labels({
  QUEUED: ['Menunggu', 'Waiting'],
  IN_TRIAGE: ['Ditriase', 'In triage'],
  ESCALATED: ['Dieskalasi', 'Escalated'],
  REJECTED: ['Ditolak', 'Rejected'],
  DUPLICATE: ['Duplikat', 'Duplicate'],
  ADVICE_GIVEN: ['Saran diberikan', 'Advice given'],
  FORWARDED: ['Diteruskan ke dispatch', 'Forwarded to dispatch'],
});

export const INCIDENT_STATUS_LABELS = labels({
  AWAITING_UNIT: ['Menunggu unit', 'Awaiting unit'],
  ASSIGNED: ['Ditugaskan', 'Assigned'],
  ACKNOWLEDGED: ['Diterima unit', 'Acknowledged'],
  EN_ROUTE: ['Menuju TKP', 'En route'],
  ON_SCENE: ['Di TKP', 'On scene'],
  RESOLVED: ['Selesai', 'Resolved'],
  CLOSED: ['Ditutup', 'Closed'],
});
