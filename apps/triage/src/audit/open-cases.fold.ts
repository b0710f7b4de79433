import { EventEnvelope, TimelineFold, TRIAGE_EVENT_TYPES, TriageEnvelope } from '@callcenter/events';
import { isOpen, TriageCase, triageCaseDecider } from '../case/triage-case.decider';
import { QueueEntry, QueueIndex } from '../queue/queue-index';

/**
 * The open cases at a moment, by report id, each with the stream version it reflects; with them the
 * cases merged into a group (DUPLICATE), which a split puts back in the queue.
 */
export type OpenCases = Map<string, QueueEntry>;

/**
 * What the fold holds: an open case, or one merged as a duplicate. A split reopens a merged case;
 * the live queue then rebuilds it from the event store, which this pure fold cannot read, so it keeps
 * the merged case's row instead (no bigger than an open one's; merged reports are a small share).
 */
const held = (c: TriageCase) => isOpen(c) || c.status === 'DUPLICATE';

/**
 * The queue's fold for time travel: the same evolution as the live queue and its stored snapshot
 * (the case decider's evolve), kept by stream version so a repeated or out-of-date event changes
 * nothing. A case leaves when it closes for good; a merged duplicate stays (held, not listed: the
 * queue index lists open cases only) until a split reopens it, as the live queue's rebuild from the
 * store does. An event of a case not held is a closed case's unless it opens the stream.
 * schemaVersion 2: checkpoints of version 1 lack the merged cases, so the chain starts again.
 */
export const openCasesFold: TimelineFold<OpenCases, QueueEntry[]> = {
  schemaVersion: 2,
  initial: () => new Map(),
  apply(cases, event: EventEnvelope) {
    if (!TRIAGE_EVENT_TYPES.has(event.type)) return;
    const known = cases.get(event.streamId);
    if (event.streamVersion !== (known?.version ?? 0) + 1) return;
    const next = triageCaseDecider.evolve(known?.case ?? triageCaseDecider.initialState(), event as TriageEnvelope);
    if (next.status === 'NONE') return;
    if (held(next)) cases.set(event.streamId, { case: next, version: event.streamVersion });
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
