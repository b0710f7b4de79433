import { Inject, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { EventConsumer, EventEnvelope, EventRegistry, retryWithBackoff } from '@callcenter/events';
import { KAFKA } from './tokens';
import { kafkaLogger } from './logging';
import { backboneMetrics } from './metrics';

export interface ServiceConsumerOptions {
  group: string;
  topics: string[];
  registry: EventRegistry;
  /** See EventConsumerOptions.streamsConcurrently. */
  streamsConcurrently?: number;
  /** Start without waiting for Kafka, and keep trying until it answers (a service with lazyKafka). */
  startInBackground?: boolean;
}

/**
 * A consumer group of a service, started with the application and drained on shutdown (the batch in
 * flight finishes and its offsets are committed), with its metrics and logs. Subclasses say what to
 * do with one event; delivery, retries and dead-lettering are the EventConsumer's.
 */
export abstract class ServiceConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  /** Injected here, so a subclass's constructor names only what it needs itself. */
  @Inject(KAFKA) private readonly kafka!: Kafka;
  private consumer?: EventConsumer;
  private stopped = false;

  protected constructor(private readonly options: ServiceConsumerOptions) {}

  protected abstract handle(event: EventEnvelope): Promise<void>;

  /**
   * Optional: the events of one fetched batch at once, in offset order (see
   * EventConsumerOptions.handleBatch). When it throws, they go one by one through `handle`.
   */
  protected handleBatch?(events: EventEnvelope[]): Promise<void>;

  async onApplicationBootstrap() {
    if (!this.options.startInBackground) return this.startConsumer();
    void this.startUntilConnected();
  }

  private async startUntilConnected() {
    await retryWithBackoff(
      async () => {
        try {
          await this.startConsumer();
        } catch (e) {
          const failed = this.consumer;
          this.consumer = undefined;
          await failed?.stop().catch(() => undefined);
          throw e;
        }
      },
      {
        initialMs: 250,
        maxMs: 5_000,
        stopped: () => this.stopped,
        onRetry: (e, attempt) => {
          if (attempt === 1 || attempt % 10 === 0) kafkaLogger(this.constructor.name).warn(`cannot start yet (attempt ${attempt}): ${(e as Error).message}`);
        },
      },
    ).catch(() => undefined); // only when stopped
  }

  private async startConsumer() {
    const { group } = this.options;
    this.consumer = new EventConsumer({
      kafka: this.kafka,
      groupId: group,
      topics: this.options.topics,
      registry: this.options.registry,
      streamsConcurrently: this.options.streamsConcurrently,
      logger: kafkaLogger(this.constructor.name),
      handle: async (event) => {
        await this.handle(event);
        backboneMetrics.consumed.inc({ group, type: event.type });
      },
      handleBatch: this.handleBatch
        ? async (items) => {
            await this.handleBatch!(items.map((i) => i.event));
            for (const { event } of items) backboneMetrics.consumed.inc({ group, type: event.type });
          }
        : undefined,
    });
    await this.consumer.start();
  }

  async onModuleDestroy() {
    this.stopped = true;
    await this.consumer?.stop();
  }
}
