import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { NotFound } from '@callcenter/contracts';
import { EventStore, IntakeEnvelope } from '@callcenter/events';
import { EVENT_STORE } from '@callcenter/platform';
import { TrackingCodeReservations } from '../report/tracking-code-reservations';
import { evolveReportStatus, ReportStatusView } from './report-status.projection';
import { ReportStatusStore } from './report-status.store';

/** A report as a caller names it: by its id, or by the tracking code its reporter was given (normalised). */
export type ReportRef = { reportId: string } | { trackingCode: string };

/** The reporter-facing status of one report, as `caller` (a calling system) may see it. */
export class ReportStatusQuery extends Query<ReportStatusView> {
  constructor(
    readonly ref: ReportRef,
    readonly caller: string,
  ) {
    super();
  }
}

/**
 * By report id only the system that submitted the report is answered (any other is told NOT_FOUND,
 * so ids of other systems' reports cannot be probed); by tracking code whoever holds the code is,
 * as the citizen who was given it follows the report through another system (the portal). A report
 * stored but not yet projected (the status consumer lags by the relay and Kafka, or Kafka is away
 * while intake accepts reports) is answered from its stored ReportReceived.
 */
@QueryHandler(ReportStatusQuery)
export class ReportStatusQueryHandler implements IQueryHandler<ReportStatusQuery> {
  constructor(
    private readonly statuses: ReportStatusStore,
    private readonly trackingCodes: TrackingCodeReservations,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ ref, caller }: ReportStatusQuery): Promise<ReportStatusView> {
    if ('reportId' in ref) {
      const id = ref.reportId;
      const view = await this.statuses.byReportId(id);
      const received = view?.sourceSystem ? null : await this.received(id);
      const submitter = view?.sourceSystem ?? received?.data.sourceSystem;
      if (submitter !== caller) throw new NotFound('report', id);
      if (view) return { ...view, trackingCode: view.trackingCode ?? received?.data.trackingCode ?? null };
      return evolveReportStatus(null, received!)!;
    }
    // The reservation names the report (it is made before the report is stored, and only once per code).
    const code = ref.trackingCode;
    const reportId = await this.trackingCodes.reportIdOf(code);
    const view = reportId ? await this.statuses.byReportId(reportId) : null;
    if (view) return { ...view, trackingCode: code };
    // Not projected yet: the store has the report if it was accepted (a crash between reservation and append leaves none).
    const received = reportId ? await this.received(reportId) : null;
    if (!received || received.data.trackingCode !== code) throw new NotFound('report with tracking code', code);
    return evolveReportStatus(null, received)!;
  }

  /** The report's ReportReceived as stored (its personal fields sealed; none of them is shown). */
  private async received(reportId: string): Promise<IntakeEnvelope | null> {
    const { events } = await this.store.readStream(reportId);
    return (events.find((e) => e.type === 'ReportReceived') as IntakeEnvelope | undefined) ?? null;
  }
}

export const STATUS_QUERY_HANDLERS = [ReportStatusQueryHandler];
