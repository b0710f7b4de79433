import { Controller, Inject, Logger, UseFilters } from '@nestjs/common';
import { GrpcMethod, GrpcStreamMethod, RpcException } from '@nestjs/microservices';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import {
  defer,
  from,
  interval,
  merge,
  mergeMap,
  Observable,
  startWith,
  switchMap,
  takeWhile,
  filter,
  distinctUntilChanged,
  map,
  share,
  finalize,
  takeUntil,
  timer,
  throwError,
} from 'rxjs';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { INTAKE_SERVICE, IntakeGrpc, ValidationFailed } from '@callcenter/contracts';
import { CallingSystems } from '../callers/calling-systems';
import { SubmitReport } from '../report/report.commands';
import { normalizeTrackingCode } from '../report/tracking-code';
import { ReportStatusView } from '../status/report-status.projection';
import { ReportRef, ReportStatusQuery } from '../status/report-status.queries';
import { ReportStatusStore } from '../status/report-status.store';
import { GrpcError, GrpcErrorsFilter, logUnexpected, toGrpcError } from './grpc-errors.filter';
import { correlationIdOf, DecodedSubmitReportRequest, toReportStatus, toSubmitReportDto, toSubmitReportResponse } from './wire';
import { EdgeLimits, INTAKE_EDGE_LIMITS } from './edge-limits';
import { shedMessage } from './in-flight';

const WATCH_POLL_MS = 2_000;
/** Items of one SubmitReports stream stored at once (the rest wait, counted as in flight). */
const STREAM_CONCURRENCY = 8;

/** The HTTP/2 connection a call came on (its peer address), for the per-connection bound. */
const connectionOf = (call: { getPeer?: () => string } | undefined) => call?.getPeer?.() ?? 'unknown';

/**
 * The gRPC edge of intake: authentication, admission, validation and mapping only. A submission goes
 * over Nest's CommandBus to SubmitReportHandler (report/report.commands.ts), a status lookup over the
 * QueryBus (status/report-status.queries.ts); the rules live in the decider.
 */
@Controller()
@UseFilters(GrpcErrorsFilter)
export class ReportIntakeGrpcController {
  private readonly logger = new Logger('GrpcErrors');

  constructor(
    private readonly callers: CallingSystems,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly statuses: ReportStatusStore,
    @Inject(INTAKE_EDGE_LIMITS) private readonly limits: EdgeLimits,
  ) {}

  /** Watches open now, by calling system (this process). */
  private readonly watches = new Map<string, number>();

  @GrpcMethod(INTAKE_SERVICE, 'SubmitReport')
  async submitReport(request: DecodedSubmitReportRequest, metadata: Metadata, call?: { getPeer(): string }): Promise<IntakeGrpc.SubmitReportResponse> {
    const caller = this.callers.authenticate(metadata);
    const entry = this.limits.inFlight.enter(connectionOf(call), Date.now());
    if ('shed' in entry) {
      throw new RpcException({ code: GrpcStatus.UNAVAILABLE, message: shedMessage(entry.shed), retryAfterMs: entry.shed.retryAfterMs });
    }
    try {
      return await this.submitOne(caller, request, correlationIdOf(metadata));
    } finally {
      entry.release(Date.now());
    }
  }

  /**
   * Every item is answered in turn; a refused or failed item carries `error` (UNAVAILABLE when the
   * database or Kafka is out: retry that item) and the stream goes on, so the items in flight
   * beside it are not lost. An item that arrives while the connection or the process is at its
   * bound of submissions in flight is answered UNAVAILABLE at once instead of being queued, so a
   * client writing faster than intake stores cannot make it hold more than the bound.
   */
  @GrpcStreamMethod(INTAKE_SERVICE, 'SubmitReports')
  submitReports(
    requests: Observable<DecodedSubmitReportRequest>,
    metadata: Metadata,
    call?: { getPeer(): string },
  ): Observable<IntakeGrpc.SubmitReportResponse> {
    const caller = this.callers.authenticate(metadata);
    const correlationId = correlationIdOf(metadata);
    const connection = connectionOf(call);
    // Items counted in but not yet answered: released if the caller goes away before their turn.
    const held = new Set<(now: number) => void>();
    const arrived = requests.pipe(
      map((request) => {
        const entry = this.limits.inFlight.enter(connection, Date.now());
        if ('release' in entry) held.add(entry.release);
        return { request, entry };
      }),
      share(),
    );
    const answerError = (request: DecodedSubmitReportRequest, error: GrpcError): IntakeGrpc.SubmitReportResponse => ({
      external_id: typeof request?.external_id === 'string' ? request.external_id : '',
      error: { code: GrpcStatus[error.code], message: error.message, violations: error.violations ?? [] },
    });
    return merge(
      arrived.pipe(
        filter(({ entry }) => 'shed' in entry),
        map(({ request, entry }) => answerError(request, { code: GrpcStatus.UNAVAILABLE, message: shedMessage((entry as { shed: any }).shed) })),
      ),
      arrived.pipe(
        filter(({ entry }) => 'release' in entry),
        mergeMap(async ({ request, entry }) => {
          const release = (entry as { release: (now: number) => void }).release;
          try {
            return await this.submitOne(caller, request, correlationId);
          } catch (e) {
            const error = toGrpcError(e);
            logUnexpected(this.logger, error, e);
            return answerError(request, error);
          } finally {
            release(Date.now());
            held.delete(release);
          }
        }, STREAM_CONCURRENCY),
      ),
    ).pipe(
      finalize(() => {
        for (const release of held) release(Date.now());
        held.clear();
      }),
    );
  }

  @GrpcMethod(INTAKE_SERVICE, 'GetReportStatus')
  async getReportStatus(request: IntakeGrpc.ReportRef__Output, metadata: Metadata): Promise<IntakeGrpc.ReportStatus> {
    const caller = this.callers.authenticate(metadata);
    await this.callers.admit(caller, 'status');
    return toReportStatus(await this.find(request, caller));
  }

  /**
   * The current status, then each change; completes once the report is final or the caller cancels.
   * A calling system has at most INTAKE_MAX_WATCHES_PER_CALLER watches open (RESOURCE_EXHAUSTED past
   * that), and a watch lasts at most INTAKE_WATCH_MAX_SECONDS: then it ends UNAVAILABLE, saying so,
   * and the caller watches again.
   */
  @GrpcMethod(INTAKE_SERVICE, 'WatchReport')
  watchReport(request: IntakeGrpc.ReportRef__Output, metadata: Metadata): Observable<IntakeGrpc.ReportStatus> {
    const caller = this.callers.authenticate(metadata);
    return defer(async () => {
      await this.callers.admit(caller, 'status');
      const open = this.watches.get(caller) ?? 0;
      if (open >= this.limits.maxWatchesPerCaller) {
        throw new RpcException({
          code: GrpcStatus.RESOURCE_EXHAUSTED,
          message: `${caller} has ${open} watches open, its limit; end one before watching another report`,
        });
      }
      this.watches.set(caller, open + 1);
    }).pipe(
      switchMap(() =>
        this.watch(request, caller).pipe(
          takeUntil(
            timer(this.limits.watchMaxMs).pipe(
              mergeMap(() =>
                throwError(
                  () =>
                    new RpcException({
                      code: GrpcStatus.UNAVAILABLE,
                      message: `a watch lasts at most ${Math.round(this.limits.watchMaxMs / 1000)} s; call WatchReport again to go on watching`,
                      retryAfterMs: 0,
                    }),
                ),
              ),
            ),
          ),
          finalize(() => {
            const left = (this.watches.get(caller) ?? 1) - 1;
            if (left > 0) this.watches.set(caller, left);
            else this.watches.delete(caller);
          }),
        ),
      ),
    );
  }

  private watch(request: IntakeGrpc.ReportRef__Output, caller: string): Observable<IntakeGrpc.ReportStatus> {
    return defer(() => from(this.find(request, caller))).pipe(
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

  private async submitOne(caller: string, request: DecodedSubmitReportRequest, correlationId: string) {
    await this.callers.admit(caller);
    const dto = await toSubmitReportDto(request);
    this.callers.authorize(caller, dto.source_system);
    return toSubmitReportResponse(await this.commands.execute(new SubmitReport(dto, correlationId)), dto.external_id);
  }

  private find(request: IntakeGrpc.ReportRef__Output, caller: string): Promise<ReportStatusView> {
    return this.queries.execute(new ReportStatusQuery(refOf(request), caller));
  }
}

/** The report a ReportRef names, or ValidationFailed naming the field at fault. */
function refOf(request: IntakeGrpc.ReportRef__Output): ReportRef {
  if (request?.ref === 'report_id' || request?.report_id) {
    const reportId = String(request.report_id);
    if (!/^[0-9a-f-]{36}$/.test(reportId)) throw new ValidationFailed([{ field: 'report_id', message: 'report_id must be a UUID' }]);
    return { reportId };
  }
  if (request?.ref === 'tracking_code' || request?.tracking_code) {
    const trackingCode = normalizeTrackingCode(String(request.tracking_code));
    if (!trackingCode) throw new ValidationFailed([{ field: 'tracking_code', message: 'tracking_code must look like 7KQ2M-94XHD' }]);
    return { trackingCode };
  }
  throw new ValidationFailed([{ field: 'ref', message: 'give report_id or tracking_code' }]);
}
