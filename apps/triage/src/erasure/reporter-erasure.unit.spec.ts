import { InMemoryEventStore } from '@callcenter/testing';
import type { MongoEventStore, PersonalDataVault } from '@callcenter/events';
import type { CallersStore } from '../callers/callers.store';
import { ReporterErasure } from './reporter-erasure';

// The erasure's order (in process, over the in-memory event store): recorded first, then the keys go.
// The key store is the real database's in suites/privacy/erasure.e2e.spec.ts.
describe('ReporterErasure', () => {
  const REPORT = '3f0c9a52-7d1e-4b8a-9c61-2e5f4a7b8c90';

  function world(failFirstErase: boolean) {
    const store = new InMemoryEventStore({ producer: 'triage' });
    const destroyed: string[][] = [];
    let failures = failFirstErase ? 1 : 0;
    const vault = {
      // The phone finds its report as long as its key is there.
      reportsOfPhone: async () => (destroyed.length ? [] : [REPORT]),
      erase: async (ids: string[]) => {
        if (failures-- > 0) throw new Error('key store did not answer');
        destroyed.push(ids);
      },
    } as unknown as PersonalDataVault;
    const callers = { reportsWithPlainPhone: async () => [], forgetReporters: async () => undefined } as unknown as CallersStore;
    const erasure = new ReporterErasure(store as unknown as MongoEventStore, vault, callers);
    const recorded = () => store.streamIds().filter((id) => id.startsWith('erasure-'));
    return { erasure, destroyed, recorded };
  }
  const byPhone = { phone: '+6281234567890', reason: 'permintaan pelapor, surat 12/XII' };

  it('records who erased what and why, then destroys the keys', async () => {
    const { erasure, destroyed, recorded } = world(false);
    const receipt = await erasure.erase(byPhone, 'adm-eko', 'c-1');
    expect(receipt).toMatchObject({ by: 'PHONE', reportIds: [REPORT], erasedBy: 'adm-eko' });
    expect([recorded().length, destroyed]).toEqual([1, [[REPORT]]]);
  });

  it('never erases unrecorded: a failure after the record leaves the keys, and the retry by phone finds the report and finishes', async () => {
    const { erasure, destroyed, recorded } = world(true);
    await expect(erasure.erase(byPhone, 'adm-eko', 'c-1')).rejects.toThrow('key store did not answer');
    expect([recorded().length, destroyed]).toEqual([1, []]);
    await erasure.erase(byPhone, 'adm-eko', 'c-2');
    expect([recorded().length, destroyed]).toEqual([2, [[REPORT]]]);
  });
});
