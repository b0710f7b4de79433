import DataLoader from 'dataloader';
import type { Db } from 'mongodb';
import { Model, Schema } from 'mongoose';
import { isDuplicateKey } from '../event-store';
import { documentSchemaOptions, modelOn } from '../mongoose-models';

/** The database of the key store: one for the whole platform, like a key management service. */
export const KEY_VAULT_DATABASE_SUFFIX = 'keyvault';
export const REPORT_KEYS_COLLECTION = 'report_keys';

/**
 * One report's data key. `wrapped` is the key sealed by the master key; erasure sets it (and the
 * phone look-up reference) to null and keeps the document as the record that it was destroyed, so
 * a key can never be made again for an erased report.
 */
export interface ReportKeyDocument {
  _id: string;
  wrapped: string | null;
  masterKeyId: string;
  phoneRef: string | null;
  createdAt: Date;
  erasedAt?: Date;
  erasureId?: string;
}

/** A key always has its creation time; `wrapped` and `phoneRef` are null once erased, `masterKeyId` '' on a tombstone. */
export const reportKeySchema = new Schema<ReportKeyDocument>(
  {
    _id: { type: String, required: true },
    wrapped: { type: String, default: null },
    masterKeyId: { type: String, default: '' },
    phoneRef: { type: String, default: null },
    createdAt: { type: Schema.Types.Date, required: true },
    erasedAt: Schema.Types.Date,
    erasureId: String,
  },
  { ...documentSchemaOptions, collection: REPORT_KEYS_COLLECTION },
);
reportKeySchema.index({ phoneRef: 1 }, { sparse: true });

/** Batches collected over a turn of the event loop (not only its microtasks: requests arrive as separate I/O events). */
const perTurn = { batchScheduleFn: (run: () => void) => setImmediate(run), maxBatchSize: 1_000 };

/** The Mongo adapter of the key store: inserts and `_id` look-ups, except the look-up by phone. */
export class MongoKeyStore {
  readonly keys: Model<ReportKeyDocument>;
  private readonly inserts = new DataLoader<ReportKeyDocument, ReportKeyDocument>((docs) => this.insertMany(docs), { ...perTurn, cache: false });
  private readonly lookups = new DataLoader<string, ReportKeyDocument | null>((ids) => this.findMany(ids), { ...perTurn, cache: false });

  constructor(db: Db) {
    this.keys = modelOn(db, 'ReportKey', reportKeySchema);
  }

  async ensureIndexes(): Promise<void> {
    await this.keys.createIndexes();
  }

  /**
   * The stored document: ours when inserted, else the one stored first (a repeated submission).
   * Keys asked for in the same turn of the event loop go in one unordered insertMany, so a busy
   * intake pays about one round trip per batch rather than one per report.
   */
  insertOrGet(doc: ReportKeyDocument): Promise<ReportKeyDocument> {
    return this.inserts.load(doc);
  }

  /** Look-ups in the same turn of the event loop (a page of a list, a fetched batch) are one `$in` read. */
  get(keyId: string): Promise<ReportKeyDocument | null> {
    return this.lookups.load(keyId);
  }

  private async insertMany(docs: readonly ReportKeyDocument[]): Promise<(ReportKeyDocument | Error)[]> {
    let failed = new Set<number>();
    try {
      // Validated against the schema; a document that fails rejects the batch rather than being skipped.
      await this.keys.insertMany(docs, { ordered: false, throwOnValidationError: true });
    } catch (e) {
      const errors = (e as { writeErrors?: { index: number }[] | { index: number } }).writeErrors;
      const list = errors === undefined ? undefined : Array.isArray(errors) ? errors : [errors];
      if (!list || list.some((w) => !isDuplicateKey(w))) throw e;
      failed = new Set(list.map((w) => w.index));
    }
    const stored = failed.size === 0 ? new Map() : await this.byId(docs.filter((_, i) => failed.has(i)).map((d) => d._id));
    return docs.map((doc, i) => (!failed.has(i) ? doc : (stored.get(doc._id) ?? new Error(`key of ${doc._id}: duplicate on insert but not found`))));
  }

  private async findMany(ids: readonly string[]): Promise<(ReportKeyDocument | null)[]> {
    const found = await this.byId(ids);
    return ids.map((id) => found.get(id) ?? null);
  }

  private async byId(ids: readonly string[]): Promise<Map<string, ReportKeyDocument>> {
    const docs = await this.keys
      .find({ _id: { $in: [...new Set(ids)] } })
      .lean<ReportKeyDocument[]>()
      .exec();
    return new Map(docs.map((d) => [d._id, d]));
  }

  async keyIdsOfPhone(phoneRef: string): Promise<string[]> {
    return (await this.keys.find({ phoneRef }, { _id: 1 }).lean<{ _id: string }[]>().exec()).map((d) => d._id);
  }

  /** Destroys the keys; a report with no key (received before encryption) gets a tombstone. Idempotent. */
  async destroy(keyIds: string[], erasureId: string, now: Date): Promise<void> {
    for (const keyId of keyIds) {
      await this.keys.updateOne(
        { _id: keyId },
        {
          $set: { wrapped: null, phoneRef: null, erasedAt: now, erasureId },
          $setOnInsert: { masterKeyId: '', createdAt: now },
        },
        { upsert: true },
      );
    }
  }
}
