import { Collection, Db } from 'mongodb';
import { LatestPosition } from '../positions/unit-positions';

/** One minute of position reports (`dispatch_audit_positions`, _id = the minute's start): each unit's latest in it. */
interface PositionMinute {
  _id: string;
  units: Record<string, LatestPosition>;
}

const MINUTE = 60_000;
const minuteOf = (time: number) => new Date(Math.floor(time / MINUTE) * MINUTE).toISOString();

/**
 * Where units were, for the board at a past moment. Positions are no events (a unit reports every
 * few seconds), so they are not in the log: the trail keeps each unit's latest report per minute,
 * as the instances read them from the latest-position read model. A position at `at` is the latest
 * report at or before it within `lookbackMinutes`; older than that it is shown as unknown.
 */
export class PositionTrail {
  readonly minutes: Collection<PositionMinute>;

  constructor(
    db: Db,
    readonly lookbackMinutes = 60,
  ) {
    this.minutes = db.collection('dispatch_audit_positions');
  }

  async note(reports: { unitId: string; latest: LatestPosition }[]): Promise<void> {
    const byMinute = new Map<string, Record<string, LatestPosition>>();
    for (const { unitId, latest } of reports) {
      const minute = minuteOf(Date.parse(latest.reportedAt));
      byMinute.set(minute, { ...byMinute.get(minute), [`units.${unitId}`]: latest });
    }
    for (const [minute, set] of byMinute)
      await this.minutes.updateOne({ _id: minute }, { $set: set }, { upsert: true }).catch(() => this.minutes.updateOne({ _id: minute }, { $set: set }));
  }

  /** Each unit's latest position reported at or before `at` (within the lookback). */
  async at(at: Date): Promise<Map<string, LatestPosition>> {
    const ids: string[] = [];
    for (let k = 0; k <= this.lookbackMinutes; k++) ids.push(minuteOf(at.getTime() - k * MINUTE));
    const latest = new Map<string, LatestPosition>();
    const limit = at.toISOString();
    for await (const doc of this.minutes.find({ _id: { $in: ids } })) {
      for (const [unitId, report] of Object.entries(doc.units ?? {})) {
        if (report.reportedAt > limit) continue;
        const known = latest.get(unitId);
        if (!known || known.reportedAt < report.reportedAt) latest.set(unitId, report);
      }
    }
    return latest;
  }
}
