import { Inject, Injectable } from '@nestjs/common';
import { v4 as uuidv4 } from 'uuid';
import { checkPastMoment, NotFound } from '@callcenter/contracts';
import { EventEnvelope, MongoEventStore, PastStateViewed, PastStateViewedV1, pastViewStreamId, PersonalDataVault } from '@callcenter/events';
import { AuthenticatedUser, EVENT_STORE, PERSONAL_DATA } from '@callcenter/platform';
import { TimelineEntry, timelineData } from '../case/triage-cases';
import { TriageCase, foldCase } from '../case/triage-case.decider';
import { QueueFilter, QueueIndex, QueueItem, summaryOf } from '../queue/queue-index';
import { TriageRules } from '../triage.rules';
import { queueIndexOf } from './open-cases.fold';
import { TRIAGE_TIMELINE, TriageTimeline } from './triage-timeline';

export interface PastQueue {
  /** The moment shown. */
  at: string;
  total: number;
  items: QueueItem[];
  offset: number;
  limit: number;
  /** How it was rebuilt: the checkpoint it started from and the events folded after it. */
  rebuiltFrom: { checkpoint: string | null; eventsFolded: number };
}

/** One case as it stood at a moment: its queue item then, what it held, and its timeline up to then. */
export interface PastCase extends QueueItem {
  at: string;
  report: Pick<TriageCase['report'], 'description' | 'categoryHint' | 'location' | 'peopleInjured' | 'peopleInvolved' | 'sourceSystem'> & {
    suggestedDistrict: string | null;
  };
  classification: TriageCase['classification'];
  suggestion: TriageCase['report']['suggestion'];
  timeline: TimelineEntry[];
}

/**
 * Time travel over triage (issue 17): the queue and a case as they stood at a past moment, rebuilt
 * from the event log with the live queue's own fold and index, so the answer is the one the live
 * API gave then. Every look is recorded first (PastStateViewed), then answered.
 */
@Injectable()
export class TriageAudit {
  constructor(
    @Inject(TRIAGE_TIMELINE) private readonly timeline: TriageTimeline,
    @Inject(EVENT_STORE) private readonly store: MongoEventStore,
    private readonly rules: TriageRules,
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalDataVault,
  ) {}

  async queueAt(at: Date, filter: QueueFilter, offset: number, limit: number, user: AuthenticatedUser, correlationId: string): Promise<PastQueue> {
    checkPastMoment(at);
    await this.recordView(user, correlationId, { view: 'QUEUE', at: at.toISOString(), reportId: null, filter: definedOnly(filter) });
    const { state, checkpoint, eventsFolded } = await this.timeline.stateAt(at);
    const page = queueIndexOf(state).list(filter, offset, limit, at, this.rules.targets);
    // Summaries as the live queue shows them: opened now, "[dihapus]" if the reporter's data was erased since.
    const items = await Promise.all(page.items.map(async (item) => ({ ...item, summary: summaryOf(await this.personalData.open(item.summary)) })));
    return { at: at.toISOString(), total: page.total, items, offset, limit, rebuiltFrom: { checkpoint, eventsFolded } };
  }

  async caseAt(reportId: string, at: Date, user: AuthenticatedUser, correlationId: string): Promise<PastCase> {
    checkPastMoment(at);
    // A case is one short stream: its events recorded by then, from the event store itself.
    const { events } = await this.store.readStream(reportId);
    const then = events.filter((e) => Date.parse(e.recordedAt) <= at.getTime());
    const state = foldCase(then);
    if (state.status === 'NONE') throw new NotFound('report', reportId);
    await this.recordView(user, correlationId, { view: 'REPORT', at: at.toISOString(), reportId, filter: null });
    const { description, categoryHint, location, district, peopleInjured, peopleInvolved, sourceSystem } = state.report;
    const item = new QueueIndex().item({ case: state, version: then.length }, at, this.rules.targets);
    const past: PastCase = {
      ...item,
      at: at.toISOString(),
      report: { description, categoryHint, location, suggestedDistrict: district, peopleInjured, peopleInvolved, sourceSystem },
      classification: state.classification,
      suggestion: state.report.suggestion,
      timeline: then.map((e: EventEnvelope) => ({ version: e.streamVersion, type: e.type, at: e.occurredAt, actor: e.actor, data: timelineData(e) })),
    };
    const opened = await this.personalData.openDeep(past);
    return { ...opened, summary: summaryOf(opened.summary) };
  }

  private async recordView(user: AuthenticatedUser, correlationId: string, data: PastStateViewedV1): Promise<void> {
    await this.store.append(pastViewStreamId(uuidv4()), 0, [PastStateViewed(data)], { actor: user.id, correlationId, now: new Date() });
  }
}

function definedOnly(filter: object): Record<string, unknown> | null {
  const entries = Object.entries(filter).filter(([, v]) => v !== undefined);
  return entries.length ? Object.fromEntries(entries) : null;
}
