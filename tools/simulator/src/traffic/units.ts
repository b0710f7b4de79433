import type { District, GeoPoint, UnitType } from '@callcenter/contracts';
import { pointInDistrict } from './generate';
import { Prng } from './prng';

export interface PlannedUnit {
  callSign: string;
  type: UnitType;
  capabilities: string[];
  homeDistrict: string;
  /** Where it stands at the start. */
  position: GeoPoint;
}

/** Shares of the roster: patrol cars mostly, then motorcycles, and one or so of each specialist. */
export const UNIT_MIX: readonly [UnitType, number][] = [
  ['PATROL_CAR', 0.5],
  ['MOTORCYCLE_PATROL', 0.17],
  ['TRAFFIC', 0.09],
  ['FIRE_LIAISON', 0.08],
  ['AMBULANCE_LIAISON', 0.08],
  ['INVESTIGATION', 0.08],
];

const PREFIX: Record<UnitType, string> = {
  PATROL_CAR: 'PATROL',
  MOTORCYCLE_PATROL: 'MOTOR',
  TRAFFIC: 'LANTAS',
  FIRE_LIAISON: 'DAMKAR',
  AMBULANCE_LIAISON: 'AMBU',
  INVESTIGATION: 'RESKRIM',
};

const CAPABILITIES: Partial<Record<UnitType, string[]>> = {
  PATROL_CAR: ['FIRST_AID'],
  MOTORCYCLE_PATROL: ['TRAFFIC_CONTROL'],
  INVESTIGATION: ['K9'],
};

/** Counts per type by largest remainder, every type at least once when there is room. */
export function unitCounts(total: number): Map<UnitType, number> {
  const exact = UNIT_MIX.map(([type, share]) => ({ type, exact: share * total }));
  const counts = new Map(exact.map((e) => [e.type, Math.floor(e.exact)]));
  let left = total - [...counts.values()].reduce((s, n) => s + n, 0);
  for (const e of [...exact].sort((a, b) => (b.exact % 1) - (a.exact % 1))) {
    if (left <= 0) break;
    counts.set(e.type, counts.get(e.type)! + 1);
    left--;
  }
  if (total >= UNIT_MIX.length) {
    for (const [type] of UNIT_MIX) {
      if (counts.get(type) === 0) {
        counts.set(type, 1);
        counts.set('PATROL_CAR', counts.get('PATROL_CAR')! - 1);
      }
    }
  }
  return counts;
}

/** The roster: call signs carry the run id, so runs never share a unit. Spread over the districts in turn. */
export function planUnits(total: number, districts: readonly District[], seed: number, runId: string): PlannedUnit[] {
  const rng = new Prng(seed).fork('units');
  const units: PlannedUnit[] = [];
  let d = 0;
  for (const [type, n] of unitCounts(total)) {
    for (let i = 1; i <= n; i++) {
      const district = districts[d++ % districts.length];
      const abbreviation = district.code
        .split('_')
        .map((w) => w.slice(0, 3))
        .join('')
        .slice(0, 6);
      units.push({
        callSign: `${PREFIX[type]}-${abbreviation}-${String(i).padStart(2, '0')}-${runId.toUpperCase()}`.replace(/[^A-Z0-9-]/g, '').slice(0, 40),
        type,
        capabilities: CAPABILITIES[type] && rng.chance(0.5) ? CAPABILITIES[type]! : [],
        homeDistrict: district.code,
        position: pointInDistrict(district, rng),
      });
    }
  }
  return units;
}
