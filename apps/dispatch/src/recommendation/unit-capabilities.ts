import { Category, CATEGORY_UNIT_TYPES, UNIT_TYPES, UnitType } from '@callcenter/contracts';

/**
 * Kinds of unit (in libs/contracts): general patrol cars (Sabhara), motorcycle patrols that get
 * through Jakarta traffic, Satlantas traffic units, Reskrim investigators, and the liaison units
 * that stand with Damkar (fire brigade) and ambulances.
 */
export { UNIT_STATUSES, UNIT_TYPES } from '@callcenter/contracts';
export type { UnitStatus, UnitType } from '@callcenter/contracts';

export { CATEGORY_UNIT_TYPES } from '@callcenter/contracts';

/**
 * Capabilities (free upper-case codes on a unit, e.g. a motorcycle patrol trained in first aid)
 * that qualify a unit of another type for a category. Matched exactly, so unit registration is
 * where capability codes get trimmed and upper-cased.
 */
export const CATEGORY_CAPABILITIES: Readonly<Record<Category, readonly string[]>> = {
  KEJAHATAN: ['INVESTIGATION', 'K9'],
  KECELAKAAN_LALU_LINTAS: ['TRAFFIC_CONTROL'],
  KEBAKARAN: ['FIRE_SAFETY'],
  GANGGUAN_KETERTIBAN: ['CROWD_CONTROL'],
  BENCANA: ['SEARCH', 'FIRST_AID'],
  DARURAT_MEDIS: ['FIRST_AID'],
  ORANG_HILANG: ['SEARCH', 'K9'],
  // Complaints and "other" need nothing a patrol car lacks; no capability makes a unit better at them.
  INFORMASI_PENGADUAN: [],
  LAINNYA: [],
};

/**
 * Why a unit can take an incident of a category: its type is listed (rank = position in
 * CATEGORY_UNIT_TYPES, 0 = best suited), or one of its capabilities qualifies it.
 */
export type Suitability = { kind: 'TYPE'; rank: number } | { kind: 'CAPABILITY'; rank: number; capability: string };

/**
 * Rank of a unit for a category without allocating (the hot path of recommendation): the position
 * of its type in CATEGORY_UNIT_TYPES, the list length when only a capability qualifies it (a unit
 * built for the job beats one trained for it), -1 when it cannot take the incident.
 */
export function suitabilityRank(unit: { type: UnitType; capabilities: readonly string[] }, category: Category): number {
  const types = CATEGORY_UNIT_TYPES[category];
  const rank = types.indexOf(unit.type);
  if (rank >= 0) return rank;
  const qualifying = CATEGORY_CAPABILITIES[category];
  if (qualifying.length === 0) return -1;
  for (const capability of unit.capabilities) {
    if (qualifying.includes(capability)) return types.length;
  }
  return -1;
}

/** Suitability of a unit for a category, or null when it cannot take it; see suitabilityRank. */
export function suitability(unit: { type: UnitType; capabilities: readonly string[] }, category: Category): Suitability | null {
  const rank = suitabilityRank(unit, category);
  if (rank < 0) return null;
  if (rank < CATEGORY_UNIT_TYPES[category].length) return { kind: 'TYPE', rank };
  const qualifying = CATEGORY_CAPABILITIES[category];
  // suitabilityRank found one, so there is one.
  const capability = unit.capabilities.find((c) => qualifying.includes(c)) as string;
  return { kind: 'CAPABILITY', rank, capability };
}

/** Whether a unit may be sent to an incident of this category, by its type or by a capability. */
export function canHandle(unit: { type: UnitType; capabilities: readonly string[] }, category: Category): boolean {
  return suitabilityRank(unit, category) >= 0;
}

/**
 * Average door-to-door speeds in urban Jakarta with lights and siren, in km/h; far below the
 * limit because of congestion. Motorcycles filter through traffic, investigators drive unmarked
 * cars without priority. Overridable per deployment with parseUnitSpeeds.
 */
export const DEFAULT_SPEEDS_KMH: Readonly<Record<UnitType, number>> = {
  PATROL_CAR: 30,
  MOTORCYCLE_PATROL: 35,
  TRAFFIC: 35,
  INVESTIGATION: 25,
  FIRE_LIAISON: 30,
  AMBULANCE_LIAISON: 30,
};

/** Above this a configured speed is a typo (300 for 30), not a Jakarta street. */
const MAX_SPEED_KMH = 200;

/**
 * Reads `PATROL_CAR=30,MOTORCYCLE_PATROL=35`: any subset of unit types, the rest keep
 * DEFAULT_SPEEDS_KMH. Throws naming the bad part, so a typo stops the service at start-up instead
 * of silently skewing every ETA. A type given twice is an error too: which one was meant?
 */
export function parseUnitSpeeds(text: string): Record<UnitType, number> {
  const speeds: Record<UnitType, number> = { ...DEFAULT_SPEEDS_KMH };
  const given = new Set<UnitType>();
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const sides = part.split('=').map((side) => side.trim());
    if (sides.length !== 2 || !sides[0] || !sides[1]) throw new Error(`"${part}" is not <UNIT_TYPE>=<km/h>`);
    const [type, value] = sides;
    if (!isUnitType(type)) throw new Error(`"${part}": unknown unit type ${type} (one of ${UNIT_TYPES.join(', ')})`);
    if (given.has(type)) throw new Error(`"${part}": speed of ${type} given twice`);
    // Plain decimals only: Number() would also take "0x1e" or "1e2", which nobody means as km/h.
    const kmh = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
    if (!(kmh > 0 && kmh <= MAX_SPEED_KMH)) throw new Error(`"${part}": speed must be a number of km/h above 0 and at most ${MAX_SPEED_KMH}`);
    given.add(type);
    speeds[type] = kmh;
  }
  return speeds;
}

export function isUnitType(value: string): value is UnitType {
  return (UNIT_TYPES as readonly string[]).includes(value);
}
