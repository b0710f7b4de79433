import { Inject, Injectable } from '@nestjs/common';
import { v4 as uuidv4 } from 'uuid';
import { checkPastMoment } from '@callcenter/contracts';
import { MongoEventStore, PastStateViewed, pastViewStreamId } from '@callcenter/events';
import { AuthenticatedUser, EVENT_STORE } from '@callcenter/platform';
import { DispatchRules } from '../dispatch.rules';
import { boardViewAt } from './board-at.fold';
import { DISPATCH_TIMELINE, DispatchTimeline } from './dispatch-timeline';
import { PositionTrail } from './position-trail';

/**
 * Time travel over dispatch (issue 17): the board (units' statuses and positions, open incidents) as
 * it stood at a past moment, rebuilt from the event log with the live board's own fold and views.
 * Every look is recorded first (PastStateViewed on the dispatch topic), then answered.
 */
@Injectable()
export class DispatchAudit {
  constructor(
    @Inject(DISPATCH_TIMELINE) private readonly timeline: DispatchTimeline,
    private readonly trail: PositionTrail,
    @Inject(EVENT_STORE) private readonly store: MongoEventStore,
    private readonly rules: DispatchRules,
  ) {}

  async boardAt(at: Date, user: AuthenticatedUser, correlationId: string) {
    checkPastMoment(at);
    const now = new Date();
    await this.store.append(pastViewStreamId(uuidv4()), 0, [PastStateViewed({ view: 'BOARD', at: at.toISOString(), reportId: null, filter: null })], {
      actor: user.id,
      correlationId,
      now,
    });
    const [{ state, checkpoint, eventsFolded }, positions] = await Promise.all([this.timeline.stateAt(at), this.trail.at(at)]);
    return { ...boardViewAt(state, positions, at, this.rules.jurisdiction, this.rules.targets), rebuiltFrom: { checkpoint, eventsFolded } };
  }
}
