import { scriptedLifecycles } from '../../test/scripted-lifecycles';
import { AnalyticsModel } from './analytics-model';
import { CorruptSnapshot, decodeSnapshot, encodeSnapshot, SNAPSHOT_SCHEMA_VERSION } from './snapshot';

const meta = { generation: 3, takenAt: '2026-12-02T08:00:00.000Z', offsets: { 'callcenter.intake.events.v1/0': '42' } };
const modelOf = () => {
  const model = new AnalyticsModel();
  for (const { event } of [...scriptedLifecycles('2021-03-01', 'snap-a'), ...scriptedLifecycles('2021-03-02', 'snap-b')]) model.apply(event);
  return model;
};

describe('analytics snapshot codec', () => {
  it('gives back a model with the same content, units and applied versions, in several chunks', () => {
    const model = modelOf();
    const { header, chunks } = encodeSnapshot(model, meta, 3);
    expect(header).toMatchObject({ schemaVersion: SNAPSHOT_SCHEMA_VERSION, ...meta, eventsApplied: model.eventsApplied, reports: 16 });
    expect(chunks.length).toBeGreaterThan(3);
    const restored = decodeSnapshot(header, chunks.reverse());
    expect(restored.digest()).toBe(model.digest());
    expect(restored.eventsApplied).toBe(model.eventsApplied);
    expect(restored.applied).toEqual(model.applied);
  });

  it('is a no-op when an event it already holds is delivered again after restoring', () => {
    const model = modelOf();
    const { header, chunks } = encodeSnapshot(model, meta);
    const restored = decodeSnapshot(header, chunks);
    for (const { event } of scriptedLifecycles('2021-03-01', 'snap-a')) expect(restored.apply(event)).toBe(false); // new event ids, same streams and versions
    expect(restored.digest()).toBe(model.digest());
  });

  it('refuses a chunk altered, missing or swapped, and offsets that are not offsets', () => {
    const { header, chunks } = encodeSnapshot(modelOf(), meta, 3);
    const altered = chunks.map((c, i) => (i === 1 ? { ...c, data: Buffer.from(c.data).fill(7, 10, 20) } : c));
    expect(() => decodeSnapshot(header, altered)).toThrow(CorruptSnapshot);
    expect(() => decodeSnapshot(header, chunks.slice(1))).toThrow(CorruptSnapshot);
    const rehashed = altered.map((c, i) => (i === 1 ? { ...c, sha256: 'f'.repeat(64) } : c));
    expect(() => decodeSnapshot(header, rehashed)).toThrow(CorruptSnapshot);
    expect(() => decodeSnapshot({ ...header, offsets: { 'callcenter.intake.events.v1/0': 'x' } }, chunks)).toThrow(CorruptSnapshot);
  });
});
