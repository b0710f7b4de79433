import { IllegalState, NotFound } from '@callcenter/contracts';
import type { Decider, DomainEvent } from '@callcenter/events';

/**
 * A decider's behaviour written as specifications, in emmett's manner:
 * `given(...history).when(command).then(events) | .thenNothing() | .thenThrows(rule) | .thenNotFound()`.
 * Pure: no store, no clock (the time comes in with the command).
 */
export function deciderSpec<Command, Event extends DomainEvent, State>(decider: Decider<Command, Event, State>) {
  const fold = (events: Event[], from: State = decider.initialState()): State => events.reduce(decider.evolve, from);

  function given(...history: Event[]) {
    const state = fold(history);
    return {
      when(command: Command) {
        return {
          /** Asserts the emitted events; returns the state after them, for evolve checks. */
          then(expected: Event[]): State {
            const emitted = decider.decide(command, state);
            expect(emitted).toEqual(expected);
            return fold(emitted, state);
          },
          thenNothing(): void {
            expect(decider.decide(command, state)).toEqual([]);
          },
          /** Asserts the decider refuses with this IllegalState rule (any other error fails the test as it is). */
          thenThrows(rule: string): void {
            let thrown: unknown;
            try {
              const emitted = decider.decide(command, state);
              thrown = new Error(`expected IllegalState ${rule}, but the decider emitted ${JSON.stringify(emitted)}`);
            } catch (e) {
              thrown = e;
            }
            if (!(thrown instanceof IllegalState)) throw thrown;
            expect(thrown.rule).toBe(rule);
          },
          /** The actor may not know the stream exists (404). */
          thenNotFound(): void {
            expect(() => decider.decide(command, state)).toThrow(NotFound);
          },
        };
      },
    };
  }

  return { given, fold };
}
