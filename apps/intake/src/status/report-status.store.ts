import { Inject, Injectable } from '@nestjs/common';
import { Collection, Db } from 'mongodb';
import { Subject } from 'rxjs';
import { EventEnvelope, isDuplicateKey, projectOnce, Projected } from '@callcenter/events';
import { MONGO_DB } from '@callcenter/platform';
import { evolveReportStatus, ReportStatusView } from './report-status.projection';

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
    // Several streams feed one report's status (its intake, triage and incident streams); each
    // keeps its own position.
    const changed = await projectOnce(this.statuses, reportId, event, evolveReportStatus, { source: `${event.producer}:${event.streamId}` });
    if (changed) this.changes.next(reportId);
  }

  async byReportId(reportId: string): Promise<ReportStatusView | null> {
    const doc = await this.statuses.findOne({ _id: reportId });
    if (!doc) return null;
    const { _id, _version, _versions, ...view } = doc;
    return view as ReportStatusView;
  }

  async byTrackingCode(trackingCode: string): Promise<ReportStatusView | null> {
    const code = await this.trackingCodes.findOne({ _id: trackingCode });
    return code ? this.byReportId(code.reportId) : null;
  }
}
