// bench/privacy's import path, kept until it imports intake through its public entry point
// (src/index.ts); the handler is in report.commands.ts. Delete this file then.
export { SubmitReportHandler } from './report.commands';
