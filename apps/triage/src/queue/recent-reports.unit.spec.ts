import { RecentReport } from '../suggestions';
import { RecentReports } from './recent-reports';

const RULES = { radiusMeters: 500, windowMinutes: 30, sameCallerMinutes: 10 };
const DAY_MS = 86_400_000;
const WEEK_START = Date.parse('2026-11-23T17:00:00Z'); // midnight in Jakarta
const FLUSHED_AT = Date.parse('2026-12-01T03:00:00Z');

/**
 * Issue 18: a gateway's backlog, 200 reports of one week's incidents around one junction in Tebet,
 * delivered within one minute. What the queue offers as duplicates must follow when each happened.
 */
function backlog(): RecentReport[] {
  return Array.from({ length: 200 }, (_, i) => {
    const day = i % 7;
    const incident = Math.floor(i / 7) % 3; // three incidents a day at this junction, hours apart
    return {
      reportId: `backlog-${String(i).padStart(3, '0')}`,
      category: i % 2 ? 'KECELAKAAN_LALU_LINTAS' : 'KEJAHATAN',
      latitude: -6.2265 + ((i * 7) % 20) / 10_000,
      longitude: 106.8519 + ((i * 11) % 20) / 10_000,
      callerRef: `caller-${i % 9}`,
      receivedAt: new Date(FLUSHED_AT + i * 290).toISOString(),
      occurredAt: new Date(WEEK_START + day * DAY_MS + (7 + incident * 6) * 3_600_000 + ((i * 17) % 25) * 60_000).toISOString(),
    };
  });
}

const jakartaDay = (iso: string) => new Date(Date.parse(iso) + 7 * 3_600_000).toISOString().slice(0, 10);

describe('RecentReports', () => {
  it('offers no candidate across days from a week-long backlog delivered in one minute', () => {
    const recent = new RecentReports(RULES);
    const reports = backlog();
    const byId = new Map(reports.map((r) => [r.reportId, r]));
    const across: string[] = [];
    let offered = 0;
    for (const report of reports) {
      for (const candidate of recent.candidatesFor(report)) {
        offered++;
        const other = byId.get(candidate.reportId) as RecentReport;
        if (jakartaDay(other.occurredAt as string) !== jakartaDay(report.occurredAt as string)) across.push(`${report.reportId}~${other.reportId}`);
        expect(candidate.minutesApart).toBeLessThanOrEqual(RULES.windowMinutes);
      }
      recent.add(report);
    }
    expect(recent.size).toBe(200);
    // Reports of the same incident still find each other.
    expect(offered).toBeGreaterThan(0);
    expect(across).toEqual([]);
  });

  it('still matches by receipt when no time was stated', () => {
    const recent = new RecentReports(RULES);
    const first = { ...backlog()[0], occurredAt: null };
    recent.add(first);
    const again = { ...first, reportId: 'again', receivedAt: new Date(FLUSHED_AT + 60_000).toISOString() };
    expect(recent.candidatesFor(again).map((c) => [c.reportId, c.minutesApart])).toEqual([[first.reportId, 1]]);
  });

  describe('prune', () => {
    const at = (minutes: number) => new Date(FLUSHED_AT + minutes * 60_000);
    /** A report at the same junction from its own caller, received `minutes` after FLUSHED_AT. */
    const [junction] = backlog();
    const received = (id: string, minutes: number): RecentReport => ({
      ...junction,
      reportId: id,
      callerRef: `caller-${id}`,
      receivedAt: at(minutes).toISOString(),
      occurredAt: null,
    });
    const offered = (recent: RecentReports, minutes: number) => recent.candidatesFor(received('new', minutes)).map((c) => c.reportId);

    it('forgets the reports received before the longest window and keeps the rest, including as candidates', () => {
      const recent = new RecentReports(RULES);
      for (const [id, minutes] of [
        ['a', 0],
        ['b', 5],
        ['c', 20],
      ] as const)
        recent.add(received(id, minutes));
      recent.prune(at(34)); // keeps 30 minutes: a (0) goes, b (5) and c (20) stay
      expect(recent.size).toBe(2);
      expect(offered(recent, 34).sort()).toEqual(['b', 'c']);
      recent.prune(at(60));
      expect(recent.size).toBe(0);
      expect(offered(recent, 60)).toEqual([]);
      recent.add(received('a', 0)); // forgotten, so it may come again (a redelivery after a long outage)
      expect(recent.size).toBe(1);
    });

    it('stops at the first report still in the window: a straggler added after it goes with it', () => {
      const recent = new RecentReports(RULES);
      for (const [id, minutes] of [
        ['a', 0],
        ['b', 20],
        ['late', 1],
        ['c', 25],
      ] as const)
        recent.add(received(id, minutes));
      recent.prune(at(40));
      expect(recent.size).toBe(3); // a; not yet "late", which came after b
      recent.prune(at(51));
      expect(recent.size).toBe(1); // b, then late, then c stays
      expect(offered(recent, 51)).toEqual(['c']);
    });

    it('finds the oldest first once put in order of receipt (reports loaded from the snapshot in any order)', () => {
      const recent = new RecentReports(RULES);
      for (const [id, minutes] of [
        ['b', 20],
        ['a', 0],
        ['c', 25],
        ['old', -600],
      ] as const)
        recent.add(received(id, minutes));
      recent.orderByReceipt();
      recent.prune(at(40));
      expect(recent.size).toBe(2);
      expect(offered(recent, 40).sort()).toEqual(['b', 'c']);
    });

    it('keeps forgetting correctly after compacting its arrival list', () => {
      const recent = new RecentReports(RULES);
      for (let i = 0; i < 3_000; i++) recent.add(received(`r${i}`, i / 100)); // one every 0.6 s over 30 minutes
      recent.prune(at(30 + 20)); // forgets the first 2,000 (received before minute 20)
      expect(recent.size).toBe(1_000);
      recent.add(received('later', 45));
      recent.prune(at(30 + 29.985));
      expect(recent.size).toBe(2); // r2999 (29.99) and later
      expect(offered(recent, 50).sort()).toEqual(['later', 'r2999']);
    });
  });
});
