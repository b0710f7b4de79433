import { DomainEventOf, EventOf } from '../event-registry';
import { ReportReceived } from './report-received.event';

export * from './report-received.event';

/** Every event on the intake topic (one stream per report). */
export type IntakeEvent = DomainEventOf<typeof ReportReceived>;
export type IntakeEnvelope = EventOf<typeof ReportReceived>;
export const intakeEvents = [ReportReceived];
