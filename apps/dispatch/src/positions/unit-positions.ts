import { Inject, Injectable } from '@nestjs/common';
import { Prop, raw, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Collection, Db } from 'mongodb';
import { Model, Schema as MongooseSchema } from 'mongoose';
import { GeoPoint } from '@callcenter/contracts';
import { documentSchemaOptions, isDuplicateKey, modelOn } from '@callcenter/events';
import { MONGO_DB } from '@callcenter/platform';

export const UNIT_POSITIONS = 'dispatch_unit_positions';

/** Where a unit was last reported (`dispatch_unit_positions`, _id = unitId). */
export interface UnitPositionDocument {
  _id: string;
  position: GeoPoint;
  /** When the unit reported it; a report older than the stored one never replaces it. */
  reportedAt: Date;
  /** When it was stored, by the storing instance's clock: what other instances poll by. */
  recordedAt: Date;
}

/** The stored shape: a position on the globe, both times always there. */
@Schema({ ...documentSchemaOptions, collection: UNIT_POSITIONS })
class UnitPositionRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop(
    raw({
      latitude: { type: Number, required: true, min: -90, max: 90 },
      longitude: { type: Number, required: true, min: -180, max: 180 },
    }),
  )
  position!: GeoPoint;

  @Prop({ type: MongooseSchema.Types.Date, required: true })
  reportedAt!: Date;

  @Prop({ type: MongooseSchema.Types.Date, required: true })
  recordedAt!: Date;
}

export const unitPositionSchema = SchemaFactory.createForClass(UnitPositionRecord);
// Other instances follow what was stored since their last look.
unitPositionSchema.index({ recordedAt: 1 }, { name: 'recordedAt' });

export interface LatestPosition {
  position: GeoPoint;
  reportedAt: string;
}

/** Whether a report is newer than the position known (pure; the board and the store agree on it). */
export function replacesPosition(known: LatestPosition | undefined, reportedAt: string): boolean {
  return !known || known.reportedAt < reportedAt;
}

/**
 * The latest-position read model. A unit reports its position every few seconds all shift long;
 * those reports decide nothing, so they are not events of the unit's stream (which would grow by
 * thousands a shift and make every command of the unit slower): each report replaces the unit's one
 * document, only if it is newer, so a late or repeated report cannot overwrite a newer position.
 */
@Injectable()
export class UnitPositions {
  readonly model: Model<UnitPositionDocument>;
  /** The model's collection, for tests and tools that read the documents as stored. */
  readonly collection: Collection<UnitPositionDocument>;

  constructor(@Inject(MONGO_DB) db: Db) {
    this.model = modelOn(db, 'UnitPosition', unitPositionSchema) as unknown as Model<UnitPositionDocument>;
    this.collection = this.model.collection as unknown as Collection<UnitPositionDocument>;
  }

  async ensureIndexes(): Promise<void> {
    await this.model.createIndexes();
  }

  /** Stores the report if it is newer than the stored one; says whether it did. */
  async record(unitId: string, position: GeoPoint, reportedAt: Date, now = new Date()): Promise<boolean> {
    try {
      const result = await this.model.updateOne(
        { _id: unitId, reportedAt: { $lt: reportedAt } },
        { $set: { position: { latitude: position.latitude, longitude: position.longitude }, reportedAt, recordedAt: now } },
        { upsert: true, runValidators: true },
      );
      return result.matchedCount + result.upsertedCount > 0;
    } catch (e) {
      // The document exists with a report at least as new: the filter missed and the upsert collided.
      if (isDuplicateKey(e)) return false;
      throw e;
    }
  }

  /** Positions stored since `since` (every one when null), for instances to follow each other's reports. */
  async *storedSince(since: Date | null): AsyncIterable<{ unitId: string; latest: LatestPosition; recordedAt: Date }> {
    const stored = this.model
      .find(since ? { recordedAt: { $gte: since } } : {})
      .batchSize(5_000)
      .lean<UnitPositionDocument>()
      .cursor();
    for await (const doc of stored as AsyncIterable<UnitPositionDocument>) {
      yield { unitId: doc._id, latest: { position: doc.position, reportedAt: doc.reportedAt.toISOString() }, recordedAt: doc.recordedAt };
    }
  }
}
