import { EventEnvelope } from './envelope';
import { defineEvent, EventRegistry, UnknownSchemaVersion } from './event-registry';

// A versioned event as it would evolve: v1 had one `location` string, v2 split it, v3 added `source`.
const LocationReported = defineEvent<{ address: string; district: string | null; source: string }>()('LocationReported', {
  schemaVersion: 3,
  upcasters: {
    1: (v1: { location: string }) => {
      const [address, district] = v1.location.split('|');
      return { address, district: district ?? null };
    },
    2: (v2: { address: string; district: string | null }) => ({ ...v2, source: 'unknown' }),
  },
});

function stored(type: string, schemaVersion: number, data: unknown): EventEnvelope {
  return JSON.parse(
    JSON.stringify({
      eventId: 'e1',
      type,
      schemaVersion,
      streamId: 's1',
      streamVersion: 1,
      occurredAt: '2026-01-01T00:00:00.000Z',
      recordedAt: '2026-01-01T00:00:00.000Z',
      producer: 'test',
      actor: 'system',
      correlationId: 'c1',
      causationId: null,
      data,
    }),
  );
}

describe('event registry', () => {
  const registry = new EventRegistry([LocationReported]);

  it('builds typed domain events with a stable type string', () => {
    expect(LocationReported({ address: 'Jl. Merdeka 1', district: 'Sukajadi', source: 'app' })).toEqual({
      type: 'LocationReported',
      data: { address: 'Jl. Merdeka 1', district: 'Sukajadi', source: 'app' },
    });
    expect(registry.schemaVersionOf('LocationReported')).toBe(3);
  });

  it('reads a v1 event stored as JSON as the current version, step by step', () => {
    const old = stored('LocationReported', 1, { location: 'Jl. Merdeka 1|Sukajadi' });
    const read = registry.upcast(old);
    expect(read.schemaVersion).toBe(3);
    expect(read.data).toEqual({ address: 'Jl. Merdeka 1', district: 'Sukajadi', source: 'unknown' });
    expect(old.schemaVersion).toBe(1); // input untouched
  });

  it('reads a v2 event through the remaining upcaster only', () => {
    const read = registry.upcast(stored('LocationReported', 2, { address: 'Jl. Asia Afrika', district: null }));
    expect(read.data).toEqual({ address: 'Jl. Asia Afrika', district: null, source: 'unknown' });
  });

  it('leaves current versions and unknown types as they are', () => {
    const current = stored('LocationReported', 3, { address: 'a', district: 'b', source: 'c' });
    expect(registry.upcast(current)).toBe(current);
    const unknown = stored('SomethingElse', 7, { x: 1 });
    expect(registry.upcast(unknown)).toBe(unknown);
  });

  it('refuses a version newer than it knows instead of guessing', () => {
    expect(() => registry.upcast(stored('LocationReported', 4, {}))).toThrow(UnknownSchemaVersion);
  });

  it('refuses a definition with a gap in its upcasters', () => {
    expect(() => defineEvent<{}>()('Broken', { schemaVersion: 3, upcasters: { 1: (d) => d } })).toThrow(/from schema version 2 to 3/);
  });

  it('refuses two definitions with one type string', () => {
    const other = defineEvent<{}>()('LocationReported');
    expect(() => new EventRegistry([LocationReported, other])).toThrow(/registered twice/);
  });
});
