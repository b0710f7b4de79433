import { Inject, Injectable } from '@nestjs/common';
import { Collection, Db } from 'mongodb';
import { Subject } from 'rxjs';
import { EventEnvelope, projectMany, projectOnce, Projected } from '@callcenter/events';
import { MONGO_DB } from '@callcenter/platform';
import { evolveReportStatus, mergeReportStatus, ReportStatusView } from './report-status.projection';

/** The services whose streams say something to the reporter. */
const STATUS_SOURCES = ['intake', 'triage', 'dispatch'] as const;
const partId = (reportId: string, producer: string) => `${reportId}/${producer}`;
const reportIdOf = (event: EventEnvelope) => (event.data as { reportId?: string })?.reportId ?? event.streamId;

/**
 * The reporter-facing status read model: one document per report, found by id (a tracking code
 * names its report through its reservation: `TrackingCodeReservations`, written before the report).
 */
@Injectable()
export class ReportStatusStore {
  private readonly statuses: Collection<Projected<ReportStatusView>>;
  /** Report ids whose status changed in this process (WatchReport listens; it also polls). */
  readonly changes = new Subject<string>();

  constructor(@Inject(MONGO_DB) db: Db) {
    this.statuses = db.collection('report_status');
  }

  /** Idempotent: a redelivered event changes nothing. */
  async apply(event: EventEnvelope): Promise<void> {
    const reportId = reportIdOf(event);
    // Each service's stream of the report feeds its own part: events of different topics are
    // handled at the same time (other partitions, other instances), and one document per writer
    // means no update can overwrite another.
    const changed = await projectOnce(this.statuses, partId(reportId, event.producer), event, evolveReportStatus);
    if (changed) this.changes.next(reportId);
  }

  /** `apply` for the events of a fetched batch: one read and one write of the status parts they touch, instead of a round trip or two per event. */
  async applyMany(events: EventEnvelope[]): Promise<void> {
    const reportOf = new Map<string, string>();
    const items = events.map((event) => {
      const id = partId(reportIdOf(event), event.producer);
      reportOf.set(id, reportIdOf(event));
      return { id, event };
    });
    const changed = await projectMany(this.statuses, items, evolveReportStatus);
    for (const id of changed) this.changes.next(reportOf.get(id)!);
  }

  async byReportId(reportId: string): Promise<ReportStatusView | null> {
    const parts = await Promise.all(
      STATUS_SOURCES.map(async (source) => {
        const doc = await this.statuses.findOne({ _id: partId(reportId, source) });
        if (!doc) return null;
        const { _id, _version, _versions, ...view } = doc;
        return view as ReportStatusView;
      }),
    );
    return mergeReportStatus(reportId, parts);
  }
}
