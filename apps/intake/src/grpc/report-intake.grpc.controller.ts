import { Controller, Logger, UseFilters } from '@nestjs/common';
import { GrpcMethod, GrpcStreamMethod } from '@nestjs/microservices';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { defer, from, interval, merge, mergeMap, Observable, startWith, switchMap, takeWhile, filter, distinctUntilChanged, map } from 'rxjs';
import { INTAKE_SERVICE, NotFound, ValidationFailed } from '@callcenter/contracts';
import { CallingSystems } from '../callers/calling-systems';
import { SubmitReportHandler } from '../report/submit-report.handler';
import { normalizeTrackingCode } from '../report/tracking-code';
import { evolveReportStatus, ReportStatusView } from '../status/report-status.projection';
import { EventEnvelope } from '@callcenter/events';
import { ReportStatusStore } from '../status/report-status.store';
import { GrpcErrorsFilter, logUnexpected, toGrpcError } from './grpc-errors.filter';
import { correlationIdOf, toReportStatus, toSubmitReportDto, toSubmitReportResponse } from './wire';

const WATCH_POLL_MS = 2_000;

/** The gRPC edge of intake: authentication, validation and mapping only; the rules live in the decider. */
@Controller()
@UseFilters(GrpcErrorsFilter)
export class ReportIntakeGrpcController {
  private readonly logger = new Logger('GrpcErrors');

  constructor(
    private readonly callers: CallingSystems,
    private readonly submissions: SubmitReportHandler,
    private readonly statuses: ReportStatusStore,
  ) {}

  @GrpcMethod(INTAKE_SERVICE, 'SubmitReport')
  async submitReport(request: any, metadata: Metadata) {
    const caller = this.callers.authenticate(metadata);
    return this.submitOne(caller, request, correlationIdOf(metadata));
  }

  /**
   * Every item is answered in turn; a refused or failed item carries `error` (UNAVAILABLE when the
   * database or Kafka is out: retry that item) and the stream goes on, so the items in flight
   * beside it are not lost.
   */
  @GrpcStreamMethod(INTAKE_SERVICE, 'SubmitReports')
  submitReports(requests: Observable<any>, metadata: Metadata): Observable<any> {
    const caller = this.callers.authenticate(metadata);
    const correlationId = correlationIdOf(metadata);
    return requests.pipe(
      mergeMap(async (request) => {
        try {
          return await this.submitOne(caller, request, correlationId);
        } catch (e) {
          const error = toGrpcError(e);
          logUnexpected(this.logger, error, e);
          return {
            external_id: typeof request?.external_id === 'string' ? request.external_id : '',
            error: { code: GrpcStatus[error.code], message: error.message, violations: error.violations ?? [] },
          };
        }
      }, 8),
    );
  }

  @GrpcMethod(INTAKE_SERVICE, 'GetReportStatus')
  async getReportStatus(request: any, metadata: Metadata) {
    this.callers.authenticate(metadata);
    return toReportStatus(await this.find(request));
  }

  /** The current status, then each change; completes once the report is final or the caller cancels. */
  @GrpcMethod(INTAKE_SERVICE, 'WatchReport')
  watchReport(request: any, metadata: Metadata): Observable<any> {
    this.callers.authenticate(metadata);
    return defer(() => from(this.find(request))).pipe(
      switchMap((first) =>
        merge(this.statuses.changes.pipe(filter((id) => id === first.reportId)), interval(WATCH_POLL_MS)).pipe(
          switchMap(() => from(this.statuses.byReportId(first.reportId))),
          filter((v): v is ReportStatusView => v !== null),
          startWith(first),
          distinctUntilChanged((a, b) => a.timeline.length === b.timeline.length && a.state === b.state),
          takeWhile((v) => !v.final, true),
        ),
      ),
      map(toReportStatus),
    );
  }

  private async submitOne(caller: string, request: any, correlationId: string) {
    await this.callers.admit(caller);
    const dto = await toSubmitReportDto(request);
    this.callers.authorize(caller, dto.source_system);
    return toSubmitReportResponse(await this.submissions.submit(dto, correlationId), dto.external_id);
  }

  private async find(request: any): Promise<ReportStatusView> {
    if (request?.ref === 'report_id' || request?.report_id) {
      const id = String(request.report_id);
      if (!/^[0-9a-f-]{36}$/.test(id)) throw new ValidationFailed([{ field: 'report_id', message: 'report_id must be a UUID' }]);
      const view = await this.statuses.byReportId(id);
      if (view) return view;
      // Stored but not yet projected (the status consumer lags by the relay and Kafka): build it.
      const received = await this.submissions.received(id);
      if (!received) throw new NotFound('report', id);
      return evolveReportStatus(null, { type: 'ReportReceived', streamId: id, data: received } as EventEnvelope)!;
    }
    if (request?.ref === 'tracking_code' || request?.tracking_code) {
      const code = normalizeTrackingCode(String(request.tracking_code));
      if (!code) throw new ValidationFailed([{ field: 'tracking_code', message: 'tracking_code must look like 7KQ2M-94XHD' }]);
      const view = await this.statuses.byTrackingCode(code);
      if (!view) throw new NotFound('report with tracking code', code);
      return view;
    }
    throw new ValidationFailed([{ field: 'ref', message: 'give report_id or tracking_code' }]);
  }
}

