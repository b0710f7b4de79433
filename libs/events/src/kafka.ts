import { readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Admin, ISocketFactory, Kafka, KafkaConfig, LogEntry, logLevel, Partitioners, Producer, SASLOptions } from 'kafkajs';
import { retryWithBackoff } from './retry';

export interface KafkaLogger {
  debug?(message: string, context?: unknown): void;
  log(message: string, context?: unknown): void;
  warn(message: string, context?: unknown): void;
  error(message: string, context?: unknown): void;
}

/**
 * How a client proves who it is to the brokers. With `sasl`, the connection is SASL_SSL: TLS
 * verified against `caFile` (PEM; the system's CAs when absent), then SCRAM (or PLAIN) as the
 * service's own user, whose broker ACLs let it write only its own topic. Without it, PLAINTEXT
 * (local development).
 */
export interface KafkaSecurity {
  sasl?: { mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain'; username: string; password: string };
  /** PEM file of the CA that signed the brokers' certificates. */
  caFile?: string;
  /** TLS without SASL (e.g. a broker that authenticates clients by certificate elsewhere). */
  ssl?: boolean;
}

export interface CreateKafkaOptions extends KafkaSecurity {
  brokers: string[];
  clientId: string;
  logger?: KafkaLogger;
  /** Defaults suit services; a health probe wants short ones and few retries. */
  connectionTimeout?: number;
  requestTimeout?: number;
  retry?: KafkaConfig['retry'];
  /** TCP_NODELAY on every socket (default). Off only to measure kafkajs's own default (benchmarks). */
  noDelay?: boolean;
}

/** The kafkajs `ssl` and `sasl` settings for a KafkaSecurity (exported for tests and tools). */
export function kafkaSecurityConfig(security: KafkaSecurity): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const tls = !!security.sasl || !!security.ssl || !!security.caFile;
  if (!tls) return {};
  const ssl = security.caFile ? { ca: [readFileSync(security.caFile, 'utf8')], rejectUnauthorized: true } : { rejectUnauthorized: true };
  return security.sasl ? { ssl, sasl: security.sasl as SASLOptions } : { ssl };
}

/**
 * kafkajs's own socket factory, plus TCP_NODELAY: without it Nagle's algorithm holds small
 * requests (one event, a fetch) back until the previous one is acknowledged, which put tens of
 * milliseconds on every hop between services (issue 15 measured p99 65–70 ms → 6.6–10 ms).
 */
export const noDelaySocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl ? tlsConnect({ host, port, servername: host, ...(ssl as object) }, onConnect) : tcpConnect({ host, port }, onConnect);
  socket.setKeepAlive(true, 60_000);
  socket.setNoDelay(true);
  return socket;
};

/** The part of kafkajs's (internal) RequestQueue the patch below reads and replaces. */
interface KafkajsRequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/**
 * kafkajs 2.2.4's request queue, after every answer, schedules its next check of waiting requests
 * at `throttledUntil - now`: unthrottled (-1) that is a negative delay, which Node runs after 1 ms,
 * and the check schedules itself again. So every broker connection woke the event loop about 1,000
 * times a second for as long as it was open (a producer, an admin and a consumer: 2,937 timers a
 * second, none once patched), and Node 24 warns "TimeoutNegativeWarning" (kafkajs#1751, fixed in
 * no release). Replaced by the fix proposed there: a check is scheduled only while a request waits
 * (after the throttle if there is one, else in 10 ms, as kafkajs does), or until a throttle ends;
 * `push` schedules one whenever a request has to wait, and every answer checks the queue at once.
 */
function checkOnlyWhileRequestsWait(queue: KafkajsRequestQueue): void {
  if (queue.throttleCheckTimeoutId) return;
  const throttledFor = queue.throttledUntil - Date.now();
  if (queue.pending.length === 0 && throttledFor <= 0) return;
  queue.throttleCheckTimeoutId = setTimeout(
    () => {
      queue.throttleCheckTimeoutId = null;
      queue.checkPendingRequests();
    },
    throttledFor > 0 ? throttledFor : 10,
  );
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- kafkajs's internal module, patched once for every client in the process
(require('kafkajs/src/network/requestQueue') as { prototype: KafkajsRequestQueue }).prototype.scheduleCheckPendingRequests = function (
  this: KafkajsRequestQueue,
) {
  checkOnlyWhileRequestsWait(this);
};

export function createKafka(options: CreateKafkaOptions): Kafka {
  const logger = options.logger;
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...kafkaSecurityConfig(options),
    ...(options.noDelay === false ? {} : { socketFactory: noDelaySocketFactory }),
    connectionTimeout: options.connectionTimeout ?? 3_000,
    requestTimeout: options.requestTimeout ?? 30_000,
    retry: options.retry ?? { initialRetryTime: 200, retries: 8, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      if (!logger) return;
      const { message, ...rest } = entry.log;
      const context = { kafka: entry.namespace, ...rest };
      if (entry.level === logLevel.ERROR) logger.error(message, context);
      else if (entry.level === logLevel.WARN) logger.warn(message, context);
      else logger.log(message, context);
    },
  });
}

/** Idempotent, one request in flight: retries cannot duplicate or reorder a partition's records. */
export function createEventProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

export interface TopicSpec {
  topic: string;
  partitions?: number;
}

/**
 * Creates missing topics with unlimited retention (full history for replay). Existing topics are
 * left as they are: partition counts are only ever raised by an operator, because that moves keys.
 */
export async function ensureTopics(admin: Admin, topics: TopicSpec[], defaultPartitions = 6): Promise<void> {
  // Several services may also be creating the same topics.
  return whileBrokerSettles(() => createMissingTopics(admin, topics, defaultPartitions));
}

/**
 * Retries an admin request while the broker settles: one that has just started, or just created a
 * topic, answers for a moment with transient errors ("not the leader for that topic-partition",
 * "coordinator is loading").
 */
export async function whileBrokerSettles<T>(request: () => Promise<T>, attempts = 15): Promise<T> {
  return retryWithBackoff(request, { attempts, initialMs: 200, maxMs: 2_000 });
}

async function createMissingTopics(admin: Admin, topics: TopicSpec[], defaultPartitions: number): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length === 0) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((t) => ({
      topic: t.topic,
      numPartitions: t.partitions ?? defaultPartitions,
      replicationFactor: -1,
      configEntries: [
        { name: 'retention.ms', value: '-1' },
        { name: 'retention.bytes', value: '-1' },
        { name: 'cleanup.policy', value: 'delete' },
      ],
    })),
  });
  // Metadata for every partition must answer before producers and consumers use the topics.
  await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
}
