import { Inject, Injectable } from '@nestjs/common';
import { EventRegistry, EventTimeline, TOPICS, triageEvents } from '@callcenter/events';
import { TimelineRecorder } from '@callcenter/platform';
import { QueueEntry } from '../queue/queue-index';
import { OpenCases } from './open-cases.fold';

/** The triage topic by recording time, with checkpoints of the open cases (built by the module from the config). */
export const TRIAGE_TIMELINE = Symbol('TRIAGE_TIMELINE');
export type TriageTimeline = EventTimeline<OpenCases, QueueEntry[]>;
export const TRIAGE_TIMELINE_GROUP = 'triage-audit-timeline';

/** Every event of the triage topic into the timeline, and its checkpoints as they fall due. */
@Injectable()
export class TriageTimelineRecorder extends TimelineRecorder {
  constructor(@Inject(TRIAGE_TIMELINE) timeline: TriageTimeline) {
    super(timeline as EventTimeline<unknown, unknown>, {
      group: TRIAGE_TIMELINE_GROUP,
      topics: [TOPICS.triage],
      registry: new EventRegistry(triageEvents),
    });
  }
}
