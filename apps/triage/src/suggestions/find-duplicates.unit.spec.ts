import { haversineMeters } from '@callcenter/contracts';
import { DuplicateCandidate, DuplicateRules, findDuplicateCandidates, RecentReport } from './find-duplicates';

const METERS_PER_DEGREE_LATITUDE = (6_371_008.8 * Math.PI) / 180;
const MONAS = { latitude: -6.1754, longitude: 106.8272 };
const AT = Date.parse('2024-05-01T10:00:00Z');

/** A report `metersNorth` of Monas, `minutesLater` after the fire call; null metres means no location. */
function recent(reportId: string, metersNorth: number | null, minutesLater: number, overrides: Partial<RecentReport> = {}): RecentReport {
  return {
    reportId,
    category: 'KEBAKARAN',
    latitude: metersNorth === null ? null : MONAS.latitude + metersNorth / METERS_PER_DEGREE_LATITUDE,
    longitude: metersNorth === null ? null : MONAS.longitude,
    callerRef: `caller-${reportId}`,
    receivedAt: new Date(AT + minutesLater * 60_000).toISOString(),
    ...overrides,
  };
}

const FIRE_CALL = recent('fire-call', 0, 0, { callerRef: 'caller-budi' });
const RULES: DuplicateRules = { radiusMeters: 500, windowMinutes: 30, sameCallerMinutes: 10 };

const ids = (candidates: DuplicateCandidate[]): string[] => candidates.map((c) => c.reportId);

describe('findDuplicateCandidates', () => {
  describe('which reports are candidates', () => {
    it.each<[string, RecentReport, DuplicateCandidate['reason'] | null]>([
      ['same category, 200 m away, 5 min later', recent('r', 200, 5), 'NEARBY_SAME_CATEGORY'],
      ['same category, 200 m away, 5 min earlier', recent('r', 200, -5), 'NEARBY_SAME_CATEGORY'],
      ['same category, just inside the radius', recent('r', 499.9, 5), 'NEARBY_SAME_CATEGORY'],
      ['same category, exactly at the end of the window', recent('r', 200, 30), 'NEARBY_SAME_CATEGORY'],
      ['same category, same spot, same minute', recent('r', 0, 0), 'NEARBY_SAME_CATEGORY'],
      ['same category, just outside the radius', recent('r', 501, 5), null],
      ['same category, 2 km away', recent('r', 2_000, 5), null],
      ['same category, just after the window', recent('r', 200, 30.1), null],
      ['same category, an hour earlier', recent('r', 200, -60), null],
      ['other category, same spot', recent('r', 0, 1, { category: 'KECELAKAAN_LALU_LINTAS' }), null],
      ['same category, no location', recent('r', null, 1), null],
      ['same category, only a latitude', recent('r', 0, 1, { longitude: null }), null],
      ['same caller, other category, far away', recent('r', 5_000, 8, { callerRef: 'caller-budi', category: 'INFORMASI_PENGADUAN' }), 'SAME_CALLER'],
      ['same caller, no location', recent('r', null, -10, { callerRef: 'caller-budi' }), 'SAME_CALLER'],
      ['same caller, after the caller window', recent('r', 5_000, 11, { callerRef: 'caller-budi' }), null],
      ['unknown caller on both sides', recent('r', 5_000, 1, { callerRef: null }), null],
    ])('%s', (_name, other, reason) => {
      const candidates = findDuplicateCandidates(FIRE_CALL, [other], RULES);
      expect(candidates.map((c) => c.reason)).toEqual(reason === null ? [] : [reason]);
    });

    it('never pairs two unknown callers', () => {
      const anonymous = { ...FIRE_CALL, callerRef: null };
      expect(findDuplicateCandidates(anonymous, [recent('r', 5_000, 1, { callerRef: null })], RULES)).toEqual([]);
    });

    it('never lists the report itself', () => {
      expect(findDuplicateCandidates(FIRE_CALL, [FIRE_CALL, { ...FIRE_CALL }], RULES)).toEqual([]);
    });

    it('lists a report handed over twice once', () => {
      expect(ids(findDuplicateCandidates(FIRE_CALL, [recent('r', 100, 1), recent('r', 100, 1)], RULES))).toEqual(['r']);
    });

    it('skips a report whose time cannot be read', () => {
      expect(findDuplicateCandidates(FIRE_CALL, [recent('r', 100, 1, { receivedAt: 'yesterday' })], RULES)).toEqual([]);
    });

    it('accepts any iterable, such as a generator over a projection', () => {
      function* fromProjection(): Generator<RecentReport> {
        yield recent('a', 100, 1);
        yield recent('b', 100, 2);
      }
      expect(ids(findDuplicateCandidates(FIRE_CALL, fromProjection(), RULES))).toEqual(['a', 'b']);
    });
  });

  describe('what a candidate says', () => {
    it('prefers NEARBY_SAME_CATEGORY when the same caller also reported nearby', () => {
      expect(findDuplicateCandidates(FIRE_CALL, [recent('r', 300, 4, { callerRef: 'caller-budi' })], RULES)).toEqual([
        { reportId: 'r', reason: 'NEARBY_SAME_CATEGORY', distanceMeters: 300, minutesApart: 4 },
      ]);
    });

    it.each<[string, RecentReport, DuplicateCandidate]>([
      [
        'distance in whole metres, minutes to 0.1',
        recent('r', 123.4, 2.04),
        { reportId: 'r', reason: 'NEARBY_SAME_CATEGORY', distanceMeters: 123, minutesApart: 2 },
      ],
      ['minutes apart are absolute', recent('r', 10, -7.26), { reportId: 'r', reason: 'NEARBY_SAME_CATEGORY', distanceMeters: 10, minutesApart: 7.3 }],
      [
        'distance for the same caller when both have a location',
        recent('r', 5_000, 3, { callerRef: 'caller-budi', category: 'BENCANA' }),
        { reportId: 'r', reason: 'SAME_CALLER', distanceMeters: 5_000, minutesApart: 3 },
      ],
      [
        'no distance for the same caller without a location',
        recent('r', null, 3, { callerRef: 'caller-budi' }),
        { reportId: 'r', reason: 'SAME_CALLER', distanceMeters: null, minutesApart: 3 },
      ],
    ])('%s', (_name, other, expected) => {
      expect(findDuplicateCandidates(FIRE_CALL, [other], RULES)).toEqual([expected]);
    });

    it('measures distance along the great circle', () => {
      const other = recent('r', 0, 1, { latitude: -6.1768, longitude: 106.8283 });
      const [candidate] = findDuplicateCandidates(FIRE_CALL, [other], RULES);
      expect(candidate.distanceMeters).toBe(Math.round(haversineMeters(MONAS, { latitude: -6.1768, longitude: 106.8283 })));
    });
  });

  describe('order and limit', () => {
    const crowd = [
      recent('far-in-time', 50, -25),
      recent('caller-again', null, 2, { callerRef: 'caller-budi', category: 'LAINNYA' }),
      recent('near-400m', 400, 6),
      recent('near-100m', 100, 6),
      recent('closest-in-time', 450, 1),
      recent('outside', 900, 1),
      recent('no-location-same-time', null, 6, { callerRef: 'caller-budi' }),
    ];

    it('sorts by minutes apart, then distance with unknown distance last', () => {
      expect(ids(findDuplicateCandidates(FIRE_CALL, crowd, RULES))).toEqual([
        'closest-in-time',
        'caller-again',
        'near-100m',
        'near-400m',
        'no-location-same-time',
        'far-in-time',
      ]);
    });

    it('does not depend on the order reports arrive in', () => {
      const forwards = findDuplicateCandidates(FIRE_CALL, crowd, RULES);
      expect(findDuplicateCandidates(FIRE_CALL, [...crowd].reverse(), RULES)).toEqual(forwards);
    });

    it('breaks a full tie by report id so the list is stable', () => {
      expect(ids(findDuplicateCandidates(FIRE_CALL, [recent('b', 100, 1), recent('a', 100, 1)], RULES))).toEqual(['a', 'b']);
    });

    it.each<[number | undefined, number]>([
      [undefined, 10],
      [3, 3],
      [1, 1],
      [0, 0],
      [50, 12],
    ])('with limit %s keeps the %d nearest in time', (limit, expected) => {
      const many = Array.from({ length: 12 }, (_, i) => recent(`r${String(i).padStart(2, '0')}`, 10, i + 1));
      const candidates = findDuplicateCandidates(FIRE_CALL, many, { ...RULES, limit });
      expect(ids(candidates)).toEqual(ids(candidates).sort());
      expect(candidates).toHaveLength(expected);
      if (expected > 0) expect(candidates[0].reportId).toBe('r00');
    });
  });

  describe('by when it happened, not when it arrived', () => {
    it('pairs reports that arrived together only if they happened together', () => {
      const backlog = (id: string, occurredAt: string) => recent(id, 100, 0.2, { occurredAt, callerRef: 'caller-budi' });
      const fire = { ...FIRE_CALL, occurredAt: '2024-05-01T09:50:00Z' };
      const candidates = findDuplicateCandidates(fire, [backlog('same-hour', '2024-05-01T09:40:00Z'), backlog('days-before', '2024-04-28T09:50:00Z')], RULES);
      expect(candidates).toEqual([{ reportId: 'same-hour', reason: 'NEARBY_SAME_CATEGORY', distanceMeters: 100, minutesApart: 10 }]);
    });

    it('matches a report without a stated time by its receipt', () => {
      const late = recent('told-later', 100, 0, { occurredAt: '2024-05-01T09:35:00Z' });
      expect(findDuplicateCandidates(FIRE_CALL, [late], RULES)).toEqual([
        { reportId: 'told-later', reason: 'NEARBY_SAME_CATEGORY', distanceMeters: 100, minutesApart: 25 },
      ]);
    });

    it('a backlog of 200 reports that happened over a week and arrive within one minute has no candidates across days', () => {
      const DAY_MS = 86_400_000;
      const start = Date.parse('2024-05-01T00:00:00Z');
      const flushedAt = Date.parse('2024-05-08T12:00:00Z');
      // 7 days x 4 incidents a day x ~7 callers each, all at one spot, one category, 6 callers who
      // call about something every day; received 0.3 s apart in the order the gateway kept them.
      const backlog: RecentReport[] = Array.from({ length: 200 }, (_, i) => {
        const day = i % 7;
        const incident = Math.floor(i / 7) % 4;
        const minute = (i * 37) % 20;
        return recent(`b${String(i).padStart(3, '0')}`, (i * 13) % 300, 0, {
          callerRef: `caller-${i % 6}`,
          receivedAt: new Date(flushedAt + i * 300).toISOString(),
          occurredAt: new Date(start + day * DAY_MS + (2 + incident * 5) * 3_600_000 + minute * 60_000).toISOString(),
        });
      });
      const dayOf = (r: RecentReport) => Math.floor((Date.parse(r.occurredAt as string) - start) / DAY_MS);
      const byId = new Map(backlog.map((r) => [r.reportId, r]));
      const pairs = backlog.flatMap((r, i) =>
        findDuplicateCandidates(r, backlog.slice(0, i), { ...RULES, limit: 200 }).map((c) => [r, byId.get(c.reportId) as RecentReport] as const),
      );
      expect(pairs.length).toBeGreaterThan(0);
      expect(pairs.filter(([a, b]) => dayOf(a) !== dayOf(b)).map(([a, b]) => `${a.reportId}~${b.reportId}`)).toEqual([]);
    });
  });
});
