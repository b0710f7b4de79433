// Original file: libs/contracts/src/proto/intake.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ReportRef as _callcenter_intake_v1_ReportRef, ReportRef__Output as _callcenter_intake_v1_ReportRef__Output } from '../../../callcenter/intake/v1/ReportRef';
import type { ReportStatus as _callcenter_intake_v1_ReportStatus, ReportStatus__Output as _callcenter_intake_v1_ReportStatus__Output } from '../../../callcenter/intake/v1/ReportStatus';
import type { SubmitReportRequest as _callcenter_intake_v1_SubmitReportRequest, SubmitReportRequest__Output as _callcenter_intake_v1_SubmitReportRequest__Output } from '../../../callcenter/intake/v1/SubmitReportRequest';
import type { SubmitReportResponse as _callcenter_intake_v1_SubmitReportResponse, SubmitReportResponse__Output as _callcenter_intake_v1_SubmitReportResponse__Output } from '../../../callcenter/intake/v1/SubmitReportResponse';

export interface ReportIntakeClient extends grpc.Client {
  /**
   * Current state and a reporter-safe timeline, by report_id or tracking_code.
   */
  GetReportStatus(argument: _callcenter_intake_v1_ReportRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_callcenter_intake_v1_ReportStatus__Output>): grpc.ClientUnaryCall;
  GetReportStatus(argument: _callcenter_intake_v1_ReportRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_callcenter_intake_v1_ReportStatus__Output>): grpc.ClientUnaryCall;
  GetReportStatus(argument: _callcenter_intake_v1_ReportRef, options: grpc.CallOptions, callback: grpc.requestCallback<_callcenter_intake_v1_ReportStatus__Output>): grpc.ClientUnaryCall;
  GetReportStatus(argument: _callcenter_intake_v1_ReportRef, callback: grpc.requestCallback<_callcenter_intake_v1_ReportStatus__Output>): grpc.ClientUnaryCall;
  /**
   * Current state and a reporter-safe timeline, by report_id or tracking_code.
   */
  getReportStatus(argument: _callcenter_intake_v1_ReportRef, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_callcenter_intake_v1_ReportStatus__Output>): grpc.ClientUnaryCall;
  getReportStatus(argument: _callcenter_intake_v1_ReportRef, metadata: grpc.Metadata, callback: grpc.requestCallback<_callcenter_intake_v1_ReportStatus__Output>): grpc.ClientUnaryCall;
  getReportStatus(argument: _callcenter_intake_v1_ReportRef, options: grpc.CallOptions, callback: grpc.requestCallback<_callcenter_intake_v1_ReportStatus__Output>): grpc.ClientUnaryCall;
  getReportStatus(argument: _callcenter_intake_v1_ReportRef, callback: grpc.requestCallback<_callcenter_intake_v1_ReportStatus__Output>): grpc.ClientUnaryCall;
  
  /**
   * Idempotent by (source_system, external_id): a repeat returns the original ids with duplicate=true.
   */
  SubmitReport(argument: _callcenter_intake_v1_SubmitReportRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_callcenter_intake_v1_SubmitReportResponse__Output>): grpc.ClientUnaryCall;
  SubmitReport(argument: _callcenter_intake_v1_SubmitReportRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_callcenter_intake_v1_SubmitReportResponse__Output>): grpc.ClientUnaryCall;
  SubmitReport(argument: _callcenter_intake_v1_SubmitReportRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_callcenter_intake_v1_SubmitReportResponse__Output>): grpc.ClientUnaryCall;
  SubmitReport(argument: _callcenter_intake_v1_SubmitReportRequest, callback: grpc.requestCallback<_callcenter_intake_v1_SubmitReportResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Idempotent by (source_system, external_id): a repeat returns the original ids with duplicate=true.
   */
  submitReport(argument: _callcenter_intake_v1_SubmitReportRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_callcenter_intake_v1_SubmitReportResponse__Output>): grpc.ClientUnaryCall;
  submitReport(argument: _callcenter_intake_v1_SubmitReportRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_callcenter_intake_v1_SubmitReportResponse__Output>): grpc.ClientUnaryCall;
  submitReport(argument: _callcenter_intake_v1_SubmitReportRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_callcenter_intake_v1_SubmitReportResponse__Output>): grpc.ClientUnaryCall;
  submitReport(argument: _callcenter_intake_v1_SubmitReportRequest, callback: grpc.requestCallback<_callcenter_intake_v1_SubmitReportResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * For gateways that batch: every item is answered; a bad item is answered with `error` and the stream goes on.
   */
  SubmitReports(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_callcenter_intake_v1_SubmitReportRequest, _callcenter_intake_v1_SubmitReportResponse__Output>;
  SubmitReports(options?: grpc.CallOptions): grpc.ClientDuplexStream<_callcenter_intake_v1_SubmitReportRequest, _callcenter_intake_v1_SubmitReportResponse__Output>;
  /**
   * For gateways that batch: every item is answered; a bad item is answered with `error` and the stream goes on.
   */
  submitReports(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_callcenter_intake_v1_SubmitReportRequest, _callcenter_intake_v1_SubmitReportResponse__Output>;
  submitReports(options?: grpc.CallOptions): grpc.ClientDuplexStream<_callcenter_intake_v1_SubmitReportRequest, _callcenter_intake_v1_SubmitReportResponse__Output>;
  
  /**
   * The current status, then an update whenever it changes, each with the whole timeline (milestones that land together come in one update); ends when the report reaches a final state.
   */
  WatchReport(argument: _callcenter_intake_v1_ReportRef, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_callcenter_intake_v1_ReportStatus__Output>;
  WatchReport(argument: _callcenter_intake_v1_ReportRef, options?: grpc.CallOptions): grpc.ClientReadableStream<_callcenter_intake_v1_ReportStatus__Output>;
  /**
   * The current status, then an update whenever it changes, each with the whole timeline (milestones that land together come in one update); ends when the report reaches a final state.
   */
  watchReport(argument: _callcenter_intake_v1_ReportRef, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_callcenter_intake_v1_ReportStatus__Output>;
  watchReport(argument: _callcenter_intake_v1_ReportRef, options?: grpc.CallOptions): grpc.ClientReadableStream<_callcenter_intake_v1_ReportStatus__Output>;
  
}

export interface ReportIntakeHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Current state and a reporter-safe timeline, by report_id or tracking_code.
   */
  GetReportStatus: grpc.handleUnaryCall<_callcenter_intake_v1_ReportRef__Output, _callcenter_intake_v1_ReportStatus>;
  
  /**
   * Idempotent by (source_system, external_id): a repeat returns the original ids with duplicate=true.
   */
  SubmitReport: grpc.handleUnaryCall<_callcenter_intake_v1_SubmitReportRequest__Output, _callcenter_intake_v1_SubmitReportResponse>;
  
  /**
   * For gateways that batch: every item is answered; a bad item is answered with `error` and the stream goes on.
   */
  SubmitReports: grpc.handleBidiStreamingCall<_callcenter_intake_v1_SubmitReportRequest__Output, _callcenter_intake_v1_SubmitReportResponse>;
  
  /**
   * The current status, then an update whenever it changes, each with the whole timeline (milestones that land together come in one update); ends when the report reaches a final state.
   */
  WatchReport: grpc.handleServerStreamingCall<_callcenter_intake_v1_ReportRef__Output, _callcenter_intake_v1_ReportStatus>;
  
}

export interface ReportIntakeDefinition extends grpc.ServiceDefinition {
  GetReportStatus: MethodDefinition<_callcenter_intake_v1_ReportRef, _callcenter_intake_v1_ReportStatus, _callcenter_intake_v1_ReportRef__Output, _callcenter_intake_v1_ReportStatus__Output>
  SubmitReport: MethodDefinition<_callcenter_intake_v1_SubmitReportRequest, _callcenter_intake_v1_SubmitReportResponse, _callcenter_intake_v1_SubmitReportRequest__Output, _callcenter_intake_v1_SubmitReportResponse__Output>
  SubmitReports: MethodDefinition<_callcenter_intake_v1_SubmitReportRequest, _callcenter_intake_v1_SubmitReportResponse, _callcenter_intake_v1_SubmitReportRequest__Output, _callcenter_intake_v1_SubmitReportResponse__Output>
  WatchReport: MethodDefinition<_callcenter_intake_v1_ReportRef, _callcenter_intake_v1_ReportStatus, _callcenter_intake_v1_ReportRef__Output, _callcenter_intake_v1_ReportStatus__Output>
}
