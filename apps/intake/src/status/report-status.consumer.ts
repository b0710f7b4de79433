import { Injectable } from '@nestjs/common';
import { dispatchEvents, EventEnvelope, EventRegistry, intakeEvents, TOPICS, triageEvents } from '@callcenter/events';
import { ServiceConsumer } from '@callcenter/platform';
import { ReportStatusStore } from './report-status.store';

export const STATUS_CONSUMER_GROUP = 'intake-report-status';

/** Keeps the reporter-facing status up to date from every topic of the report lifecycle. */
@Injectable()
export class ReportStatusConsumer extends ServiceConsumer {
  constructor(private readonly statuses: ReportStatusStore) {
    super({
      group: STATUS_CONSUMER_GROUP,
      topics: [TOPICS.intake, TOPICS.triage, TOPICS.dispatch],
      registry: new EventRegistry([...intakeEvents, ...triageEvents, ...dispatchEvents]),
      streamsConcurrently: 50,
      // Intake starts without Kafka: the reporter's status follows once Kafka answers.
      startInBackground: true,
    });
  }

  protected async handle(event: EventEnvelope) {
    await this.statuses.apply(event);
  }

  /** A whole fetched batch in a few database round trips: at peak, one per event would queue up. */
  protected override async handleBatch(events: EventEnvelope[]) {
    await this.statuses.applyMany(events);
  }
}
