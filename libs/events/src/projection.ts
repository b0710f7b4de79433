import { Collection, Document } from 'mongodb';
import { EventEnvelope } from './envelope';
import { isDuplicateKey } from './event-store';

/**
 * A read-model document as stored: the projection's fields plus the stream version it has applied,
 * per source when one document is fed by several streams (a report's intake, triage and dispatch).
 */
export type Projected<D> = D & { _id: string; _version?: number; _versions?: Record<string, number> };

/**
 * Applies one event to the read-model document of its stream, exactly once.
 *
 * The document remembers the last stream version it applied; an event at or below it is a
 * no-op, so a redelivered event changes nothing. Writes address the document by `_id` only (the
 * embedded database scans on any other filter). That is safe because all events of a stream come
 * through one Kafka partition, which one consumer of the group owns at a time.
 * `evolve` returns the new document, or null to delete it; it must return `doc` itself for events
 * that change nothing, and then nothing is written (a redelivery of such an event changes nothing
 * either, so its version need not be recorded).
 *
 * Returns true if the event changed the read model.
 */
export async function projectOnce<D extends Document>(
  collection: Collection<Projected<D>>,
  id: string,
  event: EventEnvelope,
  evolve: (doc: D | null, event: EventEnvelope) => D | null,
  options: { source?: string } = {},
): Promise<boolean> {
  const source = options.source;
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = (await collection.findOne({ _id: id } as any)) as Projected<D> | null;
    const applied = source ? current?._versions?.[source] ?? 0 : current?._version ?? 0;
    if (current && applied >= event.streamVersion) return false;
    const { _id, _version, _versions, ...state } = current ?? ({} as Projected<D>);
    const before = current ? (state as unknown as D) : null;
    const next = evolve(before, event);
    if (next === before) return false;
    const position = source
      ? { _versions: { ...(_versions ?? {}), [source]: event.streamVersion } }
      : { _version: event.streamVersion };
    if (current === null) {
      if (next === null) return false;
      try {
        await collection.insertOne({ ...next, _id: id, ...position } as any);
        return true;
      } catch (e) {
        if (isDuplicateKey(e)) continue; // inserted meanwhile (a rebalance overlap): re-read and re-check
        throw e;
      }
    }
    if (next === null) await collection.deleteOne({ _id: id } as any);
    else await collection.replaceOne({ _id: id } as any, { ...next, ...position } as any);
    return true;
  }
  throw new Error(`projection of ${event.streamId}@${event.streamVersion} kept colliding on ${id}`);
}
