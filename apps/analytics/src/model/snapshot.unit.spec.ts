import { createHash } from 'node:crypto';
import { UnitRegistered, UnitRegisteredV1 } from '@callcenter/events';
import { envelopeOf } from '@callcenter/testing';
import { scriptedLifecycles } from '../../test/scripted-lifecycles';
import { AnalyticsModel } from './analytics-model';
import {
  captureModel,
  ChunkInflater,
  CorruptSnapshot,
  decodeSnapshot,
  encodeChunks,
  encodeSnapshot,
  headerOf,
  inflateChunk,
  SNAPSHOT_SCHEMA_VERSION,
  SnapshotDecoder,
} from './snapshot';

const meta = { generation: 3, takenAt: '2026-12-02T08:00:00.000Z', offsets: { 'callcenter.intake.events.v1/0': '42' } };
const modelOf = () => {
  const model = new AnalyticsModel();
  for (const { event } of [...scriptedLifecycles('2021-03-01', 'snap-a'), ...scriptedLifecycles('2021-03-02', 'snap-b')]) model.apply(event);
  // A unit's stream: named by its id in a snapshot, as no report's.
  const unit: UnitRegisteredV1 = { unitId: 'SABHARA-07', callSign: 'Sabhara 07', type: 'PATROL', capabilities: [], homeDistrict: 'TEBET', status: 'AVAILABLE' };
  model.apply(envelopeOf(UnitRegistered, unit, { streamId: unit.unitId, streamVersion: 1, producer: 'dispatch', at: new Date('2021-03-01T00:00:00Z') }));
  return model;
};

describe('analytics snapshot codec', () => {
  it('gives back a model with the same content, units and applied versions, in several chunks', async () => {
    const model = modelOf();
    const { header, chunks } = await encodeSnapshot(model, meta, 3);
    expect(header).toMatchObject({ schemaVersion: SNAPSHOT_SCHEMA_VERSION, ...meta, eventsApplied: model.eventsApplied, reports: 16 });
    expect(chunks.length).toBeGreaterThan(3);
    const restored = decodeSnapshot(header, chunks.reverse());
    expect(await restored.digest()).toBe(await model.digest());
    expect(restored.eventsApplied).toBe(model.eventsApplied);
    const sorted = (m: AnalyticsModel) => [...m.applied.entries()].sort((a, b) => a.join().localeCompare(b.join()));
    expect(sorted(restored)).toEqual(sorted(model));
  });

  it("keeps a report's own streams' versions in its fact, names its incident's stream by the report, and the rest by id", async () => {
    const model = modelOf();
    const { header, chunks } = await encodeSnapshot(model, meta, 3);
    const versions = chunks.map((c) => JSON.parse(inflateChunk(c).json.toString())).filter((c) => c.kind === 'versions');
    expect(new Set(versions.map((c) => c.producer))).toEqual(new Set(['dispatch']));
    const facts = [...decodeSnapshot(header, chunks).facts.values()];
    expect(facts.map((f) => [f.intakeVersion, f.triageVersion])).toEqual([...model.facts.values()].map((f) => [f.intakeVersion, f.triageVersion]));
    expect(facts.every((f) => f.intakeVersion > 0 && f.triageVersion > 0)).toBe(true);
    const byId = versions.flatMap((c) => c.byId.map(([id]: [string]) => id));
    expect(byId).toEqual(['SABHARA-07']);
    const incidents = versions.flatMap((c) => c.byIncident[0]).length;
    expect(incidents).toBe([...model.facts.values()].filter((f) => f.incidentId).length);
    expect(incidents).toBeGreaterThan(0);
  });

  it('is a no-op when an event it already holds is delivered again after restoring', async () => {
    const model = modelOf();
    const { header, chunks } = await encodeSnapshot(model, meta);
    const restored = decodeSnapshot(header, chunks);
    for (const { event } of scriptedLifecycles('2021-03-01', 'snap-a')) expect(restored.apply(event)).toBe(false); // new event ids, same streams and versions
    expect(await restored.digest()).toBe(await model.digest());
  });

  it('refuses a chunk altered, missing or swapped, and offsets that are not offsets', async () => {
    const { header, chunks } = await encodeSnapshot(modelOf(), meta, 3);
    const altered = chunks.map((c, i) => (i === 1 ? { ...c, data: Buffer.from(c.data).fill(7, 10, 20) } : c));
    expect(() => decodeSnapshot(header, altered)).toThrow(CorruptSnapshot);
    expect(() => decodeSnapshot(header, chunks.slice(1))).toThrow(CorruptSnapshot);
    const rehashed = altered.map((c, i) => (i === 1 ? { ...c, sha256: 'f'.repeat(64) } : c));
    expect(() => decodeSnapshot(header, rehashed)).toThrow(CorruptSnapshot);
    expect(() => decodeSnapshot({ ...header, offsets: { 'callcenter.intake.events.v1/0': 'x' } }, chunks)).toThrow(CorruptSnapshot);
    expect(() => decodeSnapshot(header, [...chunks, chunks[0]])).toThrow(CorruptSnapshot);
  });

  it('inflates chunks in a worker thread as at once, and refuses one altered or not gzip', async () => {
    const { chunks } = await encodeSnapshot(modelOf(), meta, 3);
    const inflater = new ChunkInflater();
    try {
      const inflated = await Promise.all(chunks.map((c) => inflater.inflate(c)));
      expect(inflated.map((c) => c.json.toString())).toEqual(chunks.map((c) => inflateChunk(c).json.toString()));
      expect(inflated.map((c) => [c.index, c.sha256])).toEqual(chunks.map((c) => [c.index, c.sha256]));
      const altered = { ...chunks[1], data: Buffer.from(chunks[1].data).fill(7, 10, 20) };
      await expect(inflater.inflate(altered)).rejects.toThrow(/chunk 1 does not match its hash/);
      const notGzip = { index: 1, data: Buffer.from('{}'), sha256: createHash('sha256').update('{}').digest('hex') };
      await expect(inflater.inflate(notGzip)).rejects.toThrow(/chunk 1 is unreadable/);
      expect(() => inflateChunk(notGzip)).toThrow(/chunk 1 is unreadable/);
      expect((await inflater.inflate(chunks[0])).json.equals(inflateChunk(chunks[0]).json)).toBe(true); // still inflating after a refusal
    } finally {
      await inflater.close();
    }
    await expect(inflater.inflate(chunks[0])).rejects.toThrow(/the inflating thread stopped/);
  });

  it('decodes chunks one at a time only in index order, and finishes only when all were there', async () => {
    const model = modelOf();
    const { header, chunks } = await encodeSnapshot(model, meta, 3);
    const skipping = new SnapshotDecoder(header);
    skipping.add(inflateChunk(chunks[0]));
    expect(() => skipping.add(inflateChunk(chunks[2]))).toThrow(/chunk 2 came where chunk 1 belongs/);
    const short = new SnapshotDecoder(header);
    for (const c of chunks.slice(0, -1)) short.add(inflateChunk(c));
    expect(() => short.finish()).toThrow(CorruptSnapshot);
    const whole = new SnapshotDecoder(header);
    for (const c of chunks) whole.add(inflateChunk(c));
    expect(await whole.finish().digest()).toBe(await model.digest());
  });

  it('holds the model as captured, not as it is once events apply during the encoding', async () => {
    const model = new AnalyticsModel();
    const script = scriptedLifecycles('2021-03-01', 'snap-c').map((s) => s.event);
    for (const e of script.slice(0, 40)) model.apply(e);
    const asCaptured = await model.digest();
    const captured = captureModel(model, meta);
    for (const e of script.slice(40)) model.apply(e); // the timelines grow in place, facts are replaced
    const chunks = [];
    for await (const c of encodeChunks(captured, 3)) chunks.push(c);
    const restored = decodeSnapshot(headerOf(captured, chunks), chunks);
    expect(await restored.digest()).toBe(asCaptured);
    expect(restored.eventsApplied).toBe(40);
    expect(await model.digest()).not.toBe(asCaptured);
  });
});
