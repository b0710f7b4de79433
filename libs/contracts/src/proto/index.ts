import { join } from 'node:path';

/** The intake gRPC contract (copied next to the compiled code by the build). */
export const INTAKE_PROTO_PATH = join(__dirname, 'intake.proto');
export const INTAKE_PACKAGE = 'callcenter.intake.v1';
export const INTAKE_SERVICE = 'ReportIntake';
/** Generated message and service types of intake.proto, e.g. `IntakeGrpc.SubmitReportRequest__Output`. */
export type * as IntakeGrpc from './intake-grpc';
