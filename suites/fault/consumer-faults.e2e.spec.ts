import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Admin, Message } from 'kafkajs';
import { EventEnvelope, readWholeTopic, toKafkaMessage, TOPICS } from '@callcenter/events';
import { steadyLoad } from './steady-load';
import { consumerGroupCaughtUp, eventually, missingFromQueue, restClient, servicesForSpec, testKafka, testToken, uniqueName } from '@callcenter/testing';

/**
 * Fault suite, consumers (issue 14): under steady load,
 * - a poison event on each topic (an envelope from the topic's owner whose data is empty, and bytes
 *   that are not JSON) must not stop any consumer group or in-memory view: each is refused, counted
 *   and dead-lettered, and everything after it is handled;
 * - a database outage longer than the consumers' session timeout (15 s), while the consumers have
 *   work (redelivered copies of events, as after a rebalance), must not evict them: every group
 *   keeps its members (no rebalance), and when the database is back everything is handled once.
 * At the end: every acknowledged report stored once by intake, opened once by triage, and seen once
 * by analytics (its view follows every topic), 0 lost and 0 duplicated.
 * Ports 14501–14505. FAULT_DB_OUTAGE_SECONDS (22) sets the outage.
 */
const RATE = Number(process.env.FAULT_RATE ?? 2); // reports per second
const SECONDS = Number(process.env.FAULT_CONSUMER_SECONDS ?? 45);
const OUTAGE_SECONDS = Number(process.env.FAULT_DB_OUTAGE_SECONDS ?? 22);
const PORT = { intake: 14501, triage: 14502, dispatch: 14503, analytics: 14504 };
const GRPC_PORT = 14505;
const ROOT = resolve(__dirname, '../..');
const GROUPS = ['triage-case-opener', 'triage-read-models', 'dispatch-incident-opener', 'dispatch-read-models', 'intake-report-status'];
const say = (text: string) => process.stdout.write(`[consumer faults ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A well-formed envelope from the topic's own producer, with nothing in it: JSON, but invalid. Built
 * by hand on purpose (envelopeOf would not let its data be empty): the consumers must dead-letter it.
 */
function poison(topic: string, producer: string, type: string): Message {
  const now = new Date().toISOString();
  const envelope: EventEnvelope = {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    streamId: randomUUID(),
    streamVersion: 1,
    occurredAt: now,
    recordedAt: now,
    producer,
    actor: 'system',
    correlationId: randomUUID(),
    causationId: null,
    data: {},
  };
  return toKafkaMessage(envelope);
}

/** The database down (not restarted at once): the process stopped, or its container. */
async function databaseDown(): Promise<void> {
  const container = process.env.TEST_INFRA_DB_CONTAINER;
  if (container) {
    await run('docker', ['stop', '-t', '10', container]);
    return;
  }
  const pidFile = join(process.env.INFRA_DATA_DIR ?? join(ROOT, '.data'), 'run', 'db.pid');
  await run('bash', [
    '-c',
    `pid=$(cat '${pidFile}'); kill -TERM "$pid"; for i in $(seq 150); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.2; done; kill -KILL "$pid"`,
  ]);
}

async function databaseUp(): Promise<void> {
  const container = process.env.TEST_INFRA_DB_CONTAINER;
  await run('bash', ['infra/bin/infra', 'restart-db'], { cwd: ROOT, env: container ? process.env : { ...process.env }, timeout: 120_000 }).catch(async (e) => {
    if (!container) throw e;
    await run('docker', ['start', container]);
  });
}

/** Each group's members by id: a member that was evicted and rejoined comes back with a new id. */
async function membersOf(admin: Admin): Promise<Record<string, string[]>> {
  const { groups } = await admin.describeGroups(GROUPS);
  return Object.fromEntries(groups.map((g) => [g.groupId, g.members.map((m) => m.memberId).sort()]));
}

function metric(text: string, name: string, labels: Record<string, string>): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('fault suite, consumers: a poison event on each topic and a database outage longer than the session timeout lose and duplicate nothing', () => {
  let admin: Admin;
  let databaseIsDown = false;
  // Before the services' afterAll, which stops them and drops their databases.
  afterAll(async () => {
    if (databaseIsDown) await databaseUp().catch((e) => say(`could not bring the database back: ${e}`));
    await admin?.disconnect();
  });
  const spec = servicesForSpec('cfault', PORT, {
    env: { OUTBOX_RECOVERY_INTERVAL_MS: '1000', LOG_LEVEL: 'warn' },
    intakeGrpc: GRPC_PORT,
    alsoDrop: ['keyvault'],
  });
  const procs = spec.running;

  beforeAll(async () => {
    admin = spec.kafka.admin();
    await admin.connect();
  });

  it('refuses each poison event without stopping anything, keeps every consumer in its group through the outage, and handles every report once', async () => {
    const kafka = testKafka();
    const producer = kafka.producer();
    await producer.connect();
    const tag = uniqueName('cf');
    const load = steadyLoad(spec.grpcIntake, {
      tag,
      rate: RATE,
      seconds: SECONDS,
      retryMs: 500,
      report: () => ({ category_hint: 'KEJAHATAN', description: 'Pencurian motor di depan minimarket', people_injured: 0 }),
    });
    const { acknowledged, counts } = load;

    await sleep(4_000);
    // Work for the consumers while the database is away: copies of events already handled (taken
    // before the poison events), as a rebalance or a relay's retry redelivers them. Each group must
    // read the database to see that they change nothing.
    const handledBefore = async (topic: string) =>
      (await readWholeTopic(kafka, topic))
        .filter((m) => /"reportId":"[0-9a-f-]{36}"/.test(m.value?.toString() ?? ''))
        .slice(-10)
        .map((m) => ({ topic, m }));
    const redeliveries = [...(await handledBefore(TOPICS.intake)), ...(await handledBefore(TOPICS.triage))];
    // Views read some history at start (poison events of earlier runs too): count from here.
    const metrics = async (s: keyof typeof PORT) => (await fetch(`http://127.0.0.1:${PORT[s]}/metrics`)).text();
    const scrape = async () =>
      Object.fromEntries(await Promise.all((Object.keys(PORT) as (keyof typeof PORT)[]).map(async (s) => [s, await metrics(s)] as const)));
    const baseline = await scrape();
    say('a poison event on each topic');
    await producer.send({
      topic: TOPICS.intake,
      messages: [poison(TOPICS.intake, 'intake', 'ReportReceived'), { key: 'garbage', value: '{"not": "an envelope"' }],
    });
    await producer.send({ topic: TOPICS.triage, messages: [poison(TOPICS.triage, 'triage', 'TriageCaseOpened')] });
    await producer.send({ topic: TOPICS.dispatch, messages: [poison(TOPICS.dispatch, 'dispatch', 'IncidentOpened')] });

    await sleep(4_000);
    const before = await membersOf(admin);
    say(`database down for ${OUTAGE_SECONDS} s; groups: ${JSON.stringify(Object.fromEntries(Object.entries(before).map(([g, m]) => [g, m.length])))}`);
    databaseIsDown = true;
    await databaseDown();
    const down = Date.now();
    for (const { topic, m } of redeliveries)
      await producer.send({ topic, messages: [{ key: m.key, value: m.value, headers: m.headers, partition: m.partition }] });
    await sleep(Math.max(0, OUTAGE_SECONDS * 1000 - (Date.now() - down)));
    await databaseUp();
    databaseIsDown = false;
    say(`database back after ${Math.round((Date.now() - down) / 1000)} s`);

    await load.done;
    await producer.disconnect();
    const { sent, retries } = counts;
    say(`${sent} sent, ${acknowledged.size} acknowledged after ${retries} client retries`);
    const reportIds = [...acknowledged.values()];
    expect(acknowledged.size).toBe(sent);
    expect(new Set(reportIds).size).toBe(sent);

    // Every report stored once by intake and opened once by triage.
    const commitsOf = (service: 'intake' | 'triage') =>
      spec
        .database(service)
        .collection('event_commits')
        .countDocuments({ _id: { $in: reportIds.map((id) => `${id}#0`) } as any });
    expect(await commitsOf('intake')).toBe(sent);
    const opened = await eventually(
      () => commitsOf('triage'),
      (n) => n === sent,
      120_000,
      1_000,
    ).catch(async (e) => {
      // Seen once in CI (triage opened none of the reports after the outage): tell whether intake's
      // relay published them, and keep what intake and triage said.
      const onTopic = (await readWholeTopic(kafka, TOPICS.intake)).map((m) => m.value?.toString() ?? '');
      const published = reportIds.filter((id) => onTopic.some((value) => value.includes(id))).length;
      say(`triage fell short: ${published} of ${sent} reports are on the intake topic`);
      for (const service of ['intake', 'triage'] as const) say(`the tail of ${service}'s log:\n${procs[service].output().slice(-6_000)}`);
      throw e;
    });
    expect(opened).toBe(sent);
    await consumerGroupCaughtUp(kafka, 'triage-case-opener', [TOPICS.intake], 120_000);
    await consumerGroupCaughtUp(kafka, 'dispatch-read-models', [TOPICS.dispatch], 60_000);

    // No consumer was evicted by the outage: every group has the members it had (no rebalance).
    expect(await membersOf(admin)).toEqual(before);

    // Analytics' view follows every topic: it went on after the poison events and holds each report once.
    const analyst = restClient(`http://127.0.0.1:${PORT.analytics}`, testToken('an-cfault', ['analyst']));
    const timelineOf = async (id: string) => ((await analyst.get(`/api/v1/reports/${id}/timeline`)).body.events ?? []).map((e: any) => e.type);
    for (const id of reportIds) {
      const types = await eventually(
        () => timelineOf(id),
        (t) => t.includes('TriageCaseOpened'),
        60_000,
        500,
      );
      expect(types.filter((t: string) => t === 'ReportReceived')).toHaveLength(1);
      expect(types.filter((t: string) => t === 'TriageCaseOpened')).toHaveLength(1);
    }
    // Triage's queue shows them.
    const operator = restClient(`http://127.0.0.1:${PORT.triage}`, testToken('op-cfault', ['operator']));
    expect(await missingFromQueue(operator, reportIds)).toEqual([]);
    // The dispatch board and its read models go on after the poison event: a unit registered now is seen.
    const dispatcher = restClient(`http://127.0.0.1:${PORT.dispatch}`, testToken('dsp-cfault', ['dispatcher']));
    const callSign = `CF-${tag.slice(3, 9).toUpperCase()}`;
    expect((await dispatcher.post('/api/v1/units', { callSign, type: 'PATROL_CAR', homeDistrict: 'TEBET', onShift: true })).status).toBe(201);
    await eventually(
      () => spec.database('dispatch').collection('dispatch_units').countDocuments({ callSign }),
      (n) => n === 1,
      30_000,
      500,
    );

    // Each poison event was refused and counted by every consumer group and view of its topic.
    const now = await scrape();
    const [triage, dispatch, analytics, intake] = (['triage', 'dispatch', 'analytics', 'intake'] as const).map((s) => ({ now: now[s], before: baseline[s] }));
    const delta = (texts: { now: string; before: string }, name: string, labels: Record<string, string>) =>
      metric(texts.now, name, labels) - metric(texts.before, name, labels);
    const parked = (texts: { now: string; before: string }, group: string, topic: string, reason = 'invalid') =>
      delta(texts, 'callcenter_events_dead_lettered_total', { group, topic, reason });
    const refused = (texts: { now: string; before: string }, view: string, topic: string, reason = 'invalid') =>
      delta(texts, 'callcenter_view_events_refused_total', { view, topic, reason });
    expect(parked(triage, 'triage-case-opener', TOPICS.intake)).toBe(1);
    expect(parked(triage, 'triage-case-opener', TOPICS.intake, 'undecodable')).toBe(1);
    expect(parked(triage, 'triage-read-models', TOPICS.triage)).toBe(1);
    expect(parked(dispatch, 'dispatch-incident-opener', TOPICS.triage)).toBe(1);
    expect(parked(dispatch, 'dispatch-read-models', TOPICS.dispatch)).toBe(1);
    expect(parked(intake, 'intake-report-status', TOPICS.dispatch)).toBe(1);
    expect(refused(triage, 'triage-queue-live', TOPICS.triage)).toBe(1);
    expect(refused(dispatch, 'dispatch-board-live', TOPICS.dispatch)).toBe(1);
    for (const topic of [TOPICS.intake, TOPICS.triage, TOPICS.dispatch]) expect(refused(analytics, 'analytics-g1', topic)).toBe(1);
    // and logged at error level with its topic, key, event type and reason
    expect(procs.triage.errors()).toMatch(
      /dead-lettered callcenter\.intake\.events\.v1\/\d+@\d+.*eventType\\?":\\?"ReportReceived\\?",\\?"reason\\?":\\?"invalid/,
    );

    for (const name of Object.keys(PORT) as (keyof typeof PORT)[]) expect((await fetch(`http://127.0.0.1:${PORT[name]}/health/ready`)).status).toBe(200);
    process.stdout.write(
      `consumer fault suite: ${sent} reports sent, ${acknowledged.size} acknowledged, 0 lost, 0 duplicated, ${retries} client retries; poison events: 4 on 3 topics; database outage ${OUTAGE_SECONDS} s with ${redeliveries.length} redelivered events; no group rebalanced\n`,
    );
  }, 300_000);
});
