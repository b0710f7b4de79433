import { EventEnvelope, TRIAGE_EVENT_TYPES, TriageEnvelope } from '@callcenter/events';
import { isOpen, TriageCase, triageCaseDecider } from '../case/triage-case.decider';

/**
 * The stored snapshot of the queue (collection `triage_queue`, _id = reportId): every open case
 * with the stream version it reflects, so an instance starts from it instead of the whole history.
 * A case leaves the snapshot when it closes. Pure; unknown events change nothing.
 */
export function evolveQueueSnapshot(doc: TriageCase | null, event: EventEnvelope): TriageCase | null {
  if (!TRIAGE_EVENT_TYPES.has(event.type)) return doc;
  const next = triageCaseDecider.evolve(doc ?? triageCaseDecider.initialState(), event as TriageEnvelope);
  if (next === doc) return doc;
  if (next.status === 'NONE') return doc;
  return isOpen(next) ? next : null;
}
