import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Collection, Db } from 'mongodb';
import { ERASED, isDuplicateKey, onlyDuplicateKeys } from '@callcenter/events';
import { MONGO_DB } from '@callcenter/platform';

/** A keyed hash of the phone number: recognises a repeat caller without the number leaving triage. */
export function callerRefOf(phone: string | null, key: string): string | null {
  if (!phone) return null;
  return createHmac('sha256', key)
    .update(phone.replace(/[^\d+]/g, ''))
    .digest('base64url')
    .slice(0, 22);
}

export interface ReporterIdentity {
  name: string | null;
  phone: string | null;
}

/**
 * What triage knows about callers: the identity of each report's reporter (personal data, shown
 * only to operators and supervisors, never put on Kafka by triage; kept sealed as it came in
 * ReportReceived v2, so erasing the report's key erases it here too) and how often a caller's
 * reports were rejected as pranks. Both are addressed by `_id` only, but for the erasure by phone.
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

  /** `keepReporter` for many reports in one write (a fetched batch of the intake topic). */
  async keepReporters(reporters: ({ reportId: string } & ReporterIdentity)[]): Promise<void> {
    const docs = reporters.filter((r) => r.name || r.phone).map(({ reportId, name, phone }) => ({ _id: reportId, name, phone }));
    if (docs.length === 0) return;
    try {
      await this.reporters.insertMany(docs, { ordered: false });
    } catch (e) {
      if (!onlyDuplicateKeys(e)) throw e;
    }
  }

  async reporterOf(reportId: string): Promise<ReporterIdentity | null> {
    const doc = await this.reporters.findOne({ _id: reportId });
    return doc && { name: doc.name, phone: doc.phone };
  }

  /** An erasure overwrites what is kept (sealed, or in clear from before encryption). */
  async forgetReporters(reportIds: string[]): Promise<void> {
    for (const id of reportIds) await this.reporters.updateOne({ _id: id }, { $set: { name: ERASED, phone: ERASED } });
  }

  /** Reports whose identity was kept in clear (before encryption) with this number: a scan, for the rare erasure by phone. */
  async reportsWithPlainPhone(phone: string): Promise<string[]> {
    return (await this.reporters.find({ phone }, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
  }

  /** A set per caller, so a redelivered rejection counts once; one atomic update, whatever partition it comes from. */
  async recordPrank(callerRef: string, reportId: string): Promise<void> {
    await this.reputation.updateOne({ _id: callerRef }, { $addToSet: { prankReports: reportId } }, { upsert: true });
  }

  /** `prankRejections` of many callers in one read. */
  async prankRejectionsOf(callerRefs: (string | null)[]): Promise<Map<string, number>> {
    const refs = [...new Set(callerRefs.filter((r): r is string => !!r))];
    const counts = new Map<string, number>();
    if (refs.length === 0) return counts;
    for (const doc of await this.reputation.find({ _id: { $in: refs } }).toArray()) counts.set(doc._id, doc.prankReports.length);
    return counts;
  }

  async prankRejections(callerRef: string | null): Promise<number> {
    if (!callerRef) return 0;
    return (await this.reputation.findOne({ _id: callerRef }))?.prankReports.length ?? 0;
  }
}
