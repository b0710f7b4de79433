import { loadJurisdiction } from '@callcenter/contracts';
import { assertValidEvent, dispatchEvents, EventRegistry, intakeEvents, triageEvents } from '@callcenter/events';
import * as path from 'node:path';
import { HistoryGenerator } from './history';

const { districts } = loadJurisdiction(path.resolve(__dirname, '../../../../config/jurisdiction.json'));
const DAY = Date.parse('2026-11-28T00:00:00+07:00');
const registry = new EventRegistry([...intakeEvents, ...triageEvents, ...dispatchEvents]);
const history = (runId: string) => {
  const generator = new HistoryGenerator({ seed: 7, runId, districts, reportsPerDay: 400, unitsPerDistrict: 3 });
  return { generator, events: [...generator.roster(DAY), ...generator.day24h(DAY)] };
};

describe('the simulator history', () => {
  it('writes events as the services do: known types at their current schema version, valid, numbered per stream from 1', () => {
    const { generator, events } = history('h1');
    expect(generator.reports).toBeGreaterThan(300);
    const versions = new Map<string, number>();
    for (const e of events) {
      expect(registry.knows(e.type)).toBe(true);
      expect(e.schemaVersion).toBe(registry.schemaVersionOf(e.type));
      assertValidEvent(e);
      // A report's stream is intake's in intake's store, and triage's in triage's.
      const stream = `${e.producer}:${e.streamId}`;
      expect(e.streamVersion).toBe((versions.get(stream) ?? 0) + 1);
      versions.set(stream, e.streamVersion);
    }
    for (const decision of ['FORWARD', 'REJECT', 'DUPLICATE', 'ADVICE']) expect(generator.decisions[decision]).toBeGreaterThan(0);
  });

  it('is the same history for the same seed and run, with other ids for another run', () => {
    const [a, b, c] = [history('h2').events, history('h2').events, history('h3').events];
    expect(a).toEqual(b);
    expect(c.map((e) => e.type)).toEqual(a.map((e) => e.type));
    expect(c[40].streamId).not.toBe(a[40].streamId);
  });
});
