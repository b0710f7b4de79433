import { Category, CATEGORIES, GeoPoint, haversineMeters } from '@callcenter/contracts';
import { IncidentNeed, Recommendation, RecommendationSettings, recommendUnits, UnitCandidate } from './recommend-units';
import { DEFAULT_SPEEDS_KMH, suitability, UNIT_STATUSES, UNIT_TYPES, UnitType } from './unit-capabilities';

// Kecamatan centres in Jakarta Selatan.
const TEBET: GeoPoint = { latitude: -6.2297, longitude: 106.8532 };
const CILANDAK: GeoPoint = { latitude: -6.2898, longitude: 106.7999 };
const KEBAYORAN_BARU: GeoPoint = { latitude: -6.2433, longitude: 106.7991 };

/** Metres per degree of latitude on the sphere haversineMeters uses. */
const METERS_PER_DEGREE_LATITUDE = (6_371_008.8 * Math.PI) / 180;
const north = (point: GeoPoint, meters: number): GeoPoint => ({
  latitude: point.latitude + meters / METERS_PER_DEGREE_LATITUDE,
  longitude: point.longitude,
});

/** A patrol car on shift, free, 500 m north of Tebet, unless told otherwise. */
function unit(unitId: string, overrides: Partial<UnitCandidate> = {}): UnitCandidate {
  return {
    unitId,
    callSign: `PATROL-TEBET-${unitId.replace(/\D/g, '').padStart(2, '0')}`,
    type: 'PATROL_CAR',
    capabilities: [],
    status: 'AVAILABLE',
    onShift: true,
    assignedIncidentId: null,
    position: north(TEBET, 500),
    homeDistrictCentroid: TEBET,
    workload: 0,
    ...overrides,
  };
}

/** A theft (pencurian) reported in Tebet. */
const THEFT_IN_TEBET: IncidentNeed = { category: 'KEJAHATAN', priority: 'P2', location: TEBET };
const SETTINGS: RecommendationSettings = { speedsKmh: { ...DEFAULT_SPEEDS_KMH } };
const ALL_AT_30_KMH = Object.fromEntries(UNIT_TYPES.map((t) => [t, 30])) as Record<UnitType, number>;

const ids = (recommendations: Recommendation[]): string[] => recommendations.map((r) => r.unitId);

describe('recommendUnits', () => {
  describe('which units are considered', () => {
    it.each<[string, Partial<UnitCandidate>, Category, Partial<RecommendationSettings>, 'position' | 'home district' | 'skipped']>([
      ['free patrol car on shift', {}, 'KEJAHATAN', {}, 'position'],
      ['off shift', { onShift: false }, 'KEJAHATAN', {}, 'skipped'],
      ...UNIT_STATUSES.filter((s) => s !== 'AVAILABLE').map(
        (status): [string, Partial<UnitCandidate>, Category, Partial<RecommendationSettings>, 'skipped'] => [
          `status ${status}`,
          { status },
          'KEJAHATAN',
          {},
          'skipped',
        ],
      ),
      ['AVAILABLE but still assigned to an incident', { assignedIncidentId: 'inc-0042' }, 'KEJAHATAN', {}, 'skipped'],
      ['declined this incident before', {}, 'KEJAHATAN', { excludeUnitIds: ['u-9', 'u-1'] }, 'skipped'],
      ['another unit declined', {}, 'KEJAHATAN', { excludeUnitIds: ['u-9'] }, 'position'],
      ['traffic unit for a crime', { type: 'TRAFFIC' }, 'KEJAHATAN', {}, 'skipped'],
      ['investigator for a fire', { type: 'INVESTIGATION' }, 'KEBAKARAN', {}, 'skipped'],
      ['fire liaison for a fire', { type: 'FIRE_LIAISON' }, 'KEBAKARAN', {}, 'position'],
      ['motorcycle patrol with first aid, medical emergency', { type: 'MOTORCYCLE_PATROL', capabilities: ['FIRST_AID'] }, 'DARURAT_MEDIS', {}, 'position'],
      ['motorcycle patrol without first aid, medical emergency', { type: 'MOTORCYCLE_PATROL' }, 'DARURAT_MEDIS', {}, 'skipped'],
      ['traffic unit with search, missing person', { type: 'TRAFFIC', capabilities: ['SEARCH'] }, 'ORANG_HILANG', {}, 'position'],
      ['never reported a position', { position: null }, 'KEJAHATAN', {}, 'home district'],
      ['garbled position', { position: { latitude: NaN, longitude: 106.85 } }, 'KEJAHATAN', {}, 'home district'],
      ['neither position nor home district', { position: null, homeDistrictCentroid: null }, 'KEJAHATAN', {}, 'skipped'],
    ])('%s', (_name, overrides, category, settings, expected) => {
      const found = recommendUnits({ ...THEFT_IN_TEBET, category }, [unit('u-1', overrides)], { ...SETTINGS, ...settings });
      if (expected === 'skipped') {
        expect(found).toEqual([]);
      } else {
        expect(ids(found)).toEqual(['u-1']);
        expect(found[0].positionKnown).toBe(expected === 'position');
        // 500 m from its last position, or Tebet itself when only the home district is known.
        expect(found[0].distanceMeters).toBe(expected === 'position' ? 500 : 0);
      }
    });

    it('reads units from any iterable, such as a projection cursor', () => {
      function* cursor() {
        yield unit('u-1', { onShift: false });
        yield unit('u-2');
      }
      expect(ids(recommendUnits(THEFT_IN_TEBET, cursor(), SETTINGS))).toEqual(['u-2']);
    });

    it('proposes a unit handed twice only once', () => {
      const found = recommendUnits(THEFT_IN_TEBET, [unit('u-1'), unit('u-2', { workload: 1 }), unit('u-1')], SETTINGS);
      expect(ids(found)).toEqual(['u-1', 'u-2']);
    });
  });

  describe('ranking by ETA', () => {
    it.each<[string, Category, GeoPoint, UnitCandidate[], Partial<Record<UnitType, number>>, string[]]>([
      [
        'nearest first at the same speed',
        'KEJAHATAN',
        KEBAYORAN_BARU,
        [unit('u-tebet', { position: TEBET }), unit('u-cilandak', { position: CILANDAK }), unit('u-kebayoran', { position: north(KEBAYORAN_BARU, 300) })],
        {},
        ['u-kebayoran', 'u-cilandak', 'u-tebet'],
      ],
      [
        // 2.2 km at 35 km/h (226 s) beats 2.0 km at 30 km/h (240 s).
        'a motorcycle slightly farther beats a car',
        'KEJAHATAN',
        TEBET,
        [unit('u-car', { position: north(TEBET, 2_000) }), unit('u-moto', { type: 'MOTORCYCLE_PATROL', position: north(TEBET, 2_200) })],
        {},
        ['u-moto', 'u-car'],
      ],
      [
        'the car wins again when motorcycles are configured as slow as cars',
        'KEJAHATAN',
        TEBET,
        [unit('u-car', { position: north(TEBET, 2_000) }), unit('u-moto', { type: 'MOTORCYCLE_PATROL', position: north(TEBET, 2_200) })],
        { MOTORCYCLE_PATROL: 30 },
        ['u-car', 'u-moto'],
      ],
      [
        // To Kebayoran Baru: Cilandak car 5.2 km at 30 km/h (621 s); Tebet motorcycle 6.2 km at 35 (634 s) or 40 (555 s).
        'a faster configured motorcycle from Tebet beats the Cilandak car',
        'GANGGUAN_KETERTIBAN',
        KEBAYORAN_BARU,
        [unit('u-cilandak', { position: CILANDAK }), unit('u-tebet-moto', { type: 'MOTORCYCLE_PATROL', position: TEBET })],
        { MOTORCYCLE_PATROL: 40 },
        ['u-tebet-moto', 'u-cilandak'],
      ],
      [
        'at the default motorcycle speed the Cilandak car is first',
        'GANGGUAN_KETERTIBAN',
        KEBAYORAN_BARU,
        [unit('u-cilandak', { position: CILANDAK }), unit('u-tebet-moto', { type: 'MOTORCYCLE_PATROL', position: TEBET })],
        {},
        ['u-cilandak', 'u-tebet-moto'],
      ],
      [
        // Same 1 km: the investigator's 25 km/h (144 s) loses to the car's 30 km/h (120 s).
        'a slower investigator after a patrol car at the same distance',
        'KEJAHATAN',
        TEBET,
        [unit('u-reskrim', { type: 'INVESTIGATION', position: north(TEBET, 1_000) }), unit('u-car', { position: north(TEBET, 1_000) })],
        {},
        ['u-car', 'u-reskrim'],
      ],
      [
        'a home-district guess ranks by its distance like any other',
        'KEJAHATAN',
        KEBAYORAN_BARU,
        [unit('u-cilandak', { position: CILANDAK }), unit('u-unknown', { position: null, homeDistrictCentroid: KEBAYORAN_BARU })],
        {},
        ['u-unknown', 'u-cilandak'],
      ],
    ])('%s', (_name, category, location, units, speeds, expected) => {
      const found = recommendUnits({ category, priority: 'P2', location }, units, { speedsKmh: { ...DEFAULT_SPEEDS_KMH, ...speeds } });
      expect(ids(found)).toEqual(expected);
    });

    it('gives distance and ETA of the configured speed', () => {
      const [found] = recommendUnits(THEFT_IN_TEBET, [unit('u-1', { position: north(TEBET, 1_200) })], SETTINGS);
      expect(found).toMatchObject({ distanceMeters: 1_200, etaSeconds: 144 }); // 1.2 km at 30 km/h
      const real = haversineMeters(KEBAYORAN_BARU, CILANDAK);
      const [far] = recommendUnits({ ...THEFT_IN_TEBET, location: KEBAYORAN_BARU }, [unit('u-2', { position: CILANDAK })], SETTINGS);
      expect(far).toMatchObject({ distanceMeters: Math.round(real), etaSeconds: Math.round(real / (30 / 3.6)) });
    });
  });

  describe('tie-breaks', () => {
    it.each<[string, Category, UnitCandidate[], string[]]>([
      ['lower workload first at the same ETA', 'KEJAHATAN', [unit('u-1', { workload: 3 }), unit('u-2', { workload: 1 })], ['u-2', 'u-1']],
      [
        // 1,000 m and 1,003 m at 30 km/h are both 120 s as shown; a guess a second apart should not beat fairness.
        'workload decides within the same shown second',
        'KEJAHATAN',
        [unit('u-1', { position: north(TEBET, 1_000), workload: 4 }), unit('u-2', { position: north(TEBET, 1_003), workload: 2 })],
        ['u-2', 'u-1'],
      ],
      ['ETA beats workload', 'KEJAHATAN', [unit('u-1', { position: north(TEBET, 2_000), workload: 0 }), unit('u-2', { workload: 6 })], ['u-2', 'u-1']],
      [
        'traffic unit before patrol car for an accident',
        'KECELAKAAN_LALU_LINTAS',
        [unit('u-1'), unit('u-2', { type: 'TRAFFIC', callSign: 'LANTAS-TEBET-02' })],
        ['u-2', 'u-1'],
      ],
      [
        'fire liaison before patrol car for a fire',
        'KEBAKARAN',
        [unit('u-1'), unit('u-2', { type: 'FIRE_LIAISON', callSign: 'DAMKAR-LO-TEBET-02' })],
        ['u-2', 'u-1'],
      ],
      [
        'a listed type before a unit qualified only by capability',
        'DARURAT_MEDIS',
        [unit('u-1', { type: 'MOTORCYCLE_PATROL', capabilities: ['FIRST_AID'] }), unit('u-2')],
        ['u-2', 'u-1'],
      ],
      ['workload before suitability', 'KECELAKAAN_LALU_LINTAS', [unit('u-1', { type: 'TRAFFIC', workload: 2 }), unit('u-2', { workload: 1 })], ['u-2', 'u-1']],
      ['unitId when nothing else differs', 'KEJAHATAN', [unit('u-3'), unit('u-1'), unit('u-2')], ['u-1', 'u-2', 'u-3']],
    ])('%s', (_name, category, units, expected) => {
      // All speeds equal, so only distance, workload and suitability tell units apart.
      const settings = { speedsKmh: ALL_AT_30_KMH };
      expect(ids(recommendUnits({ ...THEFT_IN_TEBET, category }, units, settings))).toEqual(expected);
      expect(ids(recommendUnits({ ...THEFT_IN_TEBET, category }, [...units].reverse(), settings))).toEqual(expected);
    });
  });

  describe('limit', () => {
    // Eight patrol cars, 100 m apart going north from Tebet: u-1 nearest.
    const eight = Array.from({ length: 8 }, (_, i) => unit(`u-${i + 1}`, { position: north(TEBET, 100 * (i + 1)) }));

    it.each<[string, number | undefined, string[]]>([
      ['five by default', undefined, ['u-1', 'u-2', 'u-3', 'u-4', 'u-5']],
      ['as asked', 2, ['u-1', 'u-2']],
      ['none when zero', 0, []],
      ['all when more are asked than there are', 20, ['u-1', 'u-2', 'u-3', 'u-4', 'u-5', 'u-6', 'u-7', 'u-8']],
      ['whole units only', 3.7, ['u-1', 'u-2', 'u-3']],
    ])('%s', (_name, limit, expected) => {
      expect(ids(recommendUnits(THEFT_IN_TEBET, [...eight].reverse(), { ...SETTINGS, limit }))).toEqual(expected);
    });

    it('keeps the best when the nearest come last', () => {
      const found = recommendUnits(THEFT_IN_TEBET, [...eight].reverse(), { ...SETTINGS, limit: 3 });
      expect(found.map((r) => r.distanceMeters)).toEqual([100, 200, 300]);
    });
  });

  describe('nothing to recommend', () => {
    it.each<[string, UnitCandidate[]]>([
      ['no units at all', []],
      ['every unit busy, off shift or unsuitable', [unit('u-1', { status: 'BUSY' }), unit('u-2', { onShift: false }), unit('u-3', { type: 'TRAFFIC' })]],
    ])('%s', (_name, units) => {
      expect(recommendUnits(THEFT_IN_TEBET, units, SETTINGS)).toEqual([]);
    });
  });

  describe('reasons', () => {
    it.each<[string, Category, UnitCandidate, string[]]>([
      [
        'patrol car with a known position',
        'KEJAHATAN',
        unit('u-1', { position: north(TEBET, 1_200), workload: 3 }),
        ['PATROL_CAR 1.2 km away, ~2 min at 30 km/h', 'suited: KEJAHATAN → PATROL_CAR', 'workload 3 today'],
      ],
      [
        'close by, in metres',
        'KEJAHATAN',
        unit('u-1', { type: 'MOTORCYCLE_PATROL', position: north(TEBET, 800) }),
        ['MOTORCYCLE_PATROL 800 m away, ~1 min at 35 km/h', 'suited: KEJAHATAN → MOTORCYCLE_PATROL', 'workload 0 today'],
      ],
      [
        'round the corner',
        'GANGGUAN_KETERTIBAN',
        unit('u-1', { position: north(TEBET, 200) }),
        ['PATROL_CAR 200 m away, under 1 min at 30 km/h', 'suited: GANGGUAN_KETERTIBAN → PATROL_CAR', 'workload 0 today'],
      ],
      [
        'position unknown',
        'KEJAHATAN',
        unit('u-1', { position: null, homeDistrictCentroid: north(TEBET, 3_000), workload: 1 }),
        ['PATROL_CAR 3.0 km away, ~6 min at 30 km/h', 'position unknown: home district centre', 'suited: KEJAHATAN → PATROL_CAR', 'workload 1 today'],
      ],
      [
        'qualified by capability',
        'DARURAT_MEDIS',
        unit('u-1', { type: 'MOTORCYCLE_PATROL', capabilities: ['K9', 'FIRST_AID'], position: north(TEBET, 1_500) }),
        ['MOTORCYCLE_PATROL 1.5 km away, ~3 min at 35 km/h', 'qualified by capability FIRST_AID', 'workload 0 today'],
      ],
      [
        'the suited type is named even when a capability also fits',
        'DARURAT_MEDIS',
        unit('u-1', { type: 'AMBULANCE_LIAISON', capabilities: ['FIRST_AID'], position: north(TEBET, 1_500) }),
        ['AMBULANCE_LIAISON 1.5 km away, ~3 min at 30 km/h', 'suited: DARURAT_MEDIS → AMBULANCE_LIAISON', 'workload 0 today'],
      ],
    ])('%s', (_name, category, candidate, reasons) => {
      const [found] = recommendUnits({ ...THEFT_IN_TEBET, category }, [candidate], SETTINGS);
      expect(found.reasons).toEqual(reasons);
      // The capability that qualified it, as a field too (the screens say it in their own language).
      expect(found.qualifiedBy).toBe(/^qualified by capability (\S+)$/.exec(reasons.find((r) => r.startsWith('qualified')) ?? '')?.[1] ?? null);
    });

    it('carries the unit, its numbers and the reasons', () => {
      const candidate = unit('u-7', { callSign: 'PATROL-CILANDAK-07', position: north(CILANDAK, 900), workload: 2 });
      const found = recommendUnits({ category: 'ORANG_HILANG', priority: 'P2', location: CILANDAK }, [candidate], SETTINGS);
      expect(found).toEqual<Recommendation[]>([
        {
          unitId: 'u-7',
          callSign: 'PATROL-CILANDAK-07',
          type: 'PATROL_CAR',
          distanceMeters: 900,
          etaSeconds: 108,
          workload: 2,
          positionKnown: true,
          qualifiedBy: null,
          reasons: ['PATROL_CAR 900 m away, ~2 min at 30 km/h', 'suited: ORANG_HILANG → PATROL_CAR', 'workload 2 today'],
        },
      ]);
    });
  });

  describe('settings that cannot give an ETA', () => {
    it.each<[string, Partial<RecommendationSettings>, Partial<IncidentNeed>, string]>([
      ['a zero speed', { speedsKmh: { ...DEFAULT_SPEEDS_KMH, TRAFFIC: 0 } }, {}, 'speed of TRAFFIC must be above 0 km/h'],
      ['a missing speed', { speedsKmh: { PATROL_CAR: 30 } as Record<UnitType, number> }, {}, 'speed of MOTORCYCLE_PATROL must be above 0 km/h'],
      ['a negative limit', { limit: -1 }, {}, 'limit must be 0 or more'],
      ['a limit that is not a number', { limit: NaN }, {}, 'limit must be 0 or more'],
      ['an incident without a real location', {}, { location: { latitude: NaN, longitude: 106.8 } }, 'incident location'],
    ])('rejects %s', (_name, settings, need, message) => {
      expect(() => recommendUnits({ ...THEFT_IN_TEBET, ...need }, [unit('u-1')], { ...SETTINGS, ...settings })).toThrow(message);
    });
  });

  describe('a Polres-sized roster', () => {
    /** Deterministic so a failure can be replayed (mulberry32). */
    function random(seed: number): () => number {
      let state = seed >>> 0;
      return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
      };
    }

    /** 2,000 units scattered over Jakarta Selatan, most of them busy, some without a position. */
    function roster(seed: number): UnitCandidate[] {
      const next = random(seed);
      const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
      const capabilities = ['FIRST_AID', 'TRAFFIC_CONTROL', 'FIRE_SAFETY', 'SEARCH', 'K9', 'CROWD_CONTROL', 'DRONE'];
      const somewhere = (): GeoPoint => ({ latitude: -6.36 + next() * 0.16, longitude: 106.76 + next() * 0.11 });
      return Array.from({ length: 2_000 }, (_, i) => ({
        unitId: `u-${String(i).padStart(4, '0')}`,
        callSign: `UNIT-${i}`,
        type: pick(UNIT_TYPES),
        capabilities: next() < 0.3 ? [pick(capabilities)] : [],
        status: next() < 0.6 ? 'AVAILABLE' : pick(UNIT_STATUSES),
        onShift: next() < 0.8,
        assignedIncidentId: next() < 0.1 ? `inc-${i}` : null,
        position: next() < 0.9 ? somewhere() : null,
        homeDistrictCentroid: next() < 0.8 ? pick([TEBET, CILANDAK, KEBAYORAN_BARU]) : null,
        // Small whole numbers, so ETA ties happen and the tie-breaks are exercised.
        workload: Math.floor(next() * 4),
      }));
    }

    /** The obvious way: filter everything, sort everything, cut. */
    function reference(need: IncidentNeed, units: UnitCandidate[], speedsKmh: Record<UnitType, number>, limit: number): string[] {
      const rows = units.flatMap((u) => {
        const suited = suitability(u, need.category);
        if (!u.onShift || u.status !== 'AVAILABLE' || u.assignedIncidentId !== null || suited === null) return [];
        const from = u.position ?? u.homeDistrictCentroid;
        if (from === null) return [];
        const eta = Math.round(haversineMeters(from, need.location) / (speedsKmh[u.type] / 3.6));
        return [{ id: u.unitId, eta, workload: u.workload, rank: suited.rank }];
      });
      rows.sort((a, b) => a.eta - b.eta || a.workload - b.workload || a.rank - b.rank || (a.id < b.id ? -1 : 1));
      return rows.slice(0, limit).map((r) => r.id);
    }

    it.each(CATEGORIES.map((category, i) => [category, i]))('agrees with sorting everything for %s', (category, i) => {
      const units = roster(1_000 + i);
      const need: IncidentNeed = { category, priority: 'P1', location: [TEBET, CILANDAK, KEBAYORAN_BARU][i % 3] };
      for (const limit of [1, 5, 40]) {
        expect(ids(recommendUnits(need, units, { ...SETTINGS, limit }))).toEqual(reference(need, units, SETTINGS.speedsKmh, limit));
      }
    });

    it('ranks 2,000 units in under 20 ms (a sanity check, not a benchmark)', () => {
      const units = roster(42);
      const started = performance.now();
      const found = recommendUnits({ category: 'KEJAHATAN', priority: 'P1', location: TEBET }, units, SETTINGS);
      const elapsed = performance.now() - started;
      expect(found).toHaveLength(5);
      expect(elapsed).toBeLessThan(20);
    });
  });
});
