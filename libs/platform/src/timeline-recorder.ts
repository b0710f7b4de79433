import { Logger } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { EventEnvelope, EventTimeline } from '@callcenter/events';
import { ServiceConsumer, ServiceConsumerOptions } from './service-consumer';

/**
 * Keeps a service's EventTimeline (issue 17, time travel): records every event of its topic (every
 * instance's; a redelivery is harmless) and stores the checkpoints as they fall due. Every instance
 * does both; they write equal documents.
 */
export abstract class TimelineRecorder extends ServiceConsumer {
  protected readonly logger = new Logger(this.constructor.name);
  private stopCheckpoints?: () => Promise<void>;

  protected constructor(kafka: Kafka, private readonly timeline: EventTimeline<unknown, unknown>, options: ServiceConsumerOptions) {
    super(kafka, { streamsConcurrently: 20, startInBackground: true, ...options });
  }

  protected async handle(event: EventEnvelope) {
    await this.timeline.record([event]);
  }

  override async onApplicationBootstrap() {
    await super.onApplicationBootstrap();
    this.stopCheckpoints = this.timeline.keepCheckpointing(
      Math.min(60_000, Math.max(1_000, this.timeline.checkpointEveryMs / 4)),
      (e) => this.logger.warn(`audit checkpoints not stored; the next round retries: ${e.message}`),
      (built) => this.logger.log(`${built} audit checkpoint(s) stored`),
    );
  }

  override async onModuleDestroy() {
    await this.stopCheckpoints?.();
    await super.onModuleDestroy();
  }
}
