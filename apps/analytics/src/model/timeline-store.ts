import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { AnyBulkWriteOperation, Binary, Collection, Db } from 'mongodb';
import { collidedWrites, onlyDuplicateKeys, versionIndexOn } from '@callcenter/events';
import { AnalyticsModel, mergeTimeline, TimelineEntry } from './analytics-model';

/**
 * A settled report's timeline, packed: its entries as deflated JSON in one binary field. The
 * embedded database clones, sizes and serialises a nested document field by field on every write
 * and read; a byte array it copies whole (docs/performance.md, "Timelines packed"). `version` is
 * the count of entries, which only grows. A document written before packing (`entries` as an
 * array) is read as it is and packed when it next grows.
 */
type TimelineDoc = { _id: string; version: number; packed?: Binary; entries?: TimelineEntry[] };

const packed = (entries: TimelineEntry[]) => new Binary(deflateRawSync(JSON.stringify(entries), { level: 1 }));
const entriesOf = (doc: TimelineDoc): TimelineEntry[] => (doc.packed ? JSON.parse(inflateRawSync(doc.packed.buffer).toString('utf8')) : (doc.entries ?? []));

/**
 * Settled reports' timelines (closed, rejected, advice given, merged: `timelineSettled`) in the database (`analytics_timelines`), one document per report
 * addressed by its id (the embedded database looks up by `_id` only). A report that has just
 * settled is inserted whole without a read (a start from offset 0 writes each settled report once),
 * unless its document is there already (a replay). Otherwise a flush writes the batch's parts in
 * one bulk write: each report's document becomes the union of what it held and the new
 * parts (each event once, in order), written only if it grew, and conditionally on the version read
 * (its count of entries), so a replay (a rebuild's generation, a restart from a snapshot, a
 * redelivery) never regresses it and two generations writing at once never lose each other's
 * entries: a write that lost the race is merged again and retried.
 */
export class TimelineStore {
  private readonly docs: Collection<TimelineDoc>;

  constructor(db: Db) {
    this.docs = db.collection('analytics_timelines');
  }

  /** Writes the model's unsaved parts, then forgets those written (the model holds open reports' timelines only). */
  async flush(model: AnalyticsModel): Promise<number> {
    if (model.unsaved.size === 0) return 0;
    const batch = [...model.unsaved];
    const [byReport, settled] = [new Map<string, TimelineEntry[][]>(), new Set<string>()];
    for (const [id, part] of batch) {
      byReport.set(part.reportId, [...(byReport.get(part.reportId) ?? []), part.entries]);
      if (id === part.reportId) settled.add(id); // its whole timeline, at settling; other parts are entries after
    }
    for (const id of await this.insertSettled(byReport, settled)) byReport.delete(id);
    for (let attempt = 1; byReport.size > 0; attempt++) {
      if (await this.write(byReport)) break;
      if (attempt === 5) throw new Error('analytics_timelines: lost the race 5 times');
    }
    // Only what this batch wrote: parts added meanwhile wait for the next flush.
    for (const [id, part] of batch) if (model.unsaved.get(id) === part) model.unsaved.delete(id);
    return batch.length;
  }

  /** Inserts the timelines of reports just settled, without reading first; returns those inserted (the others' documents were there already). */
  private async insertSettled(byReport: Map<string, TimelineEntry[][]>, settled: Set<string>): Promise<string[]> {
    const ids = [...settled];
    if (ids.length === 0) return [];
    await versionIndexOn(this.docs, 'version');
    const inserts = ids.map((_id) => {
      const entries = mergeTimeline(byReport.get(_id)!);
      return { insertOne: { document: { _id, packed: packed(entries), version: entries.length } } };
    });
    const collided = new Set(await this.docs.bulkWrite(inserts, { ordered: false }).then(() => [], collidedWrites));
    return ids.filter((_, i) => !collided.has(i));
  }

  /** One attempt: true when every report's document now holds its parts. */
  private async write(byReport: Map<string, TimelineEntry[][]>): Promise<boolean> {
    // Without it every conditional update below scans the collection: a start from offset 0 slowed
    // to a crawl as the settled timelines grew (issue 15).
    await versionIndexOn(this.docs, 'version');
    // One lookup by `_id` each, at once (measured as fast as one `$in` on the embedded database at 30,000 documents).
    const found = await Promise.all([...byReport.keys()].map((_id) => this.docs.findOne({ _id })));
    const stored = new Map(found.filter((d) => d !== null).map((d) => [d._id, d]));
    const ops: AnyBulkWriteOperation<TimelineDoc>[] = [];
    for (const [_id, parts] of byReport) {
      const was = stored.get(_id);
      const entries = mergeTimeline([was ? entriesOf(was) : [], ...parts]);
      if (was && entries.length === was.version) continue; // a replay: nothing new
      const doc = { packed: packed(entries), version: entries.length };
      if (was) ops.push({ updateOne: { filter: { _id, version: was.version }, update: { $set: doc, $unset: { entries: '' } } } });
      else ops.push({ insertOne: { document: { _id, ...doc } } });
    }
    if (ops.length === 0) return true;
    try {
      const result = await this.docs.bulkWrite(ops, { ordered: false });
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
    const doc = await this.docs.findOne({ _id: reportId });
    return doc ? mergeTimeline([entriesOf(doc), held]) : held;
  }
}
