import { ConcurrencyConflict } from '@callcenter/contracts';
import { InMemoryEventStore } from './in-memory-event-store';

const meta = { actor: 'op-budi', correlationId: 'corr-1', now: new Date('2026-12-02T10:00:00Z') };
const claimed = (by: string) => ({ type: 'Claimed', data: { by } });

describe('InMemoryEventStore', () => {
  it('appends at the expected version and numbers the envelopes on from it', async () => {
    const store = new InMemoryEventStore({ producer: 'triage' });
    expect(await store.readStream('case-1')).toEqual({ version: 0, events: [] });
    await store.append('case-1', 0, [claimed('budi')], meta);
    const { version, events } = await store.append('case-1', 1, [claimed('rina'), claimed('budi')], meta);
    expect(version).toBe(3);
    expect(events.map((e) => [e.streamVersion, e.producer, e.occurredAt])).toEqual([
      [2, 'triage', '2026-12-02T10:00:00.000Z'],
      [3, 'triage', '2026-12-02T10:00:00.000Z'],
    ]);
    expect(store.typesOf('case-1')).toEqual(['Claimed', 'Claimed', 'Claimed']);
  });

  it('refuses an append at another version, writing nothing', async () => {
    const store = new InMemoryEventStore();
    await store.append('case-1', 0, [claimed('budi')], meta);
    await expect(store.append('case-1', 0, [claimed('rina')], meta)).rejects.toThrow(ConcurrencyConflict);
    expect((await store.readStream('case-1')).version).toBe(1);
  });

  it('folds a stream like reading it, and keeps what is stored from changes by callers', async () => {
    const store = new InMemoryEventStore();
    const { events } = await store.append('case-1', 0, [claimed('budi')], meta);
    (events[0].data as { by: string }).by = 'changed';
    const fold = {
      name: 'claims',
      schemaVersion: 1,
      initialState: () => [] as string[],
      evolve: (s: string[], e: { data: { by: string } }) => [...s, e.data.by],
    };
    expect((await store.load('case-1', fold)).state).toEqual(['budi']);
  });
});
