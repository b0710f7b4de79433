import { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '../event-store';

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

/** The Mongo adapter of the key store: inserts and `_id` look-ups, except the look-up by phone. */
export class MongoKeyStore {
  readonly keys: Collection<ReportKeyDocument>;

  constructor(db: Db) {
    this.keys = db.collection(REPORT_KEYS_COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    await this.keys.createIndex({ phoneRef: 1 }, { sparse: true });
  }

  /** The stored document: ours when inserted, else the one stored first (a repeated submission). */
  async insertOrGet(doc: ReportKeyDocument): Promise<ReportKeyDocument> {
    try {
      await this.keys.insertOne(doc);
      return doc;
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      const stored = await this.keys.findOne({ _id: doc._id });
      if (!stored) throw e;
      return stored;
    }
  }

  get(keyId: string): Promise<ReportKeyDocument | null> {
    return this.keys.findOne({ _id: keyId });
  }

  async keyIdsOfPhone(phoneRef: string): Promise<string[]> {
    return (await this.keys.find({ phoneRef }, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
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
