import { ConcurrencyConflict, IllegalState } from '@callcenter/contracts';
import { Decider, handleCommand } from './decider';
import { DomainEvent } from './envelope';
import { AppendResult, MongoEventStore, toEnvelopes } from './event-store';

const meta = { actor: 'operator-7', correlationId: 'corr-9', causationId: 'evt-1', now: new Date('2026-11-28T02:00:00Z') };

describe('envelopes', () => {
  it('numbers a command’s events on from the expected version and carries who, when and why', () => {
    let n = 0;
    const envelopes = toEnvelopes(
      'report-1',
      4,
      [
        { type: 'A', data: { a: 1 } },
        { type: 'B', data: {} },
      ],
      meta,
      {
        producer: 'triage',
        recordedAt: new Date('2026-11-28T02:00:01Z'),
        schemaVersionOf: (t) => (t === 'B' ? 2 : 1),
        newId: () => `id-${++n}`,
      },
    );
    expect(envelopes).toEqual([
      expect.objectContaining({ eventId: 'id-1', type: 'A', schemaVersion: 1, streamId: 'report-1', streamVersion: 5, data: { a: 1 } }),
      expect.objectContaining({ eventId: 'id-2', type: 'B', schemaVersion: 2, streamVersion: 6 }),
    ]);
    for (const e of envelopes) {
      expect(e).toMatchObject({
        producer: 'triage',
        actor: 'operator-7',
        correlationId: 'corr-9',
        causationId: 'evt-1',
        occurredAt: '2026-11-28T02:00:00.000Z',
        recordedAt: '2026-11-28T02:00:01.000Z',
      });
    }
  });

  it('refuses a negative or fractional expected version', () => {
    const ctx = { producer: 'p', recordedAt: new Date(), schemaVersionOf: () => 1, newId: () => 'x' };
    expect(() => toEnvelopes('s', -1, [], meta, ctx)).toThrow(RangeError);
    expect(() => toEnvelopes('s', 1.5, [], meta, ctx)).toThrow(RangeError);
  });
});

// A counter that may only be claimed once: enough to show the command handler's concurrency rules.
type Claim = { type: 'claim'; by: string };
type Claimed = DomainEvent<'Claimed', { by: string }>;
const claimDecider: Decider<Claim, Claimed, { by: string | null }> = {
  initialState: () => ({ by: null }),
  decide: (command, state) => {
    if (state.by) throw new IllegalState('ALREADY_CLAIMED', `already claimed by ${state.by}`);
    return [{ type: 'Claimed', data: { by: command.by } }];
  },
  evolve: (_state, event) => ({ by: event.data.by }),
};

/** A scripted stream whose appends lose the race a given number of times (no I/O). */
function scriptedStore(events: Claimed[], loseRaces: number, rivalWins: Claimed | null) {
  const appended: Claimed[][] = [];
  const store = {
    async readStream(): Promise<AppendResult> {
      return { version: events.length, events: events.map((e, i) => ({ ...e, streamVersion: i + 1 }) as any) };
    },
    async append(streamId: string, expected: number, decided: Claimed[]): Promise<AppendResult> {
      if (loseRaces-- > 0) {
        if (rivalWins) events.push(rivalWins);
        throw new ConcurrencyConflict(streamId, expected, events.length);
      }
      appended.push(decided);
      events.push(...decided);
      return { version: events.length, events: [] };
    },
  };
  return { store: store as unknown as MongoEventStore, appended };
}

describe('command handling under concurrency', () => {
  it('re-reads and decides again after a lost race, and the rules then refuse', async () => {
    const { store, appended } = scriptedStore([], 1, { type: 'Claimed', data: { by: 'rival' } });
    await expect(handleCommand(store, claimDecider, 'case-1', { type: 'claim', by: 'me' }, meta)).rejects.toThrow(IllegalState);
    expect(appended).toEqual([]);
  });

  it('retries a conflict that did not change the decision and then appends once', async () => {
    const { store, appended } = scriptedStore([], 2, null);
    const result = await handleCommand(store, claimDecider, 'case-1', { type: 'claim', by: 'me' }, meta);
    expect(result.state).toEqual({ by: 'me' });
    expect(appended).toEqual([[{ type: 'Claimed', data: { by: 'me' } }]]);
  });

  it('gives up with the concurrency error after its retries', async () => {
    const { store } = scriptedStore([], 10, null);
    await expect(handleCommand(store, claimDecider, 'case-1', { type: 'claim', by: 'me' }, meta, { retries: 2 })).rejects.toThrow(ConcurrencyConflict);
  });

  it('with assumeNew appends at version 0 without reading, and reads only when the stream turns out to exist', async () => {
    const fresh = scriptedStore([], 0, null);
    const reads = jest.spyOn(fresh.store, 'readStream');
    await handleCommand(fresh.store, claimDecider, 'case-1', { type: 'claim', by: 'me' }, meta, { assumeNew: true });
    expect(reads).not.toHaveBeenCalled();
    expect(fresh.appended).toEqual([[{ type: 'Claimed', data: { by: 'me' } }]]);

    const taken = scriptedStore([{ type: 'Claimed', data: { by: 'first' } }], 1, null);
    await expect(handleCommand(taken.store, claimDecider, 'case-1', { type: 'claim', by: 'me' }, meta, { assumeNew: true })).rejects.toThrow(IllegalState);
    expect(taken.appended).toEqual([]);
  });

  it('writes the decided events as toStored gives them, and evolves the state from them as decided', async () => {
    const { store, appended } = scriptedStore([], 0, null);
    const result = await handleCommand(store, claimDecider, 'case-1', { type: 'claim', by: 'me' }, meta, {
      toStored: (events) => events.map((e) => ({ ...e, data: { by: 'sealed' } })),
    });
    expect(appended).toEqual([[{ type: 'Claimed', data: { by: 'sealed' } }]]);
    expect(result.state).toEqual({ by: 'me' });
  });

  it('does not retry when the caller named the version it expects', async () => {
    const { store } = scriptedStore([{ type: 'Claimed', data: { by: 'x' } }], 0, null);
    await expect(handleCommand(store, claimDecider, 'case-1', { type: 'claim', by: 'me' }, meta, { expectedVersion: 0 })).rejects.toThrow(ConcurrencyConflict);
  });
});
