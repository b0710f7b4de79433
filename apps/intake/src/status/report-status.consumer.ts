import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { EventConsumer, EventRegistry, intakeEvents, TOPICS } from '@callcenter/events';
import { backboneMetrics, KAFKA, kafkaLogger } from '@callcenter/platform';
import { ReportStatusStore } from './report-status.store';

export const STATUS_CONSUMER_GROUP = 'intake-report-status';

/** Keeps the reporter-facing status up to date from every topic of the report lifecycle. */
@Injectable()
export class ReportStatusConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer?: EventConsumer;

  constructor(@Inject(KAFKA) private readonly kafka: Kafka, private readonly statuses: ReportStatusStore) {}

  async onApplicationBootstrap() {
    this.consumer = new EventConsumer({
      kafka: this.kafka,
      groupId: STATUS_CONSUMER_GROUP,
      topics: [TOPICS.intake, TOPICS.triage, TOPICS.dispatch],
      registry: new EventRegistry(intakeEvents),
      logger: kafkaLogger('ReportStatusConsumer'),
      handle: async (event) => {
        await this.statuses.apply(event);
        backboneMetrics.consumed.inc({ group: STATUS_CONSUMER_GROUP, type: event.type });
      },
      onDeadLetter: () => backboneMetrics.deadLettered.inc({ group: STATUS_CONSUMER_GROUP }),
    });
    await this.consumer.start();
  }

  async onModuleDestroy() {
    await this.consumer?.stop();
  }
}
