import { Collection, Document } from 'mongodb';
import { EventEnvelope } from './envelope';
import { isDuplicateKey } from './event-store';

/** A read-model document as stored: the projection's fields plus the stream version it has applied. */
export type Projected<D> = D & { _id: string; _version: number };

/**
 * Applies one event to the read-model document of its stream, exactly once.
 *
 * The document remembers the last stream version it applied and the write only matches that
 * version, so guard and update are one atomic document write: a redelivered or older event is a
 * no-op, and two consumers racing on the same document cannot both apply.
 * `evolve` returns the new document, or null to delete it. Unknown events should return `doc`.
 *
 * Returns true if the event changed the read model.
 */
export async function projectOnce<D extends Document>(
  collection: Collection<Projected<D>>,
  id: string,
  event: EventEnvelope,
  evolve: (doc: D | null, event: EventEnvelope) => D | null,
): Promise<boolean> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const current = (await collection.findOne({ _id: id } as any)) as Projected<D> | null;
    if (current && current._version >= event.streamVersion) return false;
    const { _id, _version, ...state } = current ?? ({} as Projected<D>);
    const next = evolve(current ? (state as unknown as D) : null, event);
    if (current === null) {
      if (next === null) return false;
      try {
        await collection.insertOne({ ...next, _id: id, _version: event.streamVersion } as any);
        return true;
      } catch (e) {
        if (isDuplicateKey(e)) continue; // someone inserted first: re-read and re-check
        throw e;
      }
    }
    const guard = { _id: id, _version: current._version } as any;
    const result =
      next === null
        ? await collection.deleteOne(guard)
        : await collection.replaceOne(guard, { ...next, _version: event.streamVersion } as any);
    if ((next === null ? (result as any).deletedCount : (result as any).matchedCount) === 1) return true;
  }
  throw new Error(`projection of ${event.streamId}@${event.streamVersion} kept losing races on ${id}`);
}
