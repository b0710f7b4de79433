import mongoose, { Connection, Model, Schema, SchemaOptions } from 'mongoose';
import type { Db, MongoClient } from 'mongodb';
import type { CommitDocument } from './event-store';

/**
 * What every schema of the services' own documents shares. Indexes are declared on the schema
 * and built once at start-up by the store's `ensureIndexes` (Model.createIndexes), never behind
 * the first query; operations go straight to the driver, so a database outage fails a call as it
 * did through the driver instead of queueing it in mongoose's buffer; no `__v` field.
 */
export const documentSchemaOptions = {
  versionKey: false,
  autoIndex: false,
  autoCreate: false,
  bufferCommands: false,
} as const satisfies SchemaOptions;

// One mongoose connection per MongoClient: models ride the client the service already holds
// (the platform's, made by mongoose), so the event store, the outbox and the models share one pool.
const connections = new WeakMap<MongoClient, Connection>();

/** Lets models made by `modelOn` use a connection mongoose opened itself (the platform's). */
export function adoptConnection(connection: Connection): void {
  connections.set(connection.getClient(), connection);
}

/**
 * The model of `schema` in the database `db` names, on the client `db` belongs to. Stores take a
 * `Db` (as the event store does) and build their models here, so tests and tools that hold only
 * a driver `Db` use the same schemas as the services.
 */
export function modelOn<T>(db: Db, name: string, schema: Schema<T>): Model<T> {
  let base = connections.get(db.client);
  if (!base) {
    base = mongoose.createConnection().setClient(db.client);
    connections.set(db.client, base);
  }
  const connection = base.name === db.databaseName ? base : base.useDb(db.databaseName, { useCache: true });
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}

/**
 * The event store's commit as a mongoose schema, envelopes free-form (their schemas are the event
 * registry's). The services commit through the driver; bench/backbone measures this one against it.
 */
export function commitSchema(collection: string): Schema<CommitDocument> {
  return new Schema(
    {
      _id: { type: String, required: true },
      streamId: { type: String, required: true },
      base: { type: Number, required: true },
      version: { type: Number, required: true },
      previous: { type: String, default: null },
      events: { type: [Schema.Types.Mixed], required: true },
      topic: { type: String, required: true },
      published: { type: Boolean, required: true },
      // Schema.Types.Date, not the global Date: a process whose clock is shifted by a preload (the
      // clock-skew suites) replaces Date with a subclass mongoose does not take as a schema type.
      recordedAt: { type: Schema.Types.Date, required: true },
    },
    { ...documentSchemaOptions, collection },
  ) as unknown as Schema<CommitDocument>;
}
