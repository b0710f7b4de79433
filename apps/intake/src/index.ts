// The public entry point of the intake service for tools outside apps/ (the import-boundary rule in
// eslint.config.mjs lets bench, tools and scripts import an app only through this file).
export { IntakeConfig } from './intake.config';
export { IntakeModule } from './intake.module';
// What bench/privacy measures in process: a submission's DTO, its command and handler, the tracking codes.
export { toSubmitReportDto } from './grpc/wire';
export { SubmitReport, SubmitReportHandler, type SubmissionReceipt } from './report/report.commands';
export { TrackingCodeReservations } from './report/tracking-code-reservations';
