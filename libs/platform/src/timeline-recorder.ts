import { Logger, Provider } from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';
import type { Db } from 'mongodb';
import { EventEnvelope, EventTimeline, TimelineFold } from '@callcenter/events';
import { PlatformConfig } from './config';
import { ServiceConsumer, ServiceConsumerOptions } from './service-consumer';
import { MONGO_DB } from './tokens';

/** The settings of a service that answers its past (triage's queue, dispatch's board). */
export class AuditedServiceConfig extends PlatformConfig {
  /**
   * Time travel (GET /api/v1/audit/...): a checkpoint of the service's picture is stored every this
   * many seconds of event time, so a past moment is rebuilt from at most this much of the log.
   */
  @IsInt()
  @Min(10)
  @Max(86_400)
  AUDIT_CHECKPOINT_SECONDS = 3_600;

  /** A checkpoint is stored this long after its moment, so events still being relayed are in it. */
  @IsInt()
  @Min(0)
  @Max(86_400)
  AUDIT_CHECKPOINT_SETTLE_SECONDS = 120;
}

/** The service's EventTimeline in the collections `<name>_*`, checkpointed as its configuration says. */
export function timelineProvider<State, Stored>(
  token: symbol | string,
  name: string,
  fold: TimelineFold<State, Stored>,
  config: AuditedServiceConfig,
): Provider {
  return {
    provide: token,
    inject: [MONGO_DB],
    useFactory: (db: Db) =>
      new EventTimeline(db, name, fold, { checkpointEveryMs: config.AUDIT_CHECKPOINT_SECONDS * 1000, settleMs: config.AUDIT_CHECKPOINT_SETTLE_SECONDS * 1000 }),
  };
}

/**
 * Keeps a service's EventTimeline (issue 17, time travel): records every event of its topic (every
 * instance's; a redelivery is harmless) and stores the checkpoints as they fall due. Every instance
 * does both; they write equal documents.
 */
export abstract class TimelineRecorder extends ServiceConsumer {
  protected readonly logger = new Logger(this.constructor.name);
  private stopCheckpoints?: () => Promise<void>;

  protected constructor(
    private readonly timeline: EventTimeline<unknown, unknown>,
    options: ServiceConsumerOptions,
  ) {
    super({ streamsConcurrently: 20, startInBackground: true, ...options });
  }

  protected async handle(event: EventEnvelope) {
    await this.timeline.record([event]);
  }

  /** A fetched batch in one push per time slot and one read of the checkpoints' meta, instead of both per event. */
  protected override async handleBatch(events: EventEnvelope[]) {
    await this.timeline.record(events);
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
