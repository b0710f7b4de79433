import { Binary, Collection, Db, ObjectId } from 'mongodb';
import { AnalyticsModel } from './analytics-model';
import { CapturedModel, ChunkInflater, CorruptSnapshot, encodeChunks, headerOf, SNAPSHOT_SCHEMA_VERSION, SnapshotDecoder, SnapshotHeader } from './snapshot';

/** Chunks read ahead of the one being decoded. */
const READ_AHEAD = 3;

type HeaderDoc = SnapshotHeader & { _id: ObjectId; complete: boolean };
type ChunkDoc = { _id: string; snapshot: ObjectId; index: number; data: Binary | Buffer; sha256: string };

/** A snapshot ready to resume from: its model and the offsets to tail from. */
export interface RestoredSnapshot {
  header: SnapshotHeader;
  model: AnalyticsModel;
  offsets: Map<string, string>;
}

/**
 * Snapshots of the analytics read models in the database: a header (`analytics_snapshots`) written
 * after its chunks (`analytics_snapshot_chunks`, each under the 16 MiB document limit), so a
 * snapshot cut off mid-write is never complete and never read. Only the latest complete one is
 * kept once another is whole.
 */
export class SnapshotStore {
  private readonly headers: Collection<HeaderDoc>;
  private readonly chunks: Collection<ChunkDoc>;

  constructor(db: Db) {
    this.headers = db.collection('analytics_snapshots');
    this.chunks = db.collection('analytics_snapshot_chunks');
  }

  /** Writes a model captured earlier (captureModel), encoding and writing it a few chunks at a time. */
  async save(captured: CapturedModel): Promise<SnapshotHeader> {
    const id = new ObjectId();
    const chunks: { sha256: string }[] = [];
    let batch: ChunkDoc[] = [];
    const flush = async () => {
      if (batch.length) await this.chunks.insertMany(batch);
      batch = [];
    };
    for await (const c of encodeChunks(captured)) {
      chunks.push({ sha256: c.sha256 });
      batch.push({ _id: `${id.toHexString()}:${c.index}`, snapshot: id, ...c });
      if (batch.length === 16) await flush();
    }
    await flush();
    const header = headerOf(captured, chunks);
    await this.headers.insertOne({ _id: id, ...header, complete: true });
    // Instances sharing the database share snapshots (each reads every topic, so any can resume from any).
    const older = await this.headers.find({ takenAt: { $lt: header.takenAt } }, { projection: { _id: 1 } }).toArray();
    for (const { _id } of older) {
      await this.headers.deleteOne({ _id });
      await this.chunks.deleteMany({ snapshot: _id });
    }
    return header;
  }

  /**
   * The latest complete snapshot, or why there is none to use: absent, of another schema version,
   * or corrupt. The caller rebuilds from offset 0 in every such case.
   */
  async latest(): Promise<{ restored: RestoredSnapshot } | { ignored: string }> {
    const [doc] = await this.headers.find({ complete: true }).sort({ takenAt: -1, _id: -1 }).limit(1).toArray();
    if (!doc) return { ignored: 'no snapshot' };
    const { _id, complete, ...header } = doc;
    if (header.schemaVersion !== SNAPSHOT_SCHEMA_VERSION) {
      return { ignored: `snapshot ${_id.toHexString()} has schema version ${header.schemaVersion}, this build reads ${SNAPSHOT_SCHEMA_VERSION}` };
    }
    const inflater = new ChunkInflater();
    try {
      const decoder = new SnapshotDecoder(header);
      // A few chunks read ahead by `_id` and inflated while the one before is decoded: the database reads and
      // the inflater's thread inflates as this process decodes.
      const read = (index: number) => {
        const chunk = this.chunks.findOne({ _id: `${_id.toHexString()}:${index}` }).then((doc) => {
          if (!doc) throw new CorruptSnapshot(`chunk ${index} is missing`);
          return inflater.inflate({ index: doc.index, sha256: doc.sha256, data: doc.data instanceof Binary ? Buffer.from(doc.data.buffer) : doc.data });
        });
        chunk.catch(() => undefined); // awaited in turn below, unless decoding stopped first
        return chunk;
      };
      const ahead = Array.from({ length: Math.min(READ_AHEAD, header.chunks) }, (_, i) => read(i));
      for (let index = 0; index < header.chunks; index++) {
        const chunk = await ahead.shift()!;
        if (index + READ_AHEAD < header.chunks) ahead.push(read(index + READ_AHEAD));
        decoder.add(chunk);
        // A turn of the event loop between chunks: a chunk read ahead is often in already, and without it the chunks
        // decode back to back while health checks and requests (answered 503 until ready) wait.
        await new Promise((resolve) => setImmediate(resolve));
      }
      return { restored: { header, model: decoder.finish(), offsets: new Map(Object.entries(header.offsets ?? {})) } };
    } catch (e) {
      if (e instanceof CorruptSnapshot) return { ignored: `snapshot ${_id.toHexString()} is corrupt: ${e.message}` };
      throw e;
    } finally {
      await inflater.close();
    }
  }
}
