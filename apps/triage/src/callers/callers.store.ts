import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '@callcenter/events';
import { MONGO_DB } from '@callcenter/platform';

/** A keyed hash of the phone number: recognises a repeat caller without the number leaving triage. */
export function callerRefOf(phone: string | null, key: string): string | null {
  if (!phone) return null;
  return createHmac('sha256', key).update(phone.replace(/[^\d+]/g, '')).digest('base64url').slice(0, 22);
}

export interface ReporterIdentity {
  name: string | null;
  phone: string | null;
}

/**
 * What triage knows about callers: the identity of each report's reporter (personal data, shown
 * only to operators and supervisors, never put on Kafka by triage) and how often a caller's reports
 * were rejected as pranks. Both are addressed by `_id` only.
 */
@Injectable()
export class CallersStore {
  private readonly reporters: Collection<ReporterIdentity & { _id: string }>;
  private readonly reputation: Collection<{ _id: string; prankReports: string[] }>;

  constructor(@Inject(MONGO_DB) db: Db) {
    this.reporters = db.collection('reporters');
    this.reputation = db.collection('caller_reputation');
  }

  /** Idempotent: a redelivered report keeps the identity first stored. */
  async keepReporter(reportId: string, identity: ReporterIdentity): Promise<void> {
    if (!identity.name && !identity.phone) return;
    try {
      await this.reporters.insertOne({ _id: reportId, ...identity });
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
  }

  async reporterOf(reportId: string): Promise<ReporterIdentity | null> {
    const doc = await this.reporters.findOne({ _id: reportId });
    return doc && { name: doc.name, phone: doc.phone };
  }

  /** A set per caller, so a redelivered rejection counts once; one atomic update, whatever partition it comes from. */
  async recordPrank(callerRef: string, reportId: string): Promise<void> {
    await this.reputation.updateOne({ _id: callerRef }, { $addToSet: { prankReports: reportId } }, { upsert: true });
  }

  async prankRejections(callerRef: string | null): Promise<number> {
    if (!callerRef) return 0;
    return (await this.reputation.findOne({ _id: callerRef }))?.prankReports.length ?? 0;
  }
}
