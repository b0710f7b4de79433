import { EventEnvelope, toKafkaMessage } from '@callcenter/events';
import { eventually, restClient, servicesForSpec, testToken, uniqueName } from '@callcenter/testing';
import { SNAPSHOT_SCHEMA_VERSION } from '../src/model/snapshot';
import { latestGeneration, restartedGeneration } from './generations';
import { scriptedLifecycles } from './scripted-lifecycles';

const HTTP = 14401;
const ANALYTICS = `http://127.0.0.1:${HTTP}`;
const dayOf = (offsetDays: number) => new Date(Date.UTC(2012, 0, 1) + offsetDays * 86_400_000).toISOString().slice(0, 10);
const SEED = Math.floor(Math.random() * 1000);
const [A, B] = [dayOf(SEED), dayOf(SEED + 1100)];
const range = (day: string) =>
  `from=${encodeURIComponent(`${day}T00:00:00Z`)}&to=${encodeURIComponent(new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString())}`;

/**
 * Snapshots (issue 15): analytics resumes from the latest snapshot at the offsets it recorded and
 * answers what a rebuild from offset 0 answers; a corrupt or old-version snapshot is ignored and it
 * rebuilds from offset 0.
 */
describe('analytics snapshots (real Kafka and database; the service restarted)', () => {
  const spec = servicesForSpec('e2esnap', { analytics: HTTP }, { env: { ANALYTICS_SNAPSHOT_INTERVAL_SECONDS: '1' }, producer: true });
  const db = () => spec.database('analytics');
  const tag = uniqueName('snap');
  const analyst = restClient(ANALYTICS, testToken('an-snap', ['analyst']));
  const admin = restClient(ANALYTICS, testToken('adm-snap', ['admin']));
  const copyA = scriptedLifecycles(A, `${tag}-a`);
  const copyB = scriptedLifecycles(B, `${tag}-b`);

  const publish = async (items: { topic: string; event: EventEnvelope }[]) => {
    for (const { topic, event } of items) await spec.producer.send({ topic, acks: -1, messages: [toKafkaMessage(event)] });
  };
  const everyTable = async (day: string) =>
    Object.fromEntries(
      await Promise.all(
        ['volume', 'durations', 'load', 'staffing', 'hotspots', 'workload'].map(async (name) => [
          name,
          (await analyst.get(`/api/v1/stats/${name}?${range(day)}`)).body,
        ]),
      ),
    );
  const latestSnapshot = async () => (await db().collection('analytics_snapshots').find({ complete: true }).sort({ takenAt: -1 }).limit(1).toArray())[0];
  /** How many events the topics hold past the given "topic/partition" → next offset positions. */
  const eventsAfter = async (offsets: Record<string, string>) => {
    const kafkaAdmin = spec.kafka.admin();
    await kafkaAdmin.connect();
    try {
      let count = 0;
      for (const topic of new Set(Object.keys(offsets).map((k) => k.slice(0, k.lastIndexOf('/'))))) {
        for (const p of await kafkaAdmin.fetchTopicOffsets(topic)) count += Number(p.high) - Number(offsets[`${topic}/${p.partition}`] ?? p.low);
      }
      return count;
    } finally {
      await kafkaAdmin.disconnect();
    }
  };
  const restart = () => restartedGeneration(db(), () => spec.restart('analytics'));
  /** The same numbers for both days and the same digest of every read model as a rebuild from offset 0 in the same process. */
  const expectSameAsRebuildFromZero = async () => {
    const restored = { a: await everyTable(A), b: await everyTable(B), digest: (await latestGeneration(db())).digest };
    const started = await admin.post('/api/v1/admin/rebuild');
    expect(started.status).toBe(202);
    await eventually(
      () => admin.get('/api/v1/admin/rebuild'),
      (r) => r.body.rebuild?.state === 'SWITCHED' && r.body.currentGeneration === started.body.generation,
      60_000,
    );
    const rebuilt = await latestGeneration(db());
    expect(rebuilt).toMatchObject({ _id: started.body.generation, reason: 'rebuild', snapshotTakenAt: null });
    expect({ a: await everyTable(A), b: await everyTable(B), digest: rebuilt.digest }).toEqual(restored);
    // The next start resumes from what the rebuild found (same number of events, another generation).
    await eventually(latestSnapshot, (s) => s?.generation === rebuilt._id, 15_000);
    return restored;
  };

  it('restarts from its snapshot, reads only what came after its offsets, and answers what a rebuild from offset 0 answers', async () => {
    await publish(copyA);
    await eventually(
      () => analyst.get(`/api/v1/stats/volume?${range(A)}`),
      (r) => r.body.total === 8 && r.body.byState?.CLOSED === 1 && r.body.byState?.DISPATCHED === 1,
      30_000,
    );
    const seen = new Date().toISOString();
    const snapshot = await eventually(latestSnapshot, (s) => !!s && s.takenAt > seen, 15_000);
    expect(snapshot).toMatchObject({ schemaVersion: SNAPSHOT_SCHEMA_VERSION, complete: true });
    await spec.running.analytics.stop();
    await publish(copyB); // while analytics is down: only the tail after the snapshot's offsets has it
    const generation = await restart();
    expect(generation).toMatchObject({ reason: 'snapshot', snapshotTakenAt: snapshot.takenAt });
    // It read what came after the snapshot's offsets: copy B, and whatever else the shared topics
    // received meanwhile (other suites' services on the same broker), never the history before them.
    const afterOffsets = await eventsAfter(snapshot.offsets);
    expect(generation.read).toBeGreaterThanOrEqual(copyB.length);
    expect(generation.read).toBeLessThanOrEqual(afterOffsets);
    expect((await analyst.get(`/api/v1/stats/volume?${range(B)}`)).body.total).toBe(8);
    const timeline = await analyst.get(`/api/v1/reports/${copyA[0].event.streamId}/timeline`);
    expect(timeline.status).toBe(200);
    await expectSameAsRebuildFromZero();
  });

  it('ignores a corrupt snapshot (its last chunk lost) and rebuilds from offset 0, then snapshots again', async () => {
    const before = await everyTable(A);
    await spec.running.analytics.stop();
    const snapshot = await latestSnapshot();
    const removed = await db()
      .collection('analytics_snapshot_chunks')
      .deleteOne({ snapshot: snapshot._id, index: snapshot.chunks - 1 });
    expect(removed.deletedCount).toBe(1);
    expect(await restart()).toMatchObject({ reason: 'start', snapshotTakenAt: null });
    expect(await everyTable(A)).toEqual(before);
    await eventually(latestSnapshot, (s) => !!s && !s._id.equals(snapshot._id), 15_000);
  });

  it('ignores a snapshot of an older schema version and rebuilds from offset 0', async () => {
    const before = await everyTable(B);
    await spec.running.analytics.stop();
    await db()
      .collection('analytics_snapshots')
      .updateMany({}, { $set: { schemaVersion: 0 } });
    expect(await restart()).toMatchObject({ reason: 'start', snapshotTakenAt: null });
    expect(await everyTable(B)).toEqual(before);
    await expectSameAsRebuildFromZero();
  });
});
