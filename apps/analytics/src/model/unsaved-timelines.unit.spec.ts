import fc from 'fast-check';
import type { TimelineEntry, TimelinePart } from './analytics-model';
import { UnsavedTimelines } from './unsaved-timelines';

/** An instant among a few hours and their boundaries, so the filing by hour and the compare within one hour both count. */
const instant = fc.record({ hour: fc.integer({ min: 0, max: 3 }), minute: fc.constantFrom(0, 30, 59), second: fc.constantFrom(0, 1, 59) });
const iso = ({ hour, minute, second }: { hour: number; minute: number; second: number }) =>
  new Date(Date.UTC(2026, 11, 2, 22 + hour, minute, second)).toISOString();
const entryAt = (at: string, version: number): TimelineEntry => ({
  at,
  type: 'X',
  actor: 'a',
  producer: 'triage',
  streamId: 's',
  streamVersion: version,
  data: {},
});

const operation = fc.oneof(
  fc.record({ kind: fc.constant('whole' as const), report: fc.nat({ max: 5 }), last: fc.array(instant, { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('after' as const), report: fc.nat({ max: 5 }), version: fc.nat({ max: 3 }), at: instant }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('ripe' as const), before: fc.oneof(instant.map(iso), fc.constant('\uffff')) }),
);

describe('UnsavedTimelines', () => {
  it('takes as ripe what a look at every part takes, and finds a report’s parts, through any sets, replacements and deletes (property)', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 60 }), (operations) => {
        const unsaved = new UnsavedTimelines();
        const reference = new Map<string, TimelinePart>();
        const put = (id: string, part: TimelinePart) => (unsaved.set(id, part), reference.set(id, part));
        for (const op of operations) {
          if (op.kind === 'whole') {
            const reportId = `r${op.report}`;
            // A new array each time, as the model makes it: an entry joins a copy, so a part once filed never changes.
            put(reportId, { reportId, entries: op.last.map(iso).sort().map(entryAt) });
          } else if (op.kind === 'after') {
            const reportId = `r${op.report}`;
            put(`${reportId}|triage:s|${op.version}`, { reportId, entries: [entryAt(iso(op.at), op.version)] });
          } else if (op.kind === 'delete') {
            const ids = [...reference.keys()];
            if (ids.length === 0) continue;
            const id = ids[op.pick % ids.length];
            unsaved.delete(id);
            reference.delete(id);
          } else {
            const expected = [...reference].filter(([id, part]) => id !== part.reportId || part.entries.at(-1)!.at < op.before);
            expect(new Map(unsaved.ripe(op.before))).toEqual(new Map(expected));
          }
          expect(unsaved.size).toBe(reference.size);
        }
        expect(new Map(unsaved)).toEqual(reference);
        for (let report = 0; report <= 5; report++) {
          const reportId = `r${report}`;
          const parts = [...reference].filter(([, p]) => p.reportId === reportId).map(([, p]) => p.entries);
          expect(new Set(unsaved.ofReport(reportId))).toEqual(new Set(parts));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('forgets everything on clear', () => {
    const unsaved = new UnsavedTimelines();
    unsaved.set('r1', { reportId: 'r1', entries: [entryAt('2026-12-02T22:00:00.000Z', 1)] });
    unsaved.set('r1|triage:s|2', { reportId: 'r1', entries: [entryAt('2026-12-02T23:00:00.000Z', 2)] });
    unsaved.clear();
    expect(unsaved.size).toBe(0);
    expect(unsaved.ripe('\uffff')).toEqual([]);
    expect(unsaved.ofReport('r1')).toEqual([]);
  });
});
