import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { INTAKE_PROTO_PATH } from '@callcenter/contracts';
import { retryWithBackoff } from '@callcenter/events';
import type { Ledger, LedgerEntry } from '../ledger';
import type { GeneratedReport } from '../traffic/generate';

const RETRYABLE = new Set([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]);
const RETRYABLE_NAMES = new Set(['UNAVAILABLE', 'DEADLINE_EXCEEDED']);

export interface SubmitterOptions {
  /** host:port of intake's gRPC server. */
  target: string;
  /** Per attempt. */
  deadlineMs?: number;
  /** Attempts in all, the first included. */
  maxAttempts?: number;
}

/**
 * Submits reports over gRPC as the calling systems do: each with its own system's API key, retried
 * with the SAME external id (intake is idempotent by source system and external id) when the answer
 * is UNAVAILABLE or DEADLINE_EXCEEDED, with exponential back-off. Records everything in the ledger.
 */
export class Submitter {
  private readonly client: any;
  private readonly deadlineMs: number;
  private readonly maxAttempts: number;

  constructor(options: SubmitterOptions) {
    const definition = loadSync(INTAKE_PROTO_PATH, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
    const ReportIntake = (grpc.loadPackageDefinition(definition) as any).callcenter.intake.v1.ReportIntake;
    this.client = new ReportIntake(options.target, grpc.credentials.createInsecure(), {
      'grpc.keepalive_time_ms': 30_000,
      'grpc.max_reconnect_backoff_ms': 2_000,
    });
    this.deadlineMs = options.deadlineMs ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 6;
  }

  /** Waits until intake's channel is connected (false after the timeout). */
  ready(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => this.client.waitForReady(Date.now() + timeoutMs, (err: Error | null) => resolve(!err)));
  }

  async submit(report: GeneratedReport, entry: LedgerEntry, ledger: Ledger): Promise<void> {
    const now = Date.now();
    const request = {
      ...report.request,
      ...(report.occurredSecondsBefore !== null ? { occurred_at: { seconds: String(Math.floor(now / 1000) - report.occurredSecondsBefore), nanos: 0 } } : {}),
    };
    entry.submission.sentAt = new Date(now).toISOString();
    const codeOf = (err: grpc.ServiceError) => grpc.status[err.code] ?? String(err.code);
    try {
      const res = await retryWithBackoff(
        (attempt) => {
          entry.submission.attempts = attempt;
          return this.call(request, report.apiKey);
        },
        {
          attempts: this.maxAttempts,
          initialMs: 200,
          maxMs: 5_000,
          jitter: true,
          retryIf: (e) => RETRYABLE.has((e as grpc.ServiceError).code),
          onRetry: (e) =>
            entry.submission.retries.push({ code: codeOf(e as grpc.ServiceError), message: (e as grpc.ServiceError).details ?? (e as Error).message }),
        },
      );
      ledger.acknowledged(entry, {
        reportId: res.report_id,
        trackingCode: res.tracking_code,
        receivedAt: res.received_at ? new Date(Number(res.received_at.seconds) * 1000 + Math.floor((res.received_at.nanos ?? 0) / 1e6)).toISOString() : null,
        duplicate: !!res.duplicate,
      });
    } catch (e) {
      const err = e as grpc.ServiceError;
      ledger.refused(entry, codeOf(err), err.details ?? err.message);
    }
  }

  /**
   * A report whose attempts all ran out on UNAVAILABLE or DEADLINE_EXCEEDED is in doubt: intake may
   * have stored it anyway. Submitting it once more with the same external id, patiently, settles it:
   * duplicate=true means it had been stored, false that it is stored only now.
   */
  async reconcile(report: GeneratedReport, entry: LedgerEntry, ledger: Ledger, deadlineMs = 30_000): Promise<void> {
    const earlier = entry.submission.error;
    if (!earlier || !RETRYABLE_NAMES.has(earlier.code)) return;
    entry.submission.attempts++;
    try {
      const res = await this.call({ ...report.request }, report.apiKey, deadlineMs);
      ledger.acknowledged(entry, {
        reportId: res.report_id,
        trackingCode: res.tracking_code,
        receivedAt: res.received_at ? new Date(Number(res.received_at.seconds) * 1000 + Math.floor((res.received_at.nanos ?? 0) / 1e6)).toISOString() : null,
        duplicate: !!res.duplicate,
      });
      entry.submission.reconciled = { outcome: res.duplicate ? 'HAD_BEEN_STORED' : 'STORED_NOW', earlierError: earlier };
    } catch (e) {
      const err = e as grpc.ServiceError;
      ledger.refused(entry, grpc.status[err.code] ?? String(err.code), err.details ?? err.message);
      entry.submission.reconciled = { outcome: 'STILL_FAILING', earlierError: earlier };
    }
  }

  private call(request: unknown, apiKey: string, deadlineMs = this.deadlineMs): Promise<any> {
    const metadata = new grpc.Metadata();
    metadata.set('x-api-key', apiKey);
    return new Promise((resolve, reject) =>
      this.client.SubmitReport(request, metadata, { deadline: Date.now() + deadlineMs }, (err: grpc.ServiceError | null, res: any) =>
        err ? reject(err) : resolve(res),
      ),
    );
  }

  close(): void {
    this.client.close();
  }
}
