import { AssignmentSaga } from './assignment/assignment.saga';
import { ASSIGNMENT_COMMAND_HANDLERS } from './assignment/assignment.commands';
import { BOARD_QUERY_HANDLERS } from './board/board.queries';
import { INCIDENT_COMMAND_HANDLERS } from './incident/incident.commands';
import { TIMER_COMMAND_HANDLERS } from './timers/timer.commands';
import { UNIT_COMMAND_HANDLERS } from './unit/unit.commands';

/** Dispatch's use cases on Nest's CommandBus and QueryBus, and the assignment saga they share. */
export const DISPATCH_HANDLERS = [
  AssignmentSaga,
  ...UNIT_COMMAND_HANDLERS,
  ...INCIDENT_COMMAND_HANDLERS,
  ...ASSIGNMENT_COMMAND_HANDLERS,
  ...TIMER_COMMAND_HANDLERS,
  ...BOARD_QUERY_HANDLERS,
];
