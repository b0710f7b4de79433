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

/** The Mongo adapter of the key store: inserts and `_id` look-ups, except the look-up by phone. */
export class MongoKeyStore {
  readonly keys: Model<ReportKeyDocument>;

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
    return new Promise((resolve, reject) => {
      this.batch.push({ doc, resolve, reject });
      if (this.batch.length === 1) setImmediate(() => void this.flush());
    });
  }

  private batch: { doc: ReportKeyDocument; resolve: (d: ReportKeyDocument) => void; reject: (e: unknown) => void }[] = [];

  private async flush(): Promise<void> {
    const batch = this.batch;
    this.batch = [];
    let failed = new Set<number>();
    try {
      await this.keys.insertMany(
        batch.map((b) => b.doc),
        // Validated against the schema; a document that fails rejects the batch rather than being skipped.
        { ordered: false, throwOnValidationError: true },
      );
    } catch (e) {
      const errors = (e as { writeErrors?: { index: number }[] | { index: number } }).writeErrors;
      const list = errors === undefined ? undefined : Array.isArray(errors) ? errors : [errors];
      if (!list || list.some((w) => !isDuplicateKey(w))) {
        for (const b of batch) b.reject(e);
        return;
      }
      failed = new Set(list.map((w) => w.index));
    }
    await Promise.all(
      batch.map(async (b, i) => {
        if (!failed.has(i)) return b.resolve(b.doc);
        try {
          const stored = await this.keys.findById(b.doc._id).lean<ReportKeyDocument>().exec();
          if (stored) b.resolve(stored);
          else b.reject(new Error(`key of ${b.doc._id}: duplicate on insert but not found`));
        } catch (e) {
          b.reject(e);
        }
      }),
    );
  }

  get(keyId: string): Promise<ReportKeyDocument | null> {
    return this.keys.findById(keyId).lean<ReportKeyDocument>().exec();
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
