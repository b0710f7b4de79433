import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Collection, Db } from 'mongodb';
import {
  EventEnvelope,
  EventRegistry,
  MongoEventStore,
  PersonalDataVault,
  Projected,
  ReporterDataErased,
  SuggestionModelActivated,
  ReporterDataErasedV1,
  followWithSnapshot,
  TopicTail,
  TOPICS,
  TRIAGE_EVENT_TYPES,
  triageEvents,
  TriageEnvelope,
} from '@callcenter/events';
import { EVENT_STORE, kafkaLogger, KAFKA, MONGO_DB, PERSONAL_DATA, scrapedGauge } from '@callcenter/platform';
import { foldCase, TriageCase, TriageCaseState } from '../case/triage-case.decider';
import { RecentReport } from '../suggestions';
import { TriageRules } from '../triage.rules';
import { SuggestionModelActivation } from '../suggestions/suggestion-model-activation';
import { QueueIndex } from './queue-index';
import { RecentReports } from './recent-reports';

export const QUEUE_SNAPSHOT_COLLECTION = 'triage_queue';

export function recentReportOf(c: TriageCase): RecentReport {
  return {
    reportId: c.report.reportId,
    category: c.classification?.category ?? c.report.suggestion.category,
    latitude: c.report.location.latitude,
    longitude: c.report.location.longitude,
    callerRef: c.report.callerRef,
    receivedAt: c.report.receivedAt,
    occurredAt: c.report.occurredAt ?? null,
  };
}

/**
 * This instance's whole view of the queue. On start it loads the stored snapshot of open cases and
 * re-reads the last `lookbackMinutes` of the triage topic (events the snapshot already holds are
 * recognised by version and skipped), then follows the topic live. Every instance sees every case,
 * so any of them can list the queue and find duplicates.
 */
@Injectable()
export class TriageQueue implements OnApplicationBootstrap, OnModuleDestroy {
  readonly index = new QueueIndex();
  readonly recent: RecentReports;
  private readonly logger = new Logger(TriageQueue.name);
  private readonly snapshot: Collection<Projected<TriageCase>>;
  private tail?: TopicTail;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MONGO_DB) db: Db,
    @Inject(EVENT_STORE) private readonly store: MongoEventStore,
    private readonly rules: TriageRules,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalDataVault,
    private readonly suggestionModels: SuggestionModelActivation,
  ) {
    this.recent = new RecentReports(rules.duplicates);
    this.snapshot = db.collection(QUEUE_SNAPSHOT_COLLECTION);
    // Every instance holds the whole queue, so each reports the same figure (alerts take the max).
    scrapedGauge(
      'callcenter_triage_overdue_cases',
      'Open triage cases past their priority’s time-to-triage target (PRIORITY_TARGETS)',
      () => this.index.stats(new Date(), this.rules.targets).overdue,
    );
    scrapedGauge('callcenter_triage_open_cases', 'Open triage cases (queued, in triage or escalated)', () => this.index.size);
  }

  async onApplicationBootstrap() {
    const started = Date.now();
    let loaded = 0;
    this.tail = await followWithSnapshot(
      {
        kafka: this.kafka,
        topic: TOPICS.triage,
        since: new Date(started - this.rules.lookbackMinutes * 60_000),
        registry: new EventRegistry(triageEvents),
        groupPrefix: 'triage-queue-live',
        logger: kafkaLogger('TriageQueueTail'),
      },
      async () => {
        await this.index.loadInBulk(async (load) => {
          for await (const doc of this.snapshot.find({}, { batchSize: 5_000 })) {
            const { _id, _version, _versions, ...c } = doc;
            load({ case: c as TriageCase, version: _version ?? 1 });
            this.recent.add(recentReportOf(c as TriageCase));
            loaded++;
          }
        });
        this.recent.orderByReceipt();
      },
      (events) => this.apply(events),
    );
    this.logger.log(`queue loaded: ${loaded} open cases from the snapshot, ${this.index.size} open now (${Date.now() - started} ms)`);
  }

  async onModuleDestroy() {
    await this.tail?.stop();
  }

  private async apply(events: EventEnvelope[]): Promise<void> {
    for (const event of events) {
      // An erasure made by another instance takes effect here at once (its keys' cache entries go).
      if (event.type === ReporterDataErased.type) this.personalData.markErased((event.data as ReporterDataErasedV1).reportIds);
      // An admin switched the suggestion model (on any instance): suggest with it from now on.
      if (event.type === SuggestionModelActivated.type) this.suggestionModels.follow(event);
      if (!TRIAGE_EVENT_TYPES.has(event.type)) continue;
      // A split reopens a case the index let go when it closed: its state comes from the store.
      if (event.type === 'ReportSplitFromGroup' && !this.index.get(event.streamId)) {
        await this.refold(event.streamId);
        continue;
      }
      const outcome = this.index.apply(event as TriageEnvelope);
      if (event.type === 'TriageCaseOpened') {
        const entry = this.index.get(event.streamId);
        if (entry) this.recent.add(recentReportOf(entry.case));
      }
      if (outcome === 'gap') await this.refold(event.streamId);
    }
  }

  /** Takes a case's state from the event store, the source of truth (after a gap, or a local command). */
  async refold(reportId: string): Promise<void> {
    const { version, events } = await this.store.readStream(reportId);
    const state = foldCase(events);
    if (state.status !== 'NONE') this.index.load({ case: state, version });
  }

  /** A command of this instance has just been stored: show it at once rather than after the round trip through Kafka. */
  accept(state: TriageCaseState, version: number): void {
    if (state.status !== 'NONE') this.index.load({ case: state, version });
  }
}
