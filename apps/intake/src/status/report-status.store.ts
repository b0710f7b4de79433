import { Inject, Injectable } from '@nestjs/common';
import { Collection, Db } from 'mongodb';
import { Subject } from 'rxjs';
import { EventEnvelope, isDuplicateKey, projectOnce, Projected } from '@callcenter/events';
import { MONGO_DB } from '@callcenter/platform';
import { evolveReportStatus, mergeReportStatus, ReportStatusView } from './report-status.projection';

/** The services whose streams say something to the reporter. */
const STATUS_SOURCES = ['intake', 'triage', 'dispatch'] as const;
const partId = (reportId: string, producer: string) => `${reportId}/${producer}`;

interface TrackingCodeDocument {
  _id: string;
  reportId: string;
}

/** The reporter-facing status read model: one document per report, found by id or tracking code. */
@Injectable()
export class ReportStatusStore {
  private readonly statuses: Collection<Projected<ReportStatusView>>;
  private readonly trackingCodes: Collection<TrackingCodeDocument>;
  /** Report ids whose status changed in this process (WatchReport listens; it also polls). */
  readonly changes = new Subject<string>();

  constructor(@Inject(MONGO_DB) db: Db) {
    this.statuses = db.collection('report_status');
    this.trackingCodes = db.collection('report_tracking_codes');
  }

  /** Idempotent: a redelivered event changes nothing. */
  async apply(event: EventEnvelope): Promise<void> {
    const reportId = (event.data as { reportId?: string })?.reportId ?? event.streamId;
    // The mapping goes first: once the status has applied the event, a redelivery is a no-op, so a
    // crash between the two writes must not be able to leave the mapping out.
    if (event.type === 'ReportReceived') {
      const { trackingCode } = event.data as { trackingCode: string };
      try {
        await this.trackingCodes.insertOne({ _id: trackingCode, reportId });
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
      }
    }
    // Each service's stream of the report feeds its own part: events of different topics are
    // handled at the same time (other partitions, other instances), and one document per writer
    // means no update can overwrite another.
    const changed = await projectOnce(this.statuses, partId(reportId, event.producer), event, evolveReportStatus);
    if (changed) this.changes.next(reportId);
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

  async byTrackingCode(trackingCode: string): Promise<ReportStatusView | null> {
    const code = await this.trackingCodes.findOne({ _id: trackingCode });
    return code ? this.byReportId(code.reportId) : null;
  }
}
