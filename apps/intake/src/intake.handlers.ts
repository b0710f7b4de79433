import { REPORT_COMMAND_HANDLERS } from './report/report.commands';
import { STATUS_QUERY_HANDLERS } from './status/report-status.queries';

/** Intake's use cases on Nest's CommandBus and QueryBus. */
export const INTAKE_HANDLERS = [...REPORT_COMMAND_HANDLERS, ...STATUS_QUERY_HANDLERS];
