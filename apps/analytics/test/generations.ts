import type { Db } from 'mongodb';
import { eventually } from '@callcenter/testing';

/** The newest generation record (`analytics_generations`): how the generation started, what it read, its digest. */
export const latestGeneration = async (db: Db) => (await db.collection('analytics_generations').find({}).sort({ _id: -1 }).limit(1).toArray())[0];

/**
 * Restarts analytics and returns the record of the generation it started. The service writes that
 * record just after it turns ready (the model's digest comes first), so it is waited for rather
 * than read at once, which could find the generation before it.
 */
export async function restartedGeneration(db: Db, restart: () => Promise<unknown>) {
  const before = (await latestGeneration(db))?._id ?? 0;
  await restart();
  return eventually(
    () => latestGeneration(db),
    (g) => (g?._id ?? 0) > before,
    15_000,
  );
}
