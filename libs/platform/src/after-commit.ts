import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import type { CommitDocument } from '@callcenter/events';
import { backboneMetrics } from './metrics';

/**
 * Published on Nest's in-process EventBus once the event store has committed a command's events
 * (MongoEventStore's one after-append hook), never before. It only notifies this process (the
 * relay's queue, the metrics): the bus logs and swallows a handler's error, so nothing durable —
 * no read model, no other service — is built on it; they read the events from Kafka.
 */
export class EventsCommitted {
  constructor(readonly commit: CommitDocument) {}
}

/** `callcenter_events_appended_total{type}`, counted once here for every append of the service. */
@EventsHandler(EventsCommitted)
export class CountAppendedEvents implements IEventHandler<EventsCommitted> {
  handle({ commit }: EventsCommitted): void {
    for (const e of commit.events) backboneMetrics.appended.inc({ type: e.type });
  }
}
