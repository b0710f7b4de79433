import { randomUUID } from 'node:crypto';
import { EventEnvelope, toEnvelopes, TriageEnvelope } from '@callcenter/events';
import { triageCaseDecider, TriageCaseState, TriageCommand } from './triage-case.decider';

/**
 * Test fixture: one case's life made by the decider. Each command's events are pushed to `events`
 * as the store records them at `at`; a command the rules refuse throws and records nothing.
 */
export function caseRecorder(reportId: string, events: EventEnvelope[]): (command: TriageCommand, at: Date) => void {
  let [state, version] = [triageCaseDecider.initialState() as TriageCaseState, 0];
  return (command, at) => {
    const meta = { actor: 'by' in command ? command.by.id : 'system', correlationId: 'c', now: at };
    const made = toEnvelopes(reportId, version, triageCaseDecider.decide(command, state), meta, {
      producer: 'triage',
      recordedAt: at,
      schemaVersionOf: () => 1,
      newId: randomUUID,
    });
    for (const e of made) state = triageCaseDecider.evolve(state, e as TriageEnvelope);
    version += made.length;
    events.push(...made);
  };
}
