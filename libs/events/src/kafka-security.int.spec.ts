/**
 * One writer per topic, over an authenticated and encrypted connection: a real broker started by this
 * test with KAFKA_SECURITY=sasl-ssl (infra/bin/infra: SCRAM-SHA-512 over TLS, StandardAuthorizer,
 * the users and ACLs of infra/kafka/acls.conf) on its own ports and data folder.
 * KAFKA_SASL_TEST_PORT / KAFKA_SASL_TEST_CONTROLLER_PORT (19392/19393) and KAFKA_SASL_TEST_DATA_DIR move it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { Kafka, KafkaMessage } from 'kafkajs';
import { toKafkaMessage } from './codec';
import { EventConsumer } from './consumer';
import { EventEnvelope } from './envelope';
import { createEventProducer, createKafka, ensureTopics, KafkaSecurity } from './kafka';
import { consumerMetrics } from './metrics';
import { TopicTail } from './tail';
import { deadLetterTopic, TOPICS } from './topics';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../..');
const PORT = process.env.KAFKA_SASL_TEST_PORT ?? '19392';
const CONTROLLER_PORT = process.env.KAFKA_SASL_TEST_CONTROLLER_PORT ?? '19393';
const DATA = process.env.KAFKA_SASL_TEST_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'callcenter-kafka-sasl-'));
const BROKERS = [`127.0.0.1:${PORT}`];
const infraEnv = {
  ...process.env,
  INFRA_DATA_DIR: DATA,
  KAFKA_SECURITY: 'sasl-ssl',
  KAFKA_PORT: PORT,
  KAFKA_CONTROLLER_PORT: CONTROLLER_PORT,
  // Only Kafka: the database and the identity provider are "external" for this script run.
  MONGODB_URI: 'mongodb://127.0.0.1:1',
  OIDC_ISSUER: 'http://127.0.0.1:1',
};
delete (infraEnv as Record<string, string | undefined>).KAFKA_BROKERS;
const infra = (command: string) => run('bash', [join(ROOT, 'infra/bin/infra'), command], { env: infraEnv, maxBuffer: 10_000_000 });

const CA = join(DATA, 'kafka-security/tls/ca.pem');
const passwordOf = (user: string) => readFileSync(join(DATA, 'kafka-security/secrets', `${user}.password`), 'utf8').trim();
const as = (user: string): KafkaSecurity => ({ caFile: CA, sasl: { mechanism: 'scram-sha-512', username: user, password: passwordOf(user) } });
const client = (user: string, security: KafkaSecurity = as(user)): Kafka =>
  createKafka({ brokers: BROKERS, clientId: `${user}-${randomUUID().slice(0, 6)}`, retry: { retries: 2, initialRetryTime: 100 }, ...security });

function envelope(topicOwner: string, producer: string, n: number): EventEnvelope {
  const now = new Date().toISOString();
  return {
    eventId: randomUUID(),
    type: 'ReportNoteAdded',
    schemaVersion: 1,
    streamId: `r-${randomUUID()}`,
    streamVersion: 1,
    occurredAt: now,
    recordedAt: now,
    producer,
    actor: 'system',
    correlationId: `c-${n}`,
    causationId: null,
    data: { reportId: 'x', text: `${topicOwner} ${n}` },
  } as EventEnvelope;
}

async function errorOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected a refusal');
}

async function readAll(kafka: Kafka, topic: string, groupId: string, until: (m: KafkaMessage[]) => boolean, timeoutMs = 30_000) {
  const consumer = kafka.consumer({ groupId });
  const got: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((done) => {
    const timer = setTimeout(done, timeoutMs);
    void consumer.run({
      eachMessage: async ({ message }) => {
        got.push(message);
        if (until(got)) {
          clearTimeout(timer);
          done();
        }
      },
    });
  });
  await consumer.disconnect();
  return got;
}

describe('Kafka over SASL_SSL with ACLs: one writer per topic', () => {
  beforeAll(async () => {
    await infra('start');
    // The event topics exist before any test writes (as the services' start-up would make them).
    const admin = client('admin', { caFile: CA, sasl: { mechanism: 'scram-sha-512', username: 'admin', password: passwordOf('admin') } }).admin();
    await admin.connect();
    await ensureTopics(
      admin,
      Object.values(TOPICS).map((topic) => ({ topic })),
      3,
    );
    await admin.disconnect();
  }, 180_000);

  afterAll(async () => {
    await infra('stop').catch(() => undefined);
    if (!process.env.KAFKA_SASL_TEST_DATA_DIR) rmSync(DATA, { recursive: true, force: true });
  }, 60_000);

  it('triage’s credentials cannot write the dispatch topic: TOPIC_AUTHORIZATION_FAILED', async () => {
    const producer = createEventProducer(client('triage'));
    await producer.connect();
    try {
      const error = await errorOf(producer.send({ topic: TOPICS.dispatch, acks: -1, messages: [toKafkaMessage(envelope('dispatch', 'triage', 1))] }));
      expect(error.type ?? error.cause?.type).toBe('TOPIC_AUTHORIZATION_FAILED');
      // nor the intake topic, which it only reads
      const other = await errorOf(producer.send({ topic: TOPICS.intake, acks: -1, messages: [toKafkaMessage(envelope('intake', 'triage', 2))] }));
      expect(other.type ?? other.cause?.type).toBe('TOPIC_AUTHORIZATION_FAILED');
    } finally {
      await producer.disconnect();
    }
  });

  it('triage can write its own topic', async () => {
    const producer = createEventProducer(client('triage'));
    await producer.connect();
    const [result] = await producer.send({ topic: TOPICS.triage, acks: -1, messages: [toKafkaMessage(envelope('triage', 'triage', 3))] });
    await producer.disconnect();
    expect(result.errorCode).toBe(0);
  });

  it('analytics, which writes nothing, cannot write any event topic', async () => {
    const producer = client('analytics').producer({ allowAutoTopicCreation: false, retry: { retries: 1 } });
    await producer.connect();
    for (const topic of Object.values(TOPICS)) {
      const error = await errorOf(producer.send({ topic, acks: -1, messages: [{ value: 'x' }] }));
      expect(error.type ?? error.cause?.type).toBe('TOPIC_AUTHORIZATION_FAILED');
    }
    await producer.disconnect();
  });

  it('refuses an unauthenticated client, a wrong password and a plaintext connection', async () => {
    // TLS but no SASL: the broker expects the SASL handshake and drops the connection.
    const anonymous = client('anonymous', { caFile: CA }).admin();
    await expect(anonymous.connect().then(() => anonymous.listTopics())).rejects.toThrow();
    await anonymous.disconnect();
    const wrong = client('triage', { caFile: CA, sasl: { mechanism: 'scram-sha-512', username: 'triage', password: 'not-the-password' } }).admin();
    const error = await errorOf(wrong.connect());
    expect(String(error.name) + String(error.message)).toMatch(/SASL|Authentication/i);
    const plaintext = client('plaintext', {}).admin();
    await expect(plaintext.connect().then(() => plaintext.listTopics())).rejects.toThrow();
    await plaintext.disconnect();
  });

  it('a consumer dead-letters an event whose producer is not the topic’s owner and never applies it; a tail refuses it too', async () => {
    // Triage's own credentials put an event on its topic that claims to come from dispatch.
    const producer = createEventProducer(client('triage'));
    await producer.connect();
    const forged = envelope('triage', 'dispatch', 4);
    const genuine = envelope('triage', 'triage', 5);
    await producer.send({ topic: TOPICS.triage, acks: -1, messages: [toKafkaMessage(forged), toKafkaMessage(genuine)] });
    await producer.disconnect();

    const group = `intake-test-${randomUUID().slice(0, 8)}`; // intake's groups are intake-…
    const applied: string[] = [];
    const consumer = new EventConsumer({
      kafka: client('intake'),
      groupId: group,
      topics: [TOPICS.triage],
      handle: async (e) => void applied.push(e.eventId),
      lagIntervalMs: 500,
    });
    const refusedByTail: string[] = [];
    const tailed: string[] = [];
    const tail = new TopicTail({
      kafka: client('analytics'),
      topic: TOPICS.triage,
      since: 'earliest',
      groupPrefix: `analytics-test-${randomUUID().slice(0, 6)}`,
      handle: (events) => void tailed.push(...events.map((e) => e.eventId)),
      onRefused: (r) => void refusedByTail.push(r.error),
    });
    await consumer.start();
    await tail.start();
    try {
      const parked = await readAll(client('intake'), deadLetterTopic(group), `${group}-reader`, (m) =>
        m.some((x) => JSON.parse(String(x.value)).eventId === forged.eventId),
      );
      const copy = parked.find((x) => JSON.parse(String(x.value)).eventId === forged.eventId)!;
      expect(copy).toBeDefined();
      expect(String(copy.headers!['dlt-reason'])).toBe('foreign-producer');
      expect(String(copy.headers!['dlt-error'])).toContain(
        `ForeignProducer: ${TOPICS.triage} is written only by triage, but this event names producer "dispatch"`,
      );
      for (const deadline = Date.now() + 20_000; !(applied.includes(genuine.eventId) && tailed.includes(genuine.eventId)) && Date.now() < deadline;) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(applied).toContain(genuine.eventId);
      expect(applied).not.toContain(forged.eventId);
      expect(tailed).toContain(genuine.eventId);
      expect(tailed).not.toContain(forged.eventId);
      expect(refusedByTail.some((e) => e.includes('names producer "dispatch"'))).toBe(true);
      const dead = await consumerMetrics.deadLettered.get();
      expect(dead.values.find((v) => v.labels.group === group && v.labels.reason === 'foreign-producer')?.value).toBeGreaterThanOrEqual(1);
      // its lag is sampled under its own credentials; handled offsets are committed on a 1 s timer
      let lag = await consumer.sampleLag();
      for (let i = 0; i < 100 && lag.get(TOPICS.triage) !== 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        lag = await consumer.sampleLag();
      }
      expect(lag.get(TOPICS.triage)).toBe(0);
    } finally {
      await tail.stop();
      await consumer.stop();
    }
  });

  it('a service cannot use another service’s consumer group, only its own', async () => {
    const admin = client('analytics').admin({ retry: { retries: 1 } });
    await admin.connect();
    try {
      await expect(admin.fetchOffsets({ groupId: `analytics-${randomUUID().slice(0, 6)}`, topics: [TOPICS.intake] })).resolves.toBeDefined();
      // The broker answers GROUP_AUTHORIZATION_FAILED to FindCoordinator; kafkajs reports it as no coordinator.
      const error = await errorOf(admin.fetchOffsets({ groupId: 'triage-read-models', topics: [TOPICS.intake] }));
      expect(`${error.type ?? ''} ${error.message}`).toMatch(/GROUP_AUTHORIZATION_FAILED|not authorized|group coordinator/i);
    } finally {
      await admin.disconnect();
    }
  });
});
