import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { AnyBulkWriteOperation, Binary, Collection, Db } from 'mongodb';
import { collidedWrites, onlyDuplicateKeys, versionIndexOn } from '@callcenter/events';
import { AnalyticsModel, entryKey, mergeTimeline, TimelineEntry } from './analytics-model';

/**
 * A part of a settled report's timeline, packed: its entries as deflated JSON in one binary field.
 * The embedded database clones, sizes and serialises a nested document field by field on every
 * write and read; a byte array it copies whole. `version` is the count of entries, which only
 * grows. A document written before packing (`entries` as an array) is read as it is.
 */
type TimelineDoc = { _id: string; version: number; packed?: Binary; entries?: TimelineEntry[] };

/** Later than any ISO time: every settled timeline is ripe. */
export const ANY_TIME = '\uffff';

/**
 * Deflate set up for a timeline of a few KiB: a 4 KiB window and 32 KiB of state, not zlib's 32 KiB
 * window and 256 KiB (the same bytes out: a timeline is hardly longer than the window), and an
 * output buffer small enough to come from Node's buffer pool. A compressor is set up for each
 * timeline, and at zlib's sizes that set-up cost more than the compression.
 */
const DEFLATE = { level: 1, windowBits: 12, memLevel: 5, chunkSize: 2048 };
const packed = (entries: TimelineEntry[]) => new Binary(deflateRawSync(JSON.stringify(entries), DEFLATE));
const entriesOf = (doc: TimelineDoc | null): TimelineEntry[] =>
  !doc ? [] : doc.packed ? JSON.parse(inflateRawSync(doc.packed.buffer).toString('utf8')) : (doc.entries ?? []);

/**
 * Settled reports' timelines (closed, rejected, advice given, merged, resolved a day ago: `timelineSettled`) in the
 * database, addressed by report id (the embedded database looks up by `_id` only), in two parts:
 *
 * - `analytics_timelines`: the whole timeline as it was when the report settled, inserted once,
 *   without a read (a start from offset 0 writes each settled report once). Insert-only, so it has
 *   no index but `_id`: every unique index costs each insert a probe and an update in which H2
 *   compares keys by Java-serialising them (docs/performance.md, "packed timelines").
 * - `analytics_timeline_additions`: the entries that came after (or that a replay settled with but
 *   the inserted timeline lacks: another interleaving of the topics), one document per report that
 *   has any, the union of what it held and the new ones, written only if it grew and conditionally
 *   on the version read (a unique `{_id, version}` index), so a replay, a rebuild's generation
 *   writing beside the live one or a restart from a snapshot never regresses it; a write that lost
 *   the race is merged again and retried.
 *
 * A report's timeline is the union of both with what the model has not written yet.
 */
export class TimelineStore {
  private readonly docs: Collection<TimelineDoc>;
  private readonly additions: Collection<TimelineDoc>;

  constructor(db: Db) {
    this.docs = db.collection('analytics_timelines');
    this.additions = db.collection('analytics_timeline_additions');
  }

  /**
   * Writes the model's unsaved parts, then forgets those written (the model holds open reports'
   * timelines only). A whole timeline whose last entry is at or after `ripeBefore` (an ISO time)
   * stays unsaved: a generation catching up holds it back while a partition behind it may still
   * bring an entry of the report, which then joins it instead of being added after.
   */
  async flush(model: AnalyticsModel, ripeBefore = ANY_TIME): Promise<number> {
    const batch = model.unsaved.ripe(ripeBefore);
    if (batch.length === 0) return 0;
    const [byReport, settled] = [new Map<string, TimelineEntry[][]>(), new Set<string>()];
    for (const [id, part] of batch) {
      byReport.set(part.reportId, [...(byReport.get(part.reportId) ?? []), part.entries]);
      if (id === part.reportId) settled.add(id); // its whole timeline, at settling; other parts are entries after
    }
    for (const id of await this.insertSettled(byReport, settled)) byReport.delete(id);
    for (let attempt = 1; byReport.size > 0; attempt++) {
      if (await this.add(byReport)) break;
      if (attempt === 5) throw new Error('analytics_timeline_additions: lost the race 5 times');
    }
    // Only what this batch wrote: parts added meanwhile wait for the next flush.
    for (const [id, part] of batch) if (model.unsaved.get(id) === part) model.unsaved.delete(id);
    return batch.length;
  }

  /** Inserts the timelines of reports just settled, without reading first; returns those inserted (the others' documents were there already). */
  private async insertSettled(byReport: Map<string, TimelineEntry[][]>, settled: Set<string>): Promise<string[]> {
    const ids = [...settled];
    if (ids.length === 0) return [];
    const inserts = ids.map((_id) => {
      const entries = mergeTimeline(byReport.get(_id)!);
      return { insertOne: { document: { _id, packed: packed(entries), version: entries.length } } };
    });
    const collided = new Set(await this.docs.bulkWrite(inserts, { ordered: false }).then(() => [], collidedWrites));
    return ids.filter((_, i) => !collided.has(i));
  }

  /** One attempt to add each report's parts that neither of its documents holds: true when every report's are now stored. */
  private async add(byReport: Map<string, TimelineEntry[][]>): Promise<boolean> {
    // Without it every conditional update below scans the collection (issue 15).
    await versionIndexOn(this.additions, 'version');
    const ids = [...byReport.keys()];
    // One lookup by `_id` each, at once (measured as fast as one `$in` on the embedded database at 30,000 documents).
    const [wholes, added] = await Promise.all([
      Promise.all(ids.map((_id) => this.docs.findOne({ _id }))),
      Promise.all(ids.map((_id) => this.additions.findOne({ _id }))),
    ]);
    const ops: AnyBulkWriteOperation<TimelineDoc>[] = [];
    ids.forEach((_id, i) => {
      const stored = new Set([...entriesOf(wholes[i]), ...entriesOf(added[i])].map(entryKey));
      const missing = mergeTimeline(byReport.get(_id)!).filter((e) => !stored.has(entryKey(e)));
      if (missing.length === 0) return; // a replay: nothing new
      const was = added[i];
      const entries = mergeTimeline([entriesOf(was), missing]);
      const doc = { packed: packed(entries), version: entries.length };
      if (was) ops.push({ updateOne: { filter: { _id, version: was.version }, update: { $set: doc, $unset: { entries: '' } } } });
      else ops.push({ insertOne: { document: { _id, ...doc } } });
    });
    if (ops.length === 0) return true;
    try {
      const result = await this.additions.bulkWrite(ops, { ordered: false });
      return result.insertedCount + result.matchedCount === ops.length;
    } catch (e) {
      // Another writer inserted first: merged again with what it wrote.
      if (onlyDuplicateKeys(e)) return false;
      throw e;
    }
  }

  /** A report's timeline: resident while open; once settled, from the database with the parts the model has not written yet. Empty when unknown. */
  async timeline(model: AnalyticsModel, reportId: string): Promise<TimelineEntry[]> {
    const resident = model.timelines.get(reportId);
    if (resident) return resident;
    const held = model.heldTimeline(reportId);
    const [whole, added] = await Promise.all([this.docs.findOne({ _id: reportId }), this.additions.findOne({ _id: reportId })]);
    return whole || added ? mergeTimeline([entriesOf(whole), entriesOf(added), held]) : held;
  }
}
