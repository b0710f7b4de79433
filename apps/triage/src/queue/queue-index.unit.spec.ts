import { CATEGORIES, CHANNELS, parsePriorityTargets, Priority, PRIORITIES } from '@callcenter/contracts';
import { DomainEvent, SYSTEM_ACTOR, TriageEnvelope, triageEvents } from '@callcenter/events';
import * as triage from '@callcenter/events'; // the events' constructors: triage.ReportClaimed(…)
import { envelopeOfEvent } from '@callcenter/testing';
import {
  effectiveCategory,
  effectiveDistrict,
  effectivePriority,
  isOpen,
  TriageCase,
  TriageCaseState,
  triageCaseDecider,
  triageDueAt,
} from '../case/triage-case.decider';
import { QueueFilter, QueueIndex } from './queue-index';

const targets = parsePriorityTargets('P1=60/180/900,P2=180/600/1800,P3=600/1800/3600,P4=1800/-/-');
const T0 = Date.parse('2026-12-01T03:00:00.000Z');
const DISTRICTS = ['TEBET', 'PASAR_MINGGU', 'KEBAYORAN_BARU', null] as const;
const OPERATORS = ['op-budi', 'op-sari', 'op-andi', 'sup-dewi'];
const STATUSES = ['QUEUED', 'IN_TRIAGE', 'ESCALATED'] as const;
const ACTIVE_WINDOW_MS = 15 * 60_000;

/** A small seeded generator (mulberry32), so a failing history can be replayed from its seed. */
function generator(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const some = <T>(xs: readonly T[]): T[] => [...new Set(Array.from({ length: 1 + int(2) }, () => pick(xs)))];
  return { next, int, pick, some, chance: (p: number) => next() < p };
}
type Gen = ReturnType<typeof generator>;

const iso = (ms: number) => new Date(ms).toISOString();

function opening(g: Gen, n: number): DomainEvent {
  const reportId = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  // Ties in arrival time on purpose: the order then falls back to the report id.
  const receivedAt = iso(T0 + g.int(40) * 30_000);
  return triage.TriageCaseOpened({
    reportId,
    trackingCode: `TRK${n}`,
    sourceSystem: 'hotline-110',
    channel: g.pick(CHANNELS),
    receivedAt,
    occurredAt: null,
    description: g.chance(0.5) ? 'Tawuran di dekat pasar. '.repeat(1 + g.int(12)) : 'Motor hilang',
    categoryHint: null,
    location: {
      latitude: -6.23 + g.next() / 100,
      longitude: 106.85 + g.next() / 100,
      address: g.chance(0.5) ? 'Jl. Tebet Raya 12' : null,
      reportedDistrict: null,
    },
    district: g.pick(DISTRICTS),
    peopleInjured: g.int(3),
    peopleInvolved: 1 + g.int(3),
    callerRef: g.chance(0.8) ? `caller-${g.int(30)}` : null,
    suggestion: {
      category: g.pick(CATEGORIES),
      priority: g.pick(PRIORITIES),
      reasons: ['kata kunci'],
      duplicateCandidates: g.chance(0.1) ? [{ reportId: 'other', reason: 'NEARBY_SAME_CATEGORY', distanceMeters: 120, minutesApart: 3 }] : [],
      lowTrust: { flagged: g.chance(0.1), prankRejections: 0, reason: null },
      categories: [{ category: 'KEJAHATAN', score: 0.9 }],
    },
  });
}

/** A next event for an open case, chosen at random among those triage can record. */
function nextEvent(g: Gen, c: TriageCase, atMs: number): { event: DomainEvent; actor: string } {
  const reportId = c.report.reportId;
  const operator = g.pick(OPERATORS);
  const lease = iso(atMs + (g.int(20) - 5) * 60_000);
  const choices: (() => { event: DomainEvent; actor: string })[] = [
    () => ({ event: triage.ReportClaimed({ reportId, operatorId: operator, leaseExpiresAt: lease, claimedAt: iso(atMs) }), actor: operator }),
    () => ({ event: triage.ReportReleased({ reportId, operatorId: c.claim?.operatorId ?? operator, reason: 'LEASE_EXPIRED' }), actor: SYSTEM_ACTOR }),
    () => ({
      event: triage.ReportClassified({ reportId, category: g.pick(CATEGORIES), priority: g.pick(PRIORITIES), district: g.pick(DISTRICTS) }),
      actor: operator,
    }),
    () => ({ event: triage.ReportEscalated({ reportId, reason: 'mohon arahan' }), actor: operator }),
    () => ({ event: triage.ReportReassigned({ reportId, fromOperatorId: null, toOperatorId: operator, leaseExpiresAt: lease }), actor: 'sup-dewi' }),
    () => ({ event: triage.TriageOverdue({ reportId, priority: effectivePriority(c), targetSeconds: 60, dueAt: iso(atMs) }), actor: SYSTEM_ACTOR }),
    () => ({ event: triage.ReportNoteAdded({ reportId, text: 'catatan' }), actor: operator }),
    () => ({ event: triage.ReportRejected({ reportId, reason: 'PRANK', explanation: 'iseng', callerRef: null }), actor: operator }),
    () => ({ event: triage.ReportMarkedDuplicate({ reportId, duplicateOf: 'other' }), actor: operator }),
    () => ({ event: triage.ReportAdviceGiven({ reportId, advice: 'ke Polsek' }), actor: operator }),
    () => ({
      event: triage.ReportForwardedForDispatch({
        reportId,
        trackingCode: c.report.trackingCode,
        channel: c.report.channel,
        receivedAt: c.report.receivedAt,
        category: effectiveCategory(c),
        priority: effectivePriority(c),
        district: effectiveDistrict(c),
        location: { latitude: null, longitude: null, address: null },
        description: c.report.description,
        peopleInjured: 0,
        peopleInvolved: 1,
      }),
      actor: operator,
    }),
  ];
  // Closing events are rarer than the rest, so most cases stay open for a while.
  return g.chance(0.85) ? choices[g.int(7)]() : choices[7 + g.int(4)]();
}

const envelope = (streamId: string, streamVersion: number, event: DomainEvent, actor: string, atMs: number): TriageEnvelope =>
  envelopeOfEvent(triageEvents, event, {
    eventId: `${streamId}-${streamVersion}`,
    streamId,
    streamVersion,
    producer: 'triage',
    actor,
    at: new Date(atMs),
  }) as TriageEnvelope;

/** A generated history fed to an index, and the same history folded case by case (the brute force). */
function history(seed: number) {
  const g = generator(seed);
  const index = new QueueIndex();
  const cases = new Map<string, { state: TriageCase; version: number }>();
  const lastActed = new Map<string, number>();
  let atMs = T0;
  const feed = (envelopeOf: TriageEnvelope) => {
    atMs = Date.parse(envelopeOf.occurredAt);
    expect(index.apply(envelopeOf)).toBe('applied');
    if (g.chance(0.1)) expect(index.apply(envelopeOf)).toBe('stale'); // a redelivery changes nothing
  };
  const count = 40 + g.int(80);
  for (let n = 0; n < count; n++) {
    const opened = envelope(`00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, 1, opening(g, n), SYSTEM_ACTOR, atMs + g.int(5_000));
    const state = triageCaseDecider.evolve(triageCaseDecider.initialState(), opened) as TriageCase;
    cases.set(opened.streamId, { state, version: 1 });
    feed(opened);
  }
  for (let step = 0; step < count * 3; step++) {
    const open = [...cases.values()].filter((c) => isOpen(c.state));
    if (open.length === 0) break;
    const known = g.pick(open);
    const { event, actor } = nextEvent(g, known.state, atMs);
    const next = envelope(known.state.report.reportId, known.version + 1, event, actor, atMs + g.int(20_000));
    known.state = triageCaseDecider.evolve(known.state, next) as TriageCase;
    known.version++;
    // Now and then the case arrives folded (the stored snapshot, or a refold after a gap) instead of by event.
    if (g.chance(0.1)) index.load({ case: known.state, version: known.version });
    else {
      feed(next);
      if (actor !== SYSTEM_ACTOR) lastActed.set(actor, Math.max(lastActed.get(actor) ?? -Infinity, Date.parse(next.occurredAt)));
    }
  }
  return { g, index, cases: [...cases.values()], lastActed, endMs: atMs };
}

const rank = (p: Priority) => PRIORITIES.indexOf(p);
const overdueBrute = (c: TriageCase, now: Date) => c.overdue || now >= triageDueAt(c, targets);

function matchesBrute(c: TriageCase, f: QueueFilter, now: Date): boolean {
  return (
    (!f.status || f.status.includes(c.status)) &&
    (!f.priority || f.priority.includes(effectivePriority(c))) &&
    (!f.category || f.category.includes(effectiveCategory(c))) &&
    (!f.district || f.district.includes(effectiveDistrict(c) ?? '')) &&
    (!f.channel || f.channel.includes(c.report.channel)) &&
    (f.flagged === undefined || f.flagged === (c.report.suggestion.lowTrust.flagged || c.report.suggestion.duplicateCandidates.length > 0)) &&
    (f.overdue === undefined || f.overdue === overdueBrute(c, now)) &&
    (f.claimedBy === undefined || c.claim?.operatorId === f.claimedBy)
  );
}

/** A filter of zero, one or several fields, as operators combine them. */
function randomFilter(g: Gen): QueueFilter {
  const f: QueueFilter = {};
  const fields = g.int(4);
  for (let k = 0; k < fields; k++) {
    switch (g.int(8)) {
      case 0:
        f.status = g.some(STATUSES);
        break;
      case 1:
        f.priority = g.some(PRIORITIES);
        break;
      case 2:
        f.category = g.some(CATEGORIES);
        break;
      case 3:
        f.district = g.some(DISTRICTS).map((d) => d ?? 'UNKNOWN');
        break;
      case 4:
        f.channel = g.some(CHANNELS);
        break;
      case 5:
        f.flagged = g.chance(0.5);
        break;
      case 6:
        f.overdue = g.chance(0.5);
        break;
      default:
        f.claimedBy = g.pick(OPERATORS);
    }
  }
  return f;
}

const SEEDS = Array.from({ length: 30 }, (_, i) => i + 1);

describe('QueueIndex (issue 15): counts and pages equal a brute-force walk over generated histories', () => {
  it.each(SEEDS)('history %i: every filter, page and the statistics', (seed) => {
    const { g, index, cases, lastActed, endMs } = history(seed);
    const open = cases.filter((c) => isOpen(c.state));
    expect(index.size).toBe(open.length);
    const ordered = [...open].sort(
      (a, b) =>
        rank(effectivePriority(a.state)) - rank(effectivePriority(b.state)) ||
        Date.parse(a.state.report.receivedAt) - Date.parse(b.state.report.receivedAt) ||
        (a.state.report.reportId < b.state.report.reportId ? -1 : 1),
    );

    for (const now of [new Date(T0), new Date(endMs), new Date(endMs + 20 * 60_000), new Date(endMs + 2 * 3600_000)]) {
      for (let q = 0; q < 30; q++) {
        const filter = randomFilter(g);
        const offset = g.chance(0.3) ? 0 : g.int(open.length + 5);
        const limit = 1 + g.int(30);
        const expected = ordered.filter((c) => matchesBrute(c.state, filter, now));
        const page = index.list(filter, offset, limit, now, targets);
        expect({ filter, total: page.total }).toEqual({ filter, total: expected.length });
        // The page shows what a fold of the full history shows (the index keeps a slimmed case).
        expect(page.items).toEqual(expected.slice(offset, offset + limit).map((c) => index.item({ case: c.state, version: c.version }, now, targets)));
      }

      const stats = index.stats(now, targets);
      const waiting = ordered
        .filter((c) => c.state.status !== 'IN_TRIAGE')
        .sort(
          (a, b) =>
            Date.parse(a.state.report.receivedAt) - Date.parse(b.state.report.receivedAt) || (a.state.report.reportId < b.state.report.reportId ? -1 : 1),
        )[0];
      const active = new Set(open.flatMap((c) => (c.state.claim ? [c.state.claim.operatorId] : [])));
      for (const [actor, at] of lastActed) if (now.getTime() - at <= ACTIVE_WINDOW_MS) active.add(actor);
      expect(stats).toEqual({
        at: now.toISOString(),
        open: open.length,
        depthByPriority: Object.fromEntries(PRIORITIES.map((p) => [p, open.filter((c) => effectivePriority(c.state) === p).length])),
        byStatus: Object.fromEntries(STATUSES.map((s) => [s, open.filter((c) => c.state.status === s).length])),
        oldestWaiting: waiting
          ? {
              reportId: waiting.state.report.reportId,
              receivedAt: waiting.state.report.receivedAt,
              waitingSeconds: Math.round((now.getTime() - Date.parse(waiting.state.report.receivedAt)) / 1000),
              priority: effectivePriority(waiting.state),
            }
          : null,
        overdue: open.filter((c) => overdueBrute(c.state, now)).length,
        operatorsActive: active.size,
        activeOperatorIds: [...active].sort(),
      });

      const due = index.due(now, targets);
      expect(new Set(due.overdue)).toEqual(
        new Set(open.filter((c) => !c.state.overdue && now >= triageDueAt(c.state, targets)).map((c) => c.state.report.reportId)),
      );
      expect(new Set(due.leaseExpired)).toEqual(
        new Set(open.filter((c) => c.state.claim && Date.parse(c.state.claim.leaseExpiresAt) <= now.getTime()).map((c) => c.state.report.reportId)),
      );
    }
  });
});

describe('QueueIndex loaded in bulk (the stored snapshot at start)', () => {
  it.each(SEEDS.slice(0, 10))('history %i: cases loaded in any order list as the index fed event by event', async (seed) => {
    const { g, index, cases, endMs } = history(seed);
    const bulk = new QueueIndex();
    const shuffled = [...cases].sort(() => (g.chance(0.5) ? -1 : 1));
    await bulk.loadInBulk(async (load) => {
      for (const c of shuffled) {
        // An older fold of the case first, now and then: the newer one replaces it before the lanes are sorted.
        if (c.version > 1 && g.chance(0.3)) load({ case: c.state, version: c.version - 1 });
        load({ case: c.state, version: c.version });
      }
    });
    expect(bulk.size).toBe(index.size);
    const now = new Date(endMs);
    for (let q = 0; q < 40; q++) {
      const filter = randomFilter(g);
      const [offset, limit] = [g.chance(0.3) ? 0 : g.int(index.size + 5), 1 + g.int(30)];
      expect({ filter, page: bulk.list(filter, offset, limit, now, targets) }).toEqual({ filter, page: index.list(filter, offset, limit, now, targets) });
    }
  });
});

describe('QueueIndex memory (issue 15)', () => {
  const g = generator(7);
  const opened = envelope('00000000-0000-4000-8000-000000000001', 1, opening(g, 1), SYSTEM_ACTOR, T0);
  const full = triageCaseDecider.evolve(triageCaseDecider.initialState(), opened) as TriageCase;
  const longText = 'Tawuran antar pelajar di dekat Pasar Tebet, banyak yang membawa senjata tajam. '.repeat(6);

  it('keeps an open case without what only its detail shows: reasons, address, the description past its summary', () => {
    const index = new QueueIndex();
    const state: TriageCase = {
      ...full,
      report: { ...full.report, description: longText, location: { ...full.report.location, address: 'Jl. Tebet Raya 12' } },
    };
    index.load({ case: state, version: 1 });
    const kept = index.get(state.report.reportId)!.case;
    expect(kept.report.description).toHaveLength(140);
    expect(kept.report.description.endsWith('…')).toBe(true);
    expect(kept.report.location.address).toBeNull();
    expect(kept.report.suggestion.reasons).toEqual([]);
    expect(kept.report.suggestion.categories).toBeUndefined();
    // The list still shows what it showed from the whole case.
    expect(index.list({}, 0, 10, new Date(T0), targets).items).toEqual([index.item({ case: state, version: 1 }, new Date(T0), targets)]);
  });

  it('lets a closed case leave memory, whatever way it closes', () => {
    const index = new QueueIndex();
    index.apply(opened);
    expect(index.size).toBe(1);
    const state = triageCaseDecider.evolve(
      full,
      envelope(opened.streamId, 2, triage.ReportAdviceGiven({ reportId: opened.streamId, advice: 'ke Polsek' }), 'op-budi', T0),
    ) as TriageCaseState;
    expect(index.apply(envelope(opened.streamId, 2, triage.ReportAdviceGiven({ reportId: opened.streamId, advice: 'ke Polsek' }), 'op-budi', T0))).toBe(
      'applied',
    );
    expect(state.status).toBe('ADVICE_GIVEN');
    expect(index.size).toBe(0);
    expect(index.get(opened.streamId)).toBeUndefined();
    expect(index.list({}, 0, 10, new Date(T0), targets)).toEqual({ total: 0, items: [] });
    expect(index.stats(new Date(T0), targets).open).toBe(0);
  });
});
