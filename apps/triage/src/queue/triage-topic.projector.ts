import { Inject, Injectable } from '@nestjs/common';
import { Collection, Db } from 'mongodb';
import { EventEnvelope, EventRegistry, MongoEventStore, projectMany, projectOnce, Projected, ReportRejectedV1, TOPICS, triageEvents } from '@callcenter/events';
import { EVENT_STORE, MONGO_DB, ServiceConsumer } from '@callcenter/platform';
import { TriageCase, foldCase } from '../case/triage-case.decider';
import { CallersStore } from '../callers/callers.store';
import { evolveQueueSnapshot } from './queue-snapshot.projection';
import { QUEUE_SNAPSHOT_COLLECTION } from './triage-queue';

export const TRIAGE_PROJECTOR_GROUP = 'triage-read-models';

/**
 * Keeps triage's stored read models from its own topic: the queue snapshot and the callers'
 * prank record. Instances share the partitions, so each case is written by one of them.
 */
@Injectable()
export class TriageTopicProjector extends ServiceConsumer {
  private readonly snapshot: Collection<Projected<TriageCase>>;

  constructor(
    @Inject(MONGO_DB) db: Db,
    private readonly callers: CallersStore,
    @Inject(EVENT_STORE) private readonly store: MongoEventStore,
  ) {
    super({ group: TRIAGE_PROJECTOR_GROUP, topics: [TOPICS.triage], registry: new EventRegistry(triageEvents), streamsConcurrently: 50 });
    this.snapshot = db.collection(QUEUE_SNAPSHOT_COLLECTION);
  }

  /**
   * A fetched batch in one read and one bulk write of the snapshot (projectMany) and one write per
   * prank. A batch with a split goes event by event: the split reads the case's stream first.
   */
  protected override async handleBatch(events: EventEnvelope[]) {
    if (events.some((e) => e.type === 'ReportSplitFromGroup')) {
      for (const event of events) await this.handle(event);
      return;
    }
    await projectMany(
      this.snapshot,
      events.map((event) => ({ id: event.streamId, event })),
      evolveQueueSnapshot,
    );
    for (const event of events) await this.recordPrank(event);
  }

  protected async handle(event: EventEnvelope) {
    if (event.type === 'ReportSplitFromGroup') {
      // A split reopens a case the snapshot dropped when it closed: its state up to the split comes from the store.
      const { events } = await this.store.readStream(event.streamId);
      const upToSplit = events.filter((e) => e.streamVersion <= event.streamVersion);
      const state = foldCase(upToSplit);
      await projectOnce(this.snapshot, event.streamId, event, (doc) => (doc || state.status === 'NONE' ? evolveQueueSnapshot(doc, event) : state));
    } else {
      await projectOnce(this.snapshot, event.streamId, event, evolveQueueSnapshot);
    }
    await this.recordPrank(event);
  }

  private async recordPrank(event: EventEnvelope) {
    if (event.type !== 'ReportRejected') return;
    const { reason, callerRef, reportId } = event.data as ReportRejectedV1;
    if (reason === 'PRANK' && callerRef) await this.callers.recordPrank(callerRef, reportId);
  }
}
