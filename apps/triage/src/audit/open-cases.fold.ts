import { EventEnvelope, TimelineFold, TRIAGE_EVENT_TYPES } from '@callcenter/events';
import { QueueEntry, QueueIndex } from '../queue/queue-index';
import { evolveQueueSnapshot } from '../queue/queue-snapshot.projection';

/** The open cases at a moment, by report id, each with the stream version it reflects. */
export type OpenCases = Map<string, QueueEntry>;

/**
 * The queue's fold for time travel: the same evolution as the live queue and its stored snapshot
 * (evolveQueueSnapshot, i.e. the case decider's evolve), kept by stream version so a repeated or
 * out-of-date event changes nothing. A case leaves when it closes; an event of a case not held is a
 * closed case's (the state holds every open one) unless it opens the stream.
 */
export const openCasesFold: TimelineFold<OpenCases, QueueEntry[]> = {
  schemaVersion: 1,
  initial: () => new Map(),
  apply(cases, event: EventEnvelope) {
    if (!TRIAGE_EVENT_TYPES.has(event.type)) return;
    const known = cases.get(event.streamId);
    if (event.streamVersion !== (known?.version ?? 0) + 1) return;
    const next = evolveQueueSnapshot(known?.case ?? null, event);
    if (next) cases.set(event.streamId, { case: next, version: event.streamVersion });
    else cases.delete(event.streamId);
  },
  save: (cases) => [...cases.values()],
  load: (entries) => new Map(entries.map((e) => [e.case.report.reportId, e])),
};

/** The live queue's own index over those cases: the same order, filters and items as `GET /queue` then. */
export function queueIndexOf(cases: OpenCases): QueueIndex {
  const index = new QueueIndex();
  for (const entry of cases.values()) index.load(entry);
  return index;
}
