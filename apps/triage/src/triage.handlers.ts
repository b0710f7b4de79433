import { CASE_COMMAND_HANDLERS } from './case/triage-case.commands';
import { CaseDetailQueryHandler } from './case/triage-cases';
import { QUEUE_QUERY_HANDLERS } from './queue/queue.queries';

/** Triage's use cases on Nest's CommandBus and QueryBus. */
export const TRIAGE_HANDLERS = [...CASE_COMMAND_HANDLERS, CaseDetailQueryHandler, ...QUEUE_QUERY_HANDLERS];
