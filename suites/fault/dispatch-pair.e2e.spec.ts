import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dispatchEvents, EventEnvelope, EventRegistry, MongoEventStore, toKafkaMessage, TOPICS, UnitCommitted } from '@callcenter/events';
import { eventually, holdsFor, reportForwarded, restClient, servicesForSpec, testToken, uniqueName } from '@callcenter/testing';

/**
 * Two dispatch instances on one database and topic. Each sees the other's commands only through
 * Kafka, so its board may hold a unit's commitment before the incident's assignment (a late event),
 * or nothing of the other's work at all (a broker outage). Instance B's clock also runs ahead, so a
 * commitment looks older to it than it is. Across a broker outage longer than the orphan grace, with
 * assignments going on throughout, no unit is released as orphaned while its incident holds it, and
 * a unit an incident holds can never be assigned to another one (no double booking).
 */
const PORT = { a: 14601, b: 14602 };
const GRACE_SECONDS = 5;
const SKEW_MS = 30_000;
const UNITS = 8;
const say = (text: string) => process.stdout.write(`[dispatch pair ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Preloaded into instance B: every clock read runs SKEW_MS ahead (what NTP drift would do). */
const CLOCK_AHEAD = `
const Real = Date;
const skew = Number(process.env.CLOCK_SKEW_MS || 0);
function Skewed(...args) {
  if (!new.target) return new Real(Real.now() + skew).toString();
  return args.length ? new Real(...args) : new Real(Real.now() + skew);
}
Skewed.prototype = Real.prototype;
Skewed.now = () => Real.now() + skew;
Skewed.parse = Real.parse;
Skewed.UTC = Real.UTC;
globalThis.Date = Skewed;
`;

describe('two dispatch instances across a Kafka outage longer than the orphan grace', () => {
  const preload = join(tmpdir(), `clock-ahead-${randomUUID()}.js`);
  writeFileSync(preload, CLOCK_AHEAD);
  const env = {
    DISPATCH_ORPHAN_GRACE_SECONDS: String(GRACE_SECONDS),
    DISPATCH_TIMER_INTERVAL_MS: '100',
    DISPATCH_ACK_TIMEOUT_SECONDS: '3600',
    OUTBOX_RECOVERY_INTERVAL_MS: '1000',
  };
  const spec = servicesForSpec(
    'pair',
    { a: [PORT.a, {}, 'dispatch'], b: [PORT.b, { CLOCK_SKEW_MS: String(SKEW_MS), NODE_OPTIONS: `--require ${preload}` }, 'dispatch'] },
    { env, producer: true },
  );
  afterAll(() => rmSync(preload, { force: true })); // after the services' own afterAll: instance b loads it at every start
  const token = testToken('dsp-andi', ['dispatcher']);
  const viaA = restClient(`http://127.0.0.1:${PORT.a}`, token);
  const viaB = restClient(`http://127.0.0.1:${PORT.b}`, token);

  async function streamEvents(streamId: string): Promise<EventEnvelope[]> {
    const commits = await spec.database('dispatch').collection('event_commits').find({ streamId }).toArray();
    return commits.sort((x, y) => x.base - y.base).flatMap((c) => c.events as EventEnvelope[]);
  }

  /** A P1 forward as triage publishes it; answers the incident once instance A has opened it. */
  async function p1Incident(): Promise<string> {
    const event = reportForwarded(
      'P1',
      { latitude: -6.2297 + Math.random() * 0.01, longitude: 106.8532 },
      { category: 'KEJAHATAN', description: 'Begal bersenjata tajam, korban terluka', peopleInjured: 1 },
    );
    const reportId = event.streamId;
    await spec.producer.send({ topic: TOPICS.triage, acks: -1, messages: [toKafkaMessage(event)] });
    const found = await eventually(
      () => viaA.get(`/api/v1/incidents?reportId=${reportId}`),
      (r) => r.body.total === 1,
      30_000,
    );
    return found.body.items[0].incidentId;
  }

  it('never releases a unit its incident holds, and never double-books one', async () => {
    const units: string[] = [];
    for (let k = 0; k < UNITS; k++) {
      const callSign = `PATROL-${uniqueName('P').split('-')[1].toUpperCase()}`;
      expect((await viaA.post('/api/v1/units', { callSign, type: 'PATROL_CAR', capabilities: [], homeDistrict: 'TEBET', onShift: true })).status).toBe(201);
      units.push(callSign);
    }
    const pool = await Promise.all(Array.from({ length: UNITS * 10 }, () => p1Incident()));
    const holding = new Map<string, string>(); // unit → incident that holds it, as the dispatchers did it
    const next = () => pool.shift()!;
    /** A dispatcher on instance A gives the unit a new P1 (the first time, or after the last one was called off). */
    const move = async (unitId: string) => {
      const previous = holding.get(unitId);
      if (previous) {
        expect((await viaA.post(`/api/v1/incidents/${previous}/resolve`, { outcome: 'CANCELLED', summary: 'Pelapor membatalkan' })).status).toBe(200);
      }
      const incidentId = next();
      const assigned = await viaA.post(`/api/v1/incidents/${incidentId}/assign`, { unitId });
      expect(assigned.status).toBe(200);
      holding.set(unitId, incidentId);
    };

    say('assigning with the broker up');
    for (let round = 0; round < 6; round++) {
      // Several dispatchers at once: the relay publishes their units' commits and their incidents'
      // assignments in separate rounds, which B's board applies (and its timers see) in between.
      await Promise.all(units.map((unitId) => move(unitId)));
      await sleep(150);
    }
    say('broker outage, assignments go on');
    const outage = run('bash', ['infra/bin/infra', 'restart-kafka'], { env: process.env, timeout: 120_000 });
    let outageOver = false;
    void outage.finally(() => (outageOver = true));
    // Half the units move on during the outage; the other half stay on their first P1 throughout.
    const movers = units.slice(0, UNITS / 2);
    for (let k = 0; !outageOver; k = (k + 1) % movers.length) {
      if (pool.length > UNITS + 3) await move(movers[k]);
      await sleep(300);
    }
    await outage;
    say('broker back; waiting past the grace for both boards to catch up');
    await sleep((GRACE_SECONDS + 5) * 1000);
    for (const unitId of units.slice(0, 3)) await move(unitId);
    await sleep((GRACE_SECONDS + 3) * 1000);

    // A dispatcher on instance B tries every held unit on a spare P1: each must be refused.
    const doubleBooked: string[] = [];
    for (const unitId of units) {
      const spare = next();
      const answer = await viaB.post(`/api/v1/incidents/${spare}/assign`, { unitId });
      if (answer.status === 200) doubleBooked.push(`${unitId} on ${holding.get(unitId)} and ${spare}`);
      else expect(answer.status).toBe(409);
    }
    const orphanReleases: string[] = [];
    for (const unitId of units) {
      for (const e of await streamEvents(unitId)) {
        if (e.type === 'UnitReleased' && (e.data as any).reason === 'ORPHANED') orphanReleases.push(`${unitId} from ${(e.data as any).incidentId}`);
      }
    }
    say(`orphan releases: ${orphanReleases.length}; double bookings: ${doubleBooked.length}`);
    expect(orphanReleases).toEqual([]);
    expect(doubleBooked).toEqual([]);
    // The store agrees with the dispatchers: each unit committed to the incident that holds it.
    for (const unitId of units) {
      const incident = (await viaA.get(`/api/v1/incidents/${holding.get(unitId)}`)).body;
      expect(incident).toMatchObject({ status: 'ASSIGNED', assignment: { unitId } });
      const last = (await streamEvents(unitId)).filter((e) => e.type === 'UnitCommitted' || e.type === 'UnitReleased').at(-1);
      expect(last).toMatchObject({ type: 'UnitCommitted', data: { incidentId: holding.get(unitId) } });
    }
  });

  it("still releases a real orphan (a crash between the unit's and the incident's append) once, after the grace", async () => {
    const callSign = `PATROL-${uniqueName('O').split('-')[1].toUpperCase()}`;
    expect((await viaA.post('/api/v1/units', { callSign, type: 'PATROL_CAR', capabilities: [], homeDistrict: 'TEBET', onShift: true })).status).toBe(201);
    const incidentId = await p1Incident();
    // What a dispatch instance killed between the two appends leaves: the unit committed, the incident not.
    const store = new MongoEventStore(spec.database('dispatch'), {
      producer: 'dispatch',
      topic: TOPICS.dispatch,
      registry: new EventRegistry(dispatchEvents),
    });
    const { version } = await store.readStream(callSign);
    const committedAt = new Date().toISOString();
    await store.append(callSign, version, [UnitCommitted({ unitId: callSign, incidentId, reportId: randomUUID(), committedAt })], {
      actor: 'dsp-andi',
      correlationId: uniqueName('corr'),
      now: new Date(),
    });
    const released = await eventually(
      () => streamEvents(callSign),
      (events) => events.some((e) => e.type === 'UnitReleased'),
      (GRACE_SECONDS + 25) * 1000,
    );
    // Both instances' sweepers run: in two more seconds neither releases the unit a second time.
    const releases = await holdsFor(
      async () => (await streamEvents(callSign)).filter((e) => e.type === 'UnitReleased'),
      (r) => r.length === 1,
      2_000,
      300,
    );
    expect(releases).toEqual([expect.objectContaining({ actor: 'system', data: expect.objectContaining({ reason: 'ORPHANED', incidentId }) })]);
    expect(Date.parse(released.find((e) => e.type === 'UnitReleased')!.recordedAt) - Date.parse(committedAt)).toBeGreaterThanOrEqual(GRACE_SECONDS * 1000);
    expect((await viaB.post(`/api/v1/incidents/${incidentId}/assign`, { unitId: callSign })).status).toBe(200);
  });
});
