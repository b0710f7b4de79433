import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Collection, Db } from 'mongodb';
import {
  dispatchEvents,
  EventEnvelope,
  UNIT_EVENT_TYPES,
  EventRegistry,
  followWithSnapshot,
  MongoEventStore,
  Projected,
  TopicTail,
  TOPICS,
} from '@callcenter/events';
import { NotFound } from '@callcenter/contracts';
import { EVENT_STORE, KAFKA, kafkaLogger, MONGO_DB, scrapedGauge } from '@callcenter/platform';
import { DispatchRules } from '../dispatch.rules';
import { dispatchDueAt, Incident, incidentDecider, IncidentState } from '../incident/incident.decider';
import { UnitPositions } from '../positions/unit-positions';
import { Unit, unitFold, UnitState } from '../unit/unit.decider';
import { DispatchBoard, IncidentTimelineEntry, incidentTimelineEntry } from './dispatch-board';

export const UNITS_SNAPSHOT = 'dispatch_units';
export const OPEN_INCIDENTS_SNAPSHOT = 'dispatch_open_incidents';
const foldIncident = (events: EventEnvelope[]): IncidentState =>
  events.reduce((s: IncidentState, e) => incidentDecider.evolve(s, e as any), incidentDecider.initialState());

/** How far before the newest position seen the next refresh reads again (clock skew, slow writes). */
const POSITION_WINDOW_MARGIN_MS = 10_000;

/**
 * This instance's dispatch board: the stored snapshots, then the dispatch topic from
 * `lookbackMinutes` ago and live. Every instance sees every unit and open incident.
 */
@Injectable()
export class DispatchBoardService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly board: DispatchBoard;
  private readonly logger = new Logger(DispatchBoardService.name);
  private readonly units: Collection<Projected<Unit>>;
  private readonly incidents: Collection<Projected<Incident>>;
  private tail?: TopicTail;
  private positionTimer?: NodeJS.Timeout;
  private positionRefresh?: Promise<void>;
  private positionsSeenUntil: Date | null = null;
  /** True once the stored snapshot and the events buffered meanwhile are applied: the timers wait for it. */
  loaded = false;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MONGO_DB) db: Db,
    @Inject(EVENT_STORE) private readonly store: MongoEventStore,
    private readonly rules: DispatchRules,
    private readonly positions: UnitPositions,
  ) {
    this.board = new DispatchBoard(rules.jurisdiction);
    // Every instance holds the whole board, so each reports the same figure (alerts take the max).
    scrapedGauge(
      'callcenter_dispatch_overdue_incidents',
      'Incidents still awaiting a unit past their priority’s time-to-dispatch target (PRIORITY_TARGETS)',
      () => {
        const now = new Date();
        const late = (i: Incident) => {
          if (i.status !== 'AWAITING_UNIT') return false;
          const due = dispatchDueAt(i, this.rules.targets);
          return i.overdue || (due !== null && now >= due);
        };
        return this.board.due(now, late, Number.POSITIVE_INFINITY).overdue.length;
      },
    );
    this.units = db.collection(UNITS_SNAPSHOT);
    this.incidents = db.collection(OPEN_INCIDENTS_SNAPSHOT);
  }

  async onApplicationBootstrap() {
    const started = Date.now();
    this.tail = await followWithSnapshot(
      {
        kafka: this.kafka,
        topic: TOPICS.dispatch,
        since: new Date(started - this.rules.lookbackMinutes * 60_000),
        registry: new EventRegistry(dispatchEvents),
        groupPrefix: 'dispatch-board-live',
        logger: kafkaLogger('DispatchBoardTail'),
      },
      async () => {
        for await (const { _id, _version, _versions, ...unit } of this.units.find({}, { batchSize: 5_000 })) {
          this.board.loadUnit({ state: unit as Unit, version: _version ?? 1 });
        }
        for await (const { _id, _version, _versions, ...incident } of this.incidents.find({}, { batchSize: 5_000 })) {
          this.board.loadIncident({ state: incident as Incident, version: _version ?? 1 });
        }
        await this.followPositions();
      },
      (events) => this.apply(events),
    );
    this.loaded = true;
    const { units, openIncidents } = this.board.size;
    this.logger.log(`board loaded: ${units} units, ${openIncidents} open incidents (${Date.now() - started} ms)`);
  }

  async onModuleDestroy() {
    clearInterval(this.positionTimer);
    await this.positionRefresh;
    await this.tail?.stop();
  }

  /**
   * Positions do not travel on Kafka: each instance reads what the others stored in the read model,
   * every `positionRefreshMs`. The window reaches back a little further than the last read, so a
   * writer whose clock lags a few seconds behind, or whose write lands late, is not missed.
   */
  private async followPositions(): Promise<void> {
    await this.positions.ensureIndexes();
    await this.refreshPositions();
    this.positionTimer = setInterval(() => {
      this.positionRefresh ??= this.refreshPositions()
        .catch((e) => this.logger.warn(`unit positions not refreshed; the next round retries: ${(e as Error).message}`))
        .finally(() => (this.positionRefresh = undefined));
    }, this.rules.positionRefreshMs);
  }

  private async refreshPositions(): Promise<void> {
    const since = this.positionsSeenUntil && new Date(this.positionsSeenUntil.getTime() - POSITION_WINDOW_MARGIN_MS);
    for await (const { unitId, latest, recordedAt } of this.positions.storedSince(since)) {
      this.board.applyPosition(unitId, latest);
      if (!this.positionsSeenUntil || recordedAt > this.positionsSeenUntil) this.positionsSeenUntil = recordedAt;
    }
  }

  private async apply(events: EventEnvelope[]) {
    for (const event of events) {
      if (this.board.apply(event) === 'gap') await this.refold(event.streamId, event.type);
    }
  }

  private async refold(streamId: string, type: string) {
    if (UNIT_EVENT_TYPES.has(type)) {
      const { state, version } = await this.store.load(streamId, unitFold);
      this.acceptUnit(state, version);
    } else {
      const { version, events } = await this.store.readStream(streamId);
      this.acceptIncident(foldIncident(events), version);
    }
  }

  /** A command of this instance was stored: show it now, not after the round trip through Kafka. */
  acceptUnit(state: UnitState, version: number): void {
    if (state.status !== 'UNREGISTERED') this.board.loadUnit({ state, version });
  }

  acceptIncident(state: IncidentState, version: number): void {
    if (state.status !== 'NONE') this.board.loadIncident({ state, version });
  }

  /**
   * An incident with its timeline. An open one whose timeline is kept comes from memory, as this
   * instance knows it (its own commands at once, other instances' after the tail brings them); any
   * other (closed, not yet on the board, or read for the first time) from the event store, whose
   * timeline the board then keeps while the incident is open.
   */
  async incidentRecord(incidentId: string): Promise<{ state: Incident; version: number; timeline: IncidentTimelineEntry[] }> {
    const held = this.board.incident(incidentId);
    const kept = held && this.board.timelineOf(incidentId);
    if (held && kept) return { state: held.state, version: held.version, timeline: kept };
    const { version, events } = await this.store.readStream(incidentId);
    const state = foldIncident(events);
    if (state.status === 'NONE') throw new NotFound('incident', incidentId);
    const timeline = events.map(incidentTimelineEntry);
    this.board.rememberTimeline(incidentId, version, timeline);
    return { state, version, timeline };
  }
}
