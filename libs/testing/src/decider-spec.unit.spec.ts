import { IllegalState } from '@callcenter/contracts';
import type { Decider, DomainEvent } from '@callcenter/events';
import { deciderSpec } from './decider-spec';

type Claimed = DomainEvent<'Claimed', { by: string }>;
const claimDecider: Decider<{ by: string }, Claimed, { by: string | null }> = {
  initialState: () => ({ by: null }),
  decide: (command, state) => {
    if (state.by === command.by) return [];
    if (state.by) throw new IllegalState('ALREADY_CLAIMED', `claimed by ${state.by}`);
    return [{ type: 'Claimed', data: { by: command.by } }];
  },
  evolve: (_state, event) => ({ by: event.data.by }),
};
const { given, fold } = deciderSpec(claimDecider);
const claimed = (by: string): Claimed => ({ type: 'Claimed', data: { by } });

describe('deciderSpec', () => {
  it('passes on the events decided, and returns the state after them', () => {
    expect(
      given()
        .when({ by: 'budi' })
        .then([claimed('budi')]),
    ).toEqual({ by: 'budi' });
    given(claimed('budi')).when({ by: 'budi' }).thenNothing();
    given(claimed('budi')).when({ by: 'rina' }).thenThrows('ALREADY_CLAIMED');
    expect(fold([claimed('budi'), claimed('rina')])).toEqual({ by: 'rina' });
  });

  it('fails on other events, on events where none were expected, and on another rule or none', () => {
    expect(() =>
      given()
        .when({ by: 'budi' })
        .then([claimed('rina')]),
    ).toThrow();
    expect(() => given().when({ by: 'budi' }).thenNothing()).toThrow();
    expect(() => given(claimed('budi')).when({ by: 'rina' }).thenThrows('OTHER_RULE')).toThrow();
    expect(() => given().when({ by: 'budi' }).thenThrows('ALREADY_CLAIMED')).toThrow(/expected IllegalState ALREADY_CLAIMED, but the decider emitted/);
  });
});
