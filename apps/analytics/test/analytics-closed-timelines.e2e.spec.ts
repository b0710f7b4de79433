import { gunzipSync } from 'node:zlib';
import { toKafkaMessage } from '@callcenter/events';
import { eventually, restClient, servicesForSpec, testToken, uniqueName } from '@callcenter/testing';
import { QUIET_AFTER_RESOLUTION_MS } from '../src/model/analytics-model';
import { SNAPSHOT_SCHEMA_VERSION } from '../src/model/snapshot';
import { restartedGeneration } from './generations';
import { scriptedLifecycles } from './scripted-lifecycles';

const HTTP = 14410;
const ANALYTICS = `http://127.0.0.1:${HTTP}`;
const DAY = new Date(Date.UTC(2013, 0, 1) + Math.floor(Math.random() * 1000) * 86_400_000).toISOString().slice(0, 10);

/**
 * Memory bounded by design (issue 15): a closed report's timeline leaves analytics' memory and its
 * snapshots; it is written to `analytics_timelines` (and `analytics_timeline_additions`) and `GET /reports/{id}/timeline` reads it there.
 */
describe('analytics: closed reports’ timelines in the database (real Kafka and database)', () => {
  const spec = servicesForSpec('e2etl', { analytics: HTTP }, { env: { ANALYTICS_SNAPSHOT_INTERVAL_SECONDS: '1' }, producer: true });
  const db = () => spec.database('analytics');
  const analyst = restClient(ANALYTICS, testToken('an-tl', ['analyst']));
  const script = scriptedLifecycles(DAY, uniqueName('tl'));
  const closing = script.find((s) => s.event.type === 'IncidentClosed')!.event;
  const closedId = (closing.data as { reportId: string }).reportId;
  const eventsOfClosed = script.filter((s) => s.event.streamId === closedId || (s.event.data as { reportId?: string }).reportId === closedId);
  /** Reports whose timelines leave memory: closed, rejected, advice given, merged as a duplicate. */
  const settling = ['IncidentClosed', 'ReportRejected', 'ReportAdviceGiven', 'ReportMarkedDuplicate'];
  const settled = new Set(
    script.filter((s) => settling.includes(s.event.type)).map((s) => (s.event.data as { reportId?: string }).reportId ?? s.event.streamId),
  );
  const rejectedId = script.find((s) => s.event.type === 'ReportRejected')!.event.streamId;
  /** Resolved and never closed: it leaves memory once the model's clock is a day past its resolution (the topics hold other specs' later events). */
  const quiet = script.find((s) => s.event.type === 'IncidentResolved' && !settled.has((s.event.data as { reportId: string }).reportId))!.event;
  const quietId = (quiet.data as { reportId: string }).reportId;
  const openId = script.find((s) => s.event.type === 'ReportReceived' && !settled.has(s.event.streamId) && s.event.streamId !== quietId)!.event.streamId;

  /** The report ids whose timelines a snapshot holds (its 'reports' chunks). */
  const timelinesInSnapshot = async (snapshotId: unknown) => {
    const held: string[] = [];
    for (const chunk of await db().collection('analytics_snapshot_chunks').find({ snapshot: snapshotId }).toArray()) {
      const content = JSON.parse(gunzipSync(chunk.data.buffer).toString('utf8'));
      // An item: [fact, timeline], or [null, timeline, report id] for a report with no fact.
      if (content.kind === 'reports') for (const [fact, timeline, id] of content.items) if (timeline) held.push(fact?.reportId ?? id);
    }
    return held;
  };

  it('answers a closed report’s whole timeline from the database after it left memory, also after a restart from a snapshot', async () => {
    for (const { topic, event } of script) await spec.producer.send({ topic, acks: -1, messages: [toKafkaMessage(event)] });
    // Its whole timeline at settling, and any entries that came after it (another topic read later).
    const inDatabase = () =>
      Promise.all(
        ['analytics_timelines', 'analytics_timeline_additions'].map((c) =>
          db()
            .collection(c)
            .findOne({ _id: closedId as never }),
        ),
      );
    const [whole, added] = await eventually(inDatabase, ([w, a]) => (w?.version ?? 0) + (a?.version ?? 0) === eventsOfClosed.length, 30_000);
    expect(whole).not.toBeNull();
    expect((whole?.version ?? 0) + (added?.version ?? 0)).toBe(eventsOfClosed.length);
    const first = await analyst.get(`/api/v1/reports/${closedId}/timeline`);
    expect(first.status).toBe(200);
    expect(first.body.events.map((e: { type: string }) => e.type).sort()).toEqual(eventsOfClosed.map((s) => s.event.type).sort());

    // The snapshot holds open reports' timelines only.
    const seen = new Date().toISOString();
    const snapshot = await eventually(
      async () => (await db().collection('analytics_snapshots').find({ complete: true }).sort({ takenAt: -1 }).limit(1).toArray())[0],
      (s) => !!s && s.takenAt > seen,
      15_000,
    );
    expect(snapshot.schemaVersion).toBe(SNAPSHOT_SCHEMA_VERSION);
    const held = await timelinesInSnapshot(snapshot._id);
    expect(held).toContain(openId);
    expect(held).not.toContain(closedId);
    expect(held).not.toContain(rejectedId);
    expect(held.filter((id) => settled.has(id))).toEqual([]);
    expect(held.includes(quietId)).toBe(snapshot.clock < Date.parse(quiet.occurredAt) + QUIET_AFTER_RESOLUTION_MS);

    expect(await restartedGeneration(db(), () => spec.restart('analytics'))).toMatchObject({ reason: 'snapshot' });
    const again = await analyst.get(`/api/v1/reports/${closedId}/timeline`);
    expect(again.status).toBe(200);
    expect(again.body.events).toEqual(first.body.events);
    expect((await analyst.get(`/api/v1/reports/${openId}/timeline`)).status).toBe(200);
    expect((await analyst.get(`/api/v1/reports/${rejectedId}/timeline`)).body.events.at(-1).type).toBe('ReportRejected');

    // Read from the database, not from memory: without its documents the report has no timeline.
    for (const c of ['analytics_timelines', 'analytics_timeline_additions'])
      await db()
        .collection(c)
        .deleteOne({ _id: closedId as never });
    expect((await analyst.get(`/api/v1/reports/${closedId}/timeline`)).status).toBe(404);
  });
});
