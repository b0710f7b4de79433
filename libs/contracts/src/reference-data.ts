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

/** Shown to people in this zone; UTC on the wire and in storage. */
export const DISPLAY_TIME_ZONE = 'Asia/Jakarta';

/** Why triage closed a report without action. */
export const REJECTION_REASONS = ['PRANK', 'NOT_POLICE_MATTER', 'INSUFFICIENT_INFORMATION', 'OUT_OF_JURISDICTION'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** Kinds of field unit a Polres sends (which handles what: apps/dispatch/src/recommendation). */
export const UNIT_TYPES = ['PATROL_CAR', 'MOTORCYCLE_PATROL', 'TRAFFIC', 'INVESTIGATION', 'FIRE_LIAISON', 'AMBULANCE_LIAISON'] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

/** What a unit reports about itself. */
export const UNIT_STATUSES = ['AVAILABLE', 'EN_ROUTE', 'ON_SCENE', 'BUSY', 'OFF_DUTY'] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];

/** How an incident ended. CANCELLED: called off before a unit got there. */
export const RESOLUTION_OUTCOMES = ['HANDLED_ON_SCENE', 'ARREST_MADE', 'REFERRED', 'FALSE_ALARM', 'NO_TRACE', 'CANCELLED'] as const;
export type ResolutionOutcome = (typeof RESOLUTION_OUTCOMES)[number];
