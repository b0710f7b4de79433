import { Category, GeoPoint, haversineMeters, Priority } from '@callcenter/contracts';
import { CATEGORY_UNIT_TYPES, suitability, suitabilityRank, UNIT_TYPES, UnitStatus, UnitType } from './unit-capabilities';

/** What the recommender needs to know about a unit, as the dispatch read model holds it. */
export interface UnitCandidate {
  unitId: string;
  callSign: string;
  type: UnitType;
  capabilities: readonly string[];
  status: UnitStatus;
  onShift: boolean;
  assignedIncidentId: string | null;
  /** Last reported position. */
  position: GeoPoint | null;
  /** Used when the unit never reported a position (no GPS on the radio, new shift). */
  homeDistrictCentroid: GeoPoint | null;
  /** Assignments in the current shift/day; spreads the work when units are equally close. */
  workload: number;
}

/**
 * The incident a unit is wanted for. Priority does not change the order: the nearest suitable
 * unit is the right first choice for P1 and P3 alike; how many to send is the dispatcher's call.
 */
export interface IncidentNeed {
  category: Category;
  priority: Priority;
  location: GeoPoint;
}

export interface RecommendationSettings {
  speedsKmh: Record<UnitType, number>;
  /** At most this many recommendations; 5 when not given. */
  limit?: number;
  /** Units not to propose again, e.g. ones that declined or timed out on this incident. */
  excludeUnitIds?: readonly string[];
}

export interface Recommendation {
  unitId: string;
  callSign: string;
  type: UnitType;
  /** Whole metres, great-circle, from the last position or else the home district centre. */
  distanceMeters: number;
  /** Whole seconds at the unit type's configured speed. */
  etaSeconds: number;
  workload: number;
  /** False when the distance is from the home district centre, so the ETA is a rough guess. */
  positionKnown: boolean;
  /** The capability that qualifies the unit when its type alone does not suit the category; null when its type does. */
  qualifiedBy: string | null;
  /** Short English explanations for the dispatcher, most important first. */
  reasons: string[];
}

const DEFAULT_LIMIT = 5;

/** A unit that passed the filters, with the keys it is ranked by. */
interface Ranked {
  unit: UnitCandidate;
  distanceMeters: number;
  etaSeconds: number;
  suitabilityRank: number;
  positionKnown: boolean;
}

/**
 * The units a dispatcher should consider for an incident, best first. Only units that could leave
 * now: on shift, AVAILABLE, not assigned, not excluded, and able to handle the category (by type
 * or capability). A unit without any known location is skipped, since no ETA can be given.
 *
 * Order: ETA (whole seconds, as shown), then workload (spread the work across the shift), then how
 * well the unit type suits the category, then unitId so the same input always gives the same list.
 * Ranking on the rounded ETA is deliberate: a second's difference in a guessed ETA should not
 * outweigh fairness between crews.
 *
 * Built for the hot path (every new incident, against every unit of the Polres): each unit is
 * checked with scalar comparisons only, a bounded best-first list keeps the top `limit`, and
 * reasons are written only for the units returned.
 */
export function recommendUnits(need: IncidentNeed, units: Iterable<UnitCandidate>, settings: RecommendationSettings): Recommendation[] {
  const limit = readLimit(settings.limit);
  const metersPerSecond = readSpeeds(settings.speedsKmh);
  if (!Number.isFinite(need.location.latitude) || !Number.isFinite(need.location.longitude)) {
    throw new RangeError(`incident location ${need.location.latitude},${need.location.longitude} is not a position`);
  }
  if (limit === 0) return [];
  const excluded = new Set(settings.excludeUnitIds ?? []);
  const best: Ranked[] = [];

  for (const unit of units) {
    // Cheapest checks first: most units of a Polres are busy or off shift at any moment.
    if (!unit.onShift || unit.status !== 'AVAILABLE' || unit.assignedIncidentId !== null) continue;
    const rank = suitabilityRank(unit, need.category);
    if (rank < 0 || excluded.has(unit.unitId)) continue;

    // A garbled position (NaN) is as good as none: fall back to the home district centre.
    let positionKnown = true;
    let distance = unit.position === null ? NaN : haversineMeters(unit.position, need.location);
    if (!(distance >= 0)) {
      positionKnown = false;
      distance = unit.homeDistrictCentroid === null ? NaN : haversineMeters(unit.homeDistrictCentroid, need.location);
      if (!(distance >= 0)) continue;
    }
    const etaSeconds = Math.round(distance / metersPerSecond[unit.type]);

    if (best.length === limit && !isBefore(etaSeconds, unit.workload, rank, unit.unitId, best[limit - 1])) continue;
    // A projection may hand the same unit twice; the list must not propose it twice.
    if (listed(best, unit.unitId)) continue;
    let at = best.length;
    while (at > 0 && isBefore(etaSeconds, unit.workload, rank, unit.unitId, best[at - 1])) at--;
    best.splice(at, 0, { unit, distanceMeters: distance, etaSeconds, suitabilityRank: rank, positionKnown });
    if (best.length > limit) best.pop();
  }

  return best.map((ranked) => toRecommendation(ranked, need.category, settings.speedsKmh[ranked.unit.type]));
}

/** Whether a unit with these keys ranks before `other`; see recommendUnits for the order. */
function isBefore(etaSeconds: number, workload: number, rank: number, unitId: string, other: Ranked): boolean {
  if (etaSeconds !== other.etaSeconds) return etaSeconds < other.etaSeconds;
  if (workload !== other.unit.workload) return workload < other.unit.workload;
  if (rank !== other.suitabilityRank) return rank < other.suitabilityRank;
  // Code-unit order, not localeCompare: the same on every server whatever its locale.
  return unitId < other.unit.unitId;
}

function listed(best: readonly Ranked[], unitId: string): boolean {
  for (const ranked of best) if (ranked.unit.unitId === unitId) return true;
  return false;
}

function readLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!(limit >= 0)) throw new RangeError(`recommendation limit must be 0 or more, not ${limit}`);
  return Math.floor(limit);
}

/** Metres per second per unit type; a zero or missing speed would make every ETA infinite. */
function readSpeeds(speedsKmh: Record<UnitType, number>): Record<UnitType, number> {
  const metersPerSecond = {} as Record<UnitType, number>;
  for (const type of UNIT_TYPES) {
    const kmh = speedsKmh[type];
    if (!(kmh > 0 && Number.isFinite(kmh))) throw new RangeError(`speed of ${type} must be above 0 km/h, not ${kmh}`);
    metersPerSecond[type] = kmh / 3.6;
  }
  return metersPerSecond;
}

function toRecommendation(ranked: Ranked, category: Category, speedKmh: number): Recommendation {
  const { unit, distanceMeters, etaSeconds, positionKnown } = ranked;
  const reasons = [`${unit.type} ${formatDistance(distanceMeters)} away, ${formatEta(etaSeconds)} at ${speedKmh} km/h`];
  if (!positionKnown) reasons.push('position unknown: home district centre');
  reasons.push(suitabilityReason(unit, category));
  reasons.push(`workload ${unit.workload} today`);
  return {
    unitId: unit.unitId,
    callSign: unit.callSign,
    type: unit.type,
    distanceMeters: Math.round(distanceMeters),
    etaSeconds,
    workload: unit.workload,
    positionKnown,
    qualifiedBy: qualifiedBy(unit, category),
    reasons,
  };
}

function qualifiedBy(unit: UnitCandidate, category: Category): string | null {
  const suited = suitability(unit, category);
  return suited?.kind === 'CAPABILITY' ? suited.capability : null;
}

function suitabilityReason(unit: UnitCandidate, category: Category): string {
  const suited = suitability(unit, category);
  // Only units that passed suitabilityRank get here.
  if (suited === null) throw new Error(`${unit.unitId} cannot handle ${category}`);
  switch (suited.kind) {
    case 'TYPE':
      return `suited: ${category} → ${CATEGORY_UNIT_TYPES[category][suited.rank]}`;
    case 'CAPABILITY':
      return `qualified by capability ${suited.capability}`;
    default: {
      const unknown: never = suited;
      throw new Error(`unknown suitability ${JSON.stringify(unknown)}`);
    }
  }
}

/** Metres below a kilometre (a dispatcher reads "400 m" faster than "0.4 km"), else km to 0.1. */
function formatDistance(meters: number): string {
  const whole = Math.round(meters);
  return whole < 1000 ? `${whole} m` : `${(meters / 1000).toFixed(1)} km`;
}

function formatEta(seconds: number): string {
  return seconds < 60 ? 'under 1 min' : `~${Math.round(seconds / 60)} min`;
}
