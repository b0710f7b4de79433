import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { FieldViolation as _callcenter_intake_v1_FieldViolation, FieldViolation__Output as _callcenter_intake_v1_FieldViolation__Output } from './callcenter/intake/v1/FieldViolation';
import type { ItemError as _callcenter_intake_v1_ItemError, ItemError__Output as _callcenter_intake_v1_ItemError__Output } from './callcenter/intake/v1/ItemError';
import type { Location as _callcenter_intake_v1_Location, Location__Output as _callcenter_intake_v1_Location__Output } from './callcenter/intake/v1/Location';
import type { ReportIntakeClient as _callcenter_intake_v1_ReportIntakeClient, ReportIntakeDefinition as _callcenter_intake_v1_ReportIntakeDefinition } from './callcenter/intake/v1/ReportIntake';
import type { ReportRef as _callcenter_intake_v1_ReportRef, ReportRef__Output as _callcenter_intake_v1_ReportRef__Output } from './callcenter/intake/v1/ReportRef';
import type { ReportStatus as _callcenter_intake_v1_ReportStatus, ReportStatus__Output as _callcenter_intake_v1_ReportStatus__Output } from './callcenter/intake/v1/ReportStatus';
import type { Reporter as _callcenter_intake_v1_Reporter, Reporter__Output as _callcenter_intake_v1_Reporter__Output } from './callcenter/intake/v1/Reporter';
import type { StatusEntry as _callcenter_intake_v1_StatusEntry, StatusEntry__Output as _callcenter_intake_v1_StatusEntry__Output } from './callcenter/intake/v1/StatusEntry';
import type { SubmitReportRequest as _callcenter_intake_v1_SubmitReportRequest, SubmitReportRequest__Output as _callcenter_intake_v1_SubmitReportRequest__Output } from './callcenter/intake/v1/SubmitReportRequest';
import type { SubmitReportResponse as _callcenter_intake_v1_SubmitReportResponse, SubmitReportResponse__Output as _callcenter_intake_v1_SubmitReportResponse__Output } from './callcenter/intake/v1/SubmitReportResponse';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  callcenter: {
    intake: {
      v1: {
        Channel: EnumTypeDefinition
        FieldViolation: MessageTypeDefinition<_callcenter_intake_v1_FieldViolation, _callcenter_intake_v1_FieldViolation__Output>
        ItemError: MessageTypeDefinition<_callcenter_intake_v1_ItemError, _callcenter_intake_v1_ItemError__Output>
        Location: MessageTypeDefinition<_callcenter_intake_v1_Location, _callcenter_intake_v1_Location__Output>
        ReportIntake: SubtypeConstructor<typeof grpc.Client, _callcenter_intake_v1_ReportIntakeClient> & { service: _callcenter_intake_v1_ReportIntakeDefinition }
        ReportRef: MessageTypeDefinition<_callcenter_intake_v1_ReportRef, _callcenter_intake_v1_ReportRef__Output>
        ReportState: EnumTypeDefinition
        ReportStatus: MessageTypeDefinition<_callcenter_intake_v1_ReportStatus, _callcenter_intake_v1_ReportStatus__Output>
        Reporter: MessageTypeDefinition<_callcenter_intake_v1_Reporter, _callcenter_intake_v1_Reporter__Output>
        StatusEntry: MessageTypeDefinition<_callcenter_intake_v1_StatusEntry, _callcenter_intake_v1_StatusEntry__Output>
        SubmitReportRequest: MessageTypeDefinition<_callcenter_intake_v1_SubmitReportRequest, _callcenter_intake_v1_SubmitReportRequest__Output>
        SubmitReportResponse: MessageTypeDefinition<_callcenter_intake_v1_SubmitReportResponse, _callcenter_intake_v1_SubmitReportResponse__Output>
      }
    }
  }
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
}

