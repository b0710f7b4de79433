import { randomUUID } from 'node:crypto';
import { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { createKafka, whileBrokerSettles } from '@callcenter/events';

/** The real servers the tests run against (started by scripts/test.sh or pointed to by env). */
export function testInfra() {
  return {
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(','),
    mongoUri: process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:37017',
  };
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A database name (or a service's MONGODB_DB_PREFIX) no other run uses: `<prefix>_<random>`. */
export const uniqueDbName = (prefix: string): string => uniqueName(prefix).replace(/-/g, '_');

export function testKafka(clientId = uniqueName('test')): Kafka {
  return createKafka({ brokers: testInfra().brokers, clientId });
}

export async function testMongo(): Promise<MongoClient> {
  return new MongoClient(testInfra().mongoUri, { serverSelectionTimeoutMS: 5_000 }).connect();
}

export async function deleteTopics(admin: Admin, topics: string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const present = topics.filter((t) => existing.has(t));
  if (present.length) await admin.deleteTopics({ topics: present, timeout: 10_000 }).catch(() => undefined);
}

export interface ReceivedMessage {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/**
 * Reads a topic from the beginning with an independent client (its own throw-away group) until
 * `until(received)` holds or the timeout passes; returns what it read either way.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  until: (received: ReceivedMessage[]) => boolean,
  timeoutMs = 20_000,
  /** Keep only these (and test `until` only when one arrives), so long topics stay cheap to scan. */
  keep: (message: KafkaMessage) => boolean = () => true,
): Promise<ReceivedMessage[]> {
  const groupId = uniqueName('reader');
  const consumer = kafka.consumer({ groupId });
  const received: ReceivedMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    consumer.run({
      eachMessage: async ({ topic: t, partition, message }) => {
        if (!keep(message)) return;
        received.push({ topic: t, partition, message });
        if (until(received)) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteGroups([groupId]).catch(() => undefined);
  await admin.disconnect();
  return received;
}

/** A value as a failure message shows it: JSON, cut short. */
export function abbreviated(value: unknown, max = 500): string {
  let text: string;
  try {
    text = value instanceof Error ? `${value.name}: ${value.message}` : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

/** What a predicate awaits, from its source (`(r) => r.status === 200`), on one line. */
function describeCondition(ok: (v: never) => boolean): string {
  const source = ok.toString().replace(/\s+/g, ' ');
  return source.length > 200 ? `${source.slice(0, 200)}…` : source;
}

/** Thrown by `eventually` and `holdsFor`; `last` is the last value the check gave. */
export class ConditionFailed<T> extends Error {
  constructor(
    message: string,
    readonly last: T,
  ) {
    super(message);
    this.name = 'ConditionFailed';
  }
}

/**
 * Polls until the check passes and returns that value; throws ConditionFailed (naming the
 * condition and the last value, abbreviated) when the time is up, so awaiting it is an assertion.
 */
export async function eventually<T>(check: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await check();
  while (!ok(value)) {
    if (Date.now() >= deadline) {
      throw new ConditionFailed(`eventually: ${describeCondition(ok)} did not hold within ${timeoutMs} ms; last value: ${abbreviated(value)}`, value);
    }
    await new Promise((r) => setTimeout(r, everyMs));
    value = await check();
  }
  return value;
}

/**
 * The opposite wait: something must NOT happen. Polls for the whole `forMs` and throws
 * ConditionFailed as soon as the check fails (e.g. a second timer event, a redelivered copy);
 * returns the last value when it held throughout.
 */
export async function holdsFor<T>(check: () => Promise<T>, ok: (v: T) => boolean, forMs: number, everyMs = 100): Promise<T> {
  const until = Date.now() + forMs;
  for (;;) {
    const value = await check();
    if (!ok(value)) throw new ConditionFailed(`holdsFor: ${describeCondition(ok)} stopped holding within ${forMs} ms; value: ${abbreviated(value)}`, value);
    if (Date.now() >= until) return value;
    await new Promise((r) => setTimeout(r, Math.min(everyMs, Math.max(0, until - Date.now()))));
  }
}

export interface RunningService {
  name: string;
  pid: number;
  /** The last 20,000 characters it printed: for diagnostics when something failed. */
  output: () => string;
  /**
   * Every line it logged at error or fatal level, from spawn on (at most 2 MB). A test that checks
   * that something was logged reads these, not output(): a database outage's warnings can push an
   * earlier error line out of the output's tail.
   */
  errors: () => string;
  /** SIGTERM and wait for a clean exit (killed, and a failure, after 60 s). */
  stop: () => Promise<number | null>;
  /** SIGKILL: a crash, nothing is flushed. */
  kill: () => Promise<void>;
  /** Spawn → the first answer of /health/ready (a 503 while it warms up counts), in ms. */
  listenMs?: number;
  /** The slowest answer of /health/ready from the first until ready (polled every 200 ms), in ms: how long it kept a health check waiting while warming up. */
  slowestAnswerMs?: number;
}

/**
 * Every service a test started and has not stopped. When the test process ends they are killed, so
 * a test that failed half-way (one of several services did not start) leaves none behind to join
 * the next run's consumer groups.
 */
const running = new Set<import('node:child_process').ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
// A test run stopped from outside (CI's timeout, Ctrl-C, kill) must not leave its services behind:
// they would join the next run's consumer groups and take its partitions.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.once(signal, () => {
    for (const child of running) child.kill('SIGKILL');
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGHUP' ? 1 : 15));
  });
}

/**
 * Starts a built service (dist/apps/<name>/src/main.js) as its own process against the test
 * infrastructure and waits until /health/ready answers 200.
 */
export async function startService(
  name: string,
  httpPort: number,
  env: Record<string, string>,
  /** `https.ca`: the service serves HTTPS (TLS_CERT_FILE); its readiness is checked over TLS against this CA. */
  /**
   * `readyTimeoutMs`: how long start-up may take (60 s; a bench loading 100,000 cases on a busy machine needs more).
   * `root`: run the build under `<root>/dist` instead of this checkout's (a bench's baseline: the code before a change).
   * `whileStarting`: called with the pid at every readiness poll (a bench samples the start-up's memory).
   */
  options: { https?: { ca: string | Buffer }; readyTimeoutMs?: number; root?: string; whileStarting?: (pid: number) => void } = {},
): Promise<RunningService> {
  const { spawn } = await import('node:child_process');
  const path = await import('node:path');
  // libs/testing/src in tests, dist/libs/testing/src in benchmarks
  const root = options.root ?? path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../../../..' : '../../..');
  const main = path.join(root, 'dist/apps', name, 'src/main.js');
  const infra = testInfra();
  const child = spawn(process.execPath, [main], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DEV_AUTH: '1',
      LOG_LEVEL: 'warn',
      KAFKA_BROKERS: infra.brokers.join(','),
      MONGODB_URI: infra.mongoUri,
      [`${name.toUpperCase()}_HTTP_PORT`]: String(httpPort),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let output = '';
  let errors = '';
  const partial = { stdout: '', stderr: '' };
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]!.on('data', (d) => {
      output = (output + d).slice(-20_000);
      const lines = (partial[stream] + d).split('\n');
      partial[stream] = lines.pop()!;
      for (const line of lines) if (/"level":"(error|fatal)"/.test(line) && errors.length < 2_000_000) errors += `${line}\n`;
    });
  }
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const spawnedAt = Date.now();
  const deadline = spawnedAt + (options.readyTimeoutMs ?? 60_000);
  let [listenMs, slowestAnswerMs] = [undefined as number | undefined, undefined as number | undefined];
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited during start-up:\n${output}`);
    options.whileStarting?.(child.pid!);
    try {
      const asked = Date.now();
      const status = options.https
        ? (await httpsGet(`https://127.0.0.1:${httpPort}/health/ready`, options.https.ca)).status
        : (await fetch(`http://127.0.0.1:${httpPort}/health/ready`)).status;
      slowestAnswerMs = Math.max(slowestAnswerMs ?? 0, Date.now() - asked);
      listenMs ??= Date.now() - spawnedAt;
      if (status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} not ready after ${(options.readyTimeoutMs ?? 60_000) / 1000} s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    name,
    pid: child.pid!,
    output: () => output,
    errors: () => errors,
    listenMs,
    slowestAnswerMs,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      // A service exits on its own within SHUTDOWN_TIMEOUT_MS (20 s); one still running after 60 s
      // is killed, so it cannot stay in the consumer groups of the suites that follow, and the stop fails.
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 60_000)));
      const result = await Promise.race([exited, hung]).finally(() => clearTimeout(timer));
      if (result !== 'hung') return result;
      child.kill('SIGKILL');
      await exited;
      throw new Error(`${name} (pid ${child.pid}) did not stop within 60 s of SIGTERM and was killed:\n${output.slice(-4_000)}`);
    },
    kill: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
/** GET over HTTPS trusting only `ca` (fetch cannot be given a CA): status and body. */
export async function httpsGet(url: string, ca: string | Buffer): Promise<{ status: number; body: string; protocol: string | null }> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, timeout: 5_000 }, (res) => {
      let body = '';
      const protocol = (res.socket as import('node:tls').TLSSocket | null)?.getProtocol?.() ?? null;
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, protocol }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

export * from './clients';
export * from './oidc';
export * from './prometheus';
export * from './decider-spec';
export * from './in-memory-event-store';
export * from './rejection';
export * from './envelopes';
export * from './spec-kafka';
export * from './spec-services';

/**
 * Waits until a service's consumer group has handled everything already on its topics, so a test
 * does not race the backlog earlier tests left on the shared test topics.
 */
export async function consumerGroupCaughtUp(kafka: Kafka, groupId: string, topics: string[], timeoutMs = 120_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const targets = new Map<string, bigint>();
    for (const topic of topics)
      for (const p of await whileBrokerSettles(() => admin.fetchTopicOffsets(topic))) targets.set(`${topic}/${p.partition}`, BigInt(p.high));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const committed = await whileBrokerSettles(() => admin.fetchOffsets({ groupId, topics }));
      let behind = 0n;
      for (const { topic, partitions } of committed) {
        for (const p of partitions) {
          const target = targets.get(`${topic}/${p.partition}`) ?? 0n;
          const at = BigInt(p.offset) < 0n ? 0n : BigInt(p.offset);
          if (target > at) behind += target - at;
        }
      }
      if (behind === 0n) return;
      if (Date.now() > deadline) throw new Error(`${groupId} still ${behind} events behind after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Starts several services at once; if one fails, stops the others before throwing. */
export async function startServices(specs: [name: string, httpPort: number, env: Record<string, string>][]): Promise<RunningService[]> {
  const results = await Promise.allSettled(specs.map(([name, port, env]) => startService(name, port, env)));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await Promise.all(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.stop()] : [])));
    throw failure.reason;
  }
  return results.map((r) => (r as PromiseFulfilledResult<RunningService>).value);
}
export * from './browser';
export * from './read-to-end';
