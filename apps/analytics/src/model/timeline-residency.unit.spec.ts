import fc from 'fast-check';
import { REPORTLESS_TRIAGE_EVENT_TYPES, type EventEnvelope } from '@callcenter/events';
import { interleavedStreams, scriptedLifecycles } from '../../test/scripted-lifecycles';
import { AnalyticsModel, mergeTimeline, QUIET_AFTER_RESOLUTION_MS, TimelineEntry, timelineSettled } from './analytics-model';
import { reportIdOf } from './report-fact';
import { captureModel, decodeSnapshot, encodeChunks, headerOf } from './snapshot';

/** Two days of scripted lifecycles (closed, resolved, open, rejected reports): the streams of both. */
const history = [...scriptedLifecycles('2021-03-01', 'res-a'), ...scriptedLifecycles('2021-03-02', 'res-b')].map((s) => s.event);

/** The streams interleaved by `keys`, each in its own order, some events twice (redeliveries). */
function interleaved(keys: number[], repeats: number[]): EventEnvelope[] {
  const out = interleavedStreams(history, keys);
  for (const r of repeats) out.splice(r % out.length, 0, out[r % out.length]);
  return out;
}

const arb = fc.record({
  keys: fc.array(fc.nat(), { minLength: history.length, maxLength: history.length }),
  repeats: fc.array(fc.nat(), { maxLength: 8 }),
  /** After how many events a batch ends and its closed timelines are written. */
  batchEnds: fc.array(fc.nat({ max: history.length }), { maxLength: 12 }),
  /** Which batch ends hold settled reports' whole timelines back (a generation catching up, a partition behind): entries after join them. */
  holdBack: fc.array(fc.boolean(), { maxLength: 12 }),
});

describe('analytics memory holds open reports only', () => {
  it('keeps a timeline resident only while its report is open; a settled one is written and answered whole (property)', () => {
    const reference = new Map<string, TimelineEntry[]>();
    fc.assert(
      fc.property(arb, ({ keys, repeats, batchEnds, holdBack }) => {
        const model = new AnalyticsModel();
        // What TimelineStore keeps: the database's parts, by part id (written again by a replay, never lost).
        const database = new Map<string, TimelineEntry[]>();
        // What a generation does after each batch: quiet reports settled by the clock (as when caught up), then the timelines written.
        const flush = (holdWholes = false) => {
          model.settleQuiet(model.clock);
          for (const [id, part] of model.unsaved) {
            if (holdWholes && id === part.reportId) continue;
            database.set(id, part.entries);
            model.unsaved.delete(id);
          }
        };
        const ends = new Set(batchEnds);
        let batch = 0;
        interleaved(keys, repeats).forEach((e, i) => {
          model.apply(e);
          if (ends.has(i)) flush(holdBack[batch++ % Math.max(1, holdBack.length)] ?? false);
          for (const id of model.timelines.keys()) expect(timelineSettled(model.facts.get(id)!)).toBe(false);
        });
        flush();
        expect([...model.facts.values()].filter((f) => timelineSettled(f, model.clock)).length).toBeGreaterThan(1);
        // Day one's report resolved and never closed has left memory by the clock of day two.
        expect([...model.facts.values()].filter((f) => f.resolvedAt !== null && f.closedAt === null && !model.timelines.has(f.reportId))).not.toEqual([]);
        for (const f of model.facts.values()) {
          expect(model.timelines.has(f.reportId)).toBe(!timelineSettled(f, model.clock));
          const parts = [...database].filter(([id]) => id === f.reportId || id.startsWith(`${f.reportId}|`)).map(([, entries]) => entries);
          const whole = timelineSettled(f, model.clock) ? mergeTimeline(parts) : model.timelines.get(f.reportId)!;
          // Every event of the report, once, in the same order whatever the interleaving.
          const expected = history.filter((e) => !REPORTLESS_TRIAGE_EVENT_TYPES.has(e.type) && reportIdOf(e) === f.reportId).length;
          expect(whole).toHaveLength(expected);
          const seen = reference.get(f.reportId);
          if (seen) expect(whole).toEqual(seen);
          else reference.set(f.reportId, whole);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('snapshots open reports’ timelines and the closed parts not yet written, nothing more', async () => {
    const model = new AnalyticsModel();
    for (const e of history) model.apply(e);
    const unsaved = model.unsaved.size;
    expect(unsaved).toBeGreaterThan(0);
    const captured = captureModel(model, { generation: 1, takenAt: '2021-03-03T00:00:00.000Z', offsets: {} });
    const chunks = [];
    for await (const c of encodeChunks(captured, 3)) chunks.push(c);
    const restored = decodeSnapshot(headerOf(captured, chunks), chunks);
    expect(await restored.digest()).toBe(await model.digest());
    expect([...restored.timelines.keys()].sort()).toEqual([...model.timelines.keys()].sort());
    expect(restored.unsaved.size).toBe(unsaved);
    for (const f of model.facts.values()) expect(restored.heldTimeline(f.reportId)).toEqual(model.heldTimeline(f.reportId));
  });

  it('settles a report resolved and not closed once given a time a day past its resolution, in a model restored before that too', async () => {
    const [dayOne, dayTwo] = [scriptedLifecycles('2021-03-01', 'res-a'), scriptedLifecycles('2021-03-02', 'res-b')].map((s) => s.map((x) => x.event));
    const model = new AnalyticsModel();
    for (const e of dayOne) model.apply(e);
    const resolved = [...model.facts.values()].filter((f) => f.resolvedAt !== null && f.closedAt === null).map((f) => f.reportId);
    expect(resolved).not.toEqual([]);
    for (const id of resolved) expect(model.timelines.has(id)).toBe(true);
    const captured = captureModel(model, { generation: 1, takenAt: '2021-03-02T00:00:00.000Z', offsets: {} });
    const chunks = [];
    for await (const c of encodeChunks(captured)) chunks.push(c);
    const restored = decodeSnapshot(headerOf(captured, chunks), chunks);
    expect(restored.clock).toBe(model.clock);
    for (const m of [model, restored]) {
      for (const e of dayTwo) m.apply(e);
      for (const id of resolved) expect(m.timelines.has(id)).toBe(true);
      m.settleQuiet(m.clock);
      expect(m.clock).toBeGreaterThanOrEqual(Math.max(...resolved.map((id) => m.facts.get(id)!.resolvedAt!)) + QUIET_AFTER_RESOLUTION_MS);
      for (const id of resolved) expect([m.timelines.has(id), m.unsaved.get(id)?.entries.length]).toEqual([false, model.heldTimeline(id).length]);
    }
    expect(await restored.digest()).toBe(await model.digest());
  });
});
