import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { Metadata } from '@grpc/grpc-js';
import { IntakeGrpc, SubmitReportDto, ValidationFailed } from '@callcenter/contracts';
import { CORRELATION_HEADER, correlationIdFrom, toViolations } from '@callcenter/platform';
import type { SubmissionReceipt } from '../report/report.commands';
import type { ReportStatusView } from '../status/report-status.projection';

/** A google.protobuf.Timestamp as proto-loader gives it (longs as strings). */
export interface Timestamp {
  seconds?: string | number;
  nanos?: number;
}

export function toTimestamp(iso: string | Date): Timestamp {
  const ms = typeof iso === 'string' ? Date.parse(iso) : iso.getTime();
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

function fromTimestamp(ts: Timestamp | null | undefined): Date | undefined | 'invalid' {
  if (!ts) return undefined;
  const seconds = Number(ts.seconds);
  const nanos = ts.nanos ?? 0;
  if (!Number.isFinite(seconds) || nanos < 0 || nanos > 999_999_999) return 'invalid';
  return new Date(seconds * 1000 + Math.floor(nanos / 1e6));
}

/**
 * A SubmitReportRequest as decoded, before validation: proto3 enums are open, so `channel` may hold a
 * number the contract does not name (validation refuses it), and callers in tests send any string.
 */
export type DecodedSubmitReportRequest = Omit<IntakeGrpc.SubmitReportRequest__Output, 'channel'> & { channel?: string | number };

const blank = (s: unknown) => (s === '' || s === null ? undefined : s);

/**
 * Turns a decoded SubmitReportRequest into the validated contract DTO, or throws ValidationFailed
 * naming every field at fault (proto field names, e.g. `location.latitude`).
 */
export async function toSubmitReportDto(request: DecodedSubmitReportRequest | null | undefined): Promise<SubmitReportDto> {
  const occurredAt = fromTimestamp(request?.occurred_at);
  const plain = {
    source_system: request?.source_system ?? '',
    external_id: request?.external_id ?? '',
    channel: request?.channel,
    reporter: request?.reporter
      ? { name: blank(request.reporter.name), phone: blank(request.reporter.phone), anonymous: request.reporter.anonymous ?? false }
      : undefined,
    category_hint: blank(request?.category_hint),
    description: request?.description ?? '',
    location: request?.location
      ? {
          latitude: request.location.latitude ?? undefined,
          longitude: request.location.longitude ?? undefined,
          address: blank(request.location.address),
          district: blank(request.location.district),
        }
      : undefined,
    occurred_at: occurredAt === 'invalid' ? undefined : occurredAt,
    people_injured: request?.people_injured ?? 0,
    people_involved: request?.people_involved ?? 0,
  };
  const dto = plainToInstance(SubmitReportDto, plain);
  const violations = toViolations(await validate(dto, { forbidUnknownValues: false }));
  if (occurredAt === 'invalid') violations.push({ field: 'occurred_at', message: 'occurred_at is not a valid timestamp' });
  if (violations.length > 0) throw new ValidationFailed(violations);
  return dto;
}

export function toSubmitReportResponse(receipt: SubmissionReceipt, externalId: string): IntakeGrpc.SubmitReportResponse {
  return {
    report_id: receipt.reportId,
    tracking_code: receipt.trackingCode,
    received_at: toTimestamp(receipt.receivedAt),
    duplicate: receipt.duplicate,
    external_id: externalId,
  };
}

export function toReportStatus(view: ReportStatusView): IntakeGrpc.ReportStatus {
  return {
    report_id: view.reportId,
    tracking_code: view.trackingCode ?? '',
    state: view.state,
    received_at: view.receivedAt ? toTimestamp(view.receivedAt) : null,
    timeline: view.timeline.map((s) => ({ state: s.state, at: toTimestamp(s.at), message: s.message })),
    final: view.final,
  };
}

export function correlationIdOf(metadata: Metadata): string {
  return correlationIdFrom(metadata.get(CORRELATION_HEADER)[0]);
}
