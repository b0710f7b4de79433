import { Inject, Injectable } from '@nestjs/common';
import { dispatchEvents, EventRegistry, EventTimeline, TOPICS } from '@callcenter/events';
import { TimelineRecorder } from '@callcenter/platform';
import { LatestPosition, UnitPositions } from '../positions/unit-positions';
import { BoardAt, StoredBoard } from './board-at.fold';
import { PositionTrail } from './position-trail';

/** The dispatch topic by recording time, with checkpoints of the board (built by the module from the config). */
export const DISPATCH_TIMELINE = Symbol('DISPATCH_TIMELINE');
export type DispatchTimeline = EventTimeline<BoardAt, StoredBoard>;
export const DISPATCH_TIMELINE_GROUP = 'dispatch-audit-timeline';
/** How often the position trail reads the latest positions stored (the trail keeps one per unit and minute). */
const TRAIL_EVERY_MS = 15_000;

/**
 * Every event of the dispatch topic into the timeline and its checkpoints as they fall due (the
 * TimelineRecorder), and the position trail: every instance keeps it; they write equal documents.
 */
@Injectable()
export class DispatchTimelineRecorder extends TimelineRecorder {
  private trailTimer?: NodeJS.Timeout;
  private trailRound?: Promise<void>;
  private trailSeenUntil: Date | null = null;

  constructor(
    @Inject(DISPATCH_TIMELINE) timeline: DispatchTimeline,
    private readonly positions: UnitPositions,
    private readonly trail: PositionTrail,
  ) {
    super(timeline as EventTimeline<unknown, unknown>, {
      group: DISPATCH_TIMELINE_GROUP,
      topics: [TOPICS.dispatch],
      registry: new EventRegistry(dispatchEvents),
    });
  }

  override async onApplicationBootstrap() {
    await super.onApplicationBootstrap();
    const round = () => {
      this.trailRound ??= this.followPositions()
        .catch((e) => this.logger.warn(`position trail not kept; the next round retries: ${(e as Error).message}`))
        .finally(() => (this.trailRound = undefined));
    };
    round();
    this.trailTimer = setInterval(round, TRAIL_EVERY_MS);
  }

  /** Positions stored since the last round (with a margin for late writers) into the trail. */
  async followPositions(): Promise<void> {
    const since = this.trailSeenUntil && new Date(this.trailSeenUntil.getTime() - 10_000);
    const reports: { unitId: string; latest: LatestPosition }[] = [];
    let until = this.trailSeenUntil;
    for await (const { unitId, latest, recordedAt } of this.positions.storedSince(since)) {
      reports.push({ unitId, latest });
      if (!until || recordedAt > until) until = recordedAt;
    }
    await this.trail.note(reports);
    this.trailSeenUntil = until;
  }

  override async onModuleDestroy() {
    clearInterval(this.trailTimer);
    await this.trailRound;
    await super.onModuleDestroy();
  }
}
