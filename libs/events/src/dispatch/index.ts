import { DomainEventOf, EventOf } from '../event-registry';
import { UnitRegistered } from './unit-registered.event';
import { UnitUpdated } from './unit-updated.event';
import { UnitStatusChanged } from './unit-status-changed.event';
import { UnitCommitted } from './unit-committed.event';
import { UnitReleased } from './unit-released.event';
import { IncidentOpened } from './incident-opened.event';
import { UnitAssigned } from './unit-assigned.event';
import { AssignmentAcknowledged } from './assignment-acknowledged.event';
import { AssignmentDeclined } from './assignment-declined.event';
import { AssignmentTimedOut } from './assignment-timed-out.event';
import { UnitEnRoute } from './unit-en-route.event';
import { UnitArrived } from './unit-arrived.event';
import { IncidentResolved } from './incident-resolved.event';
import { IncidentClosed } from './incident-closed.event';
import { DispatchOverdue } from './dispatch-overdue.event';
import { PublicWarningIssued } from './public-warning-issued.event';
import { PublicWarningCancelled } from './public-warning-cancelled.event';
import { IncidentReportMerged } from './incident-report-merged.event';
import { IncidentReportSplit } from './incident-report-split.event';

export * from './unit-registered.event';
export * from './unit-updated.event';
export * from './unit-status-changed.event';
export * from './unit-committed.event';
export * from './unit-released.event';
export * from './incident-opened.event';
export * from './unit-assigned.event';
export * from './assignment-acknowledged.event';
export * from './assignment-declined.event';
export * from './assignment-timed-out.event';
export * from './unit-en-route.event';
export * from './unit-arrived.event';
export * from './incident-resolved.event';
export * from './incident-closed.event';
export * from './dispatch-overdue.event';
export * from './public-warning-issued.event';
export * from './public-warning-cancelled.event';
export * from './incident-report-merged.event';
export * from './incident-report-split.event';

/** Events of a unit's stream (streamId = unitId). */
export const unitEvents = [UnitRegistered, UnitUpdated, UnitStatusChanged, UnitCommitted, UnitReleased];
/** Events of an incident's stream (streamId = incidentId). */
export const incidentEvents = [
  IncidentOpened,
  UnitAssigned,
  AssignmentAcknowledged,
  AssignmentDeclined,
  AssignmentTimedOut,
  UnitEnRoute,
  UnitArrived,
  IncidentResolved,
  IncidentClosed,
  DispatchOverdue,
  IncidentReportMerged,
  IncidentReportSplit,
];
/** Events of the register of public warnings (streamId = `public-warnings`). */
export const publicWarningEvents = [PublicWarningIssued, PublicWarningCancelled];
export const dispatchEvents = [...unitEvents, ...incidentEvents, ...publicWarningEvents];

export type UnitEvent = DomainEventOf<(typeof unitEvents)[number]>;
export type UnitEnvelope = EventOf<(typeof unitEvents)[number]>;
export type IncidentEvent = DomainEventOf<(typeof incidentEvents)[number]>;
export type IncidentEnvelope = EventOf<(typeof incidentEvents)[number]>;
export const UNIT_EVENT_TYPES: ReadonlySet<string> = new Set(unitEvents.map((d) => d.type));
export type PublicWarningEvent = DomainEventOf<(typeof publicWarningEvents)[number]>;
export type PublicWarningEnvelope = EventOf<(typeof publicWarningEvents)[number]>;
export const INCIDENT_EVENT_TYPES: ReadonlySet<string> = new Set(incidentEvents.map((d) => d.type));
