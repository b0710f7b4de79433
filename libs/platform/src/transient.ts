/**
 * Whether an error is an outage or a timeout of the infrastructure (database, Kafka, the network)
 * rather than a fault of the request or of our code: such a failure is worth retrying, so edges
 * answer it as gRPC UNAVAILABLE (HTTP 503), never as INTERNAL. Recognised by name, label and code
 * so that this module needs neither driver (pure; the drivers' error classes are not imported).
 */
const TRANSIENT_NAMES = new Set([
  // mongodb driver
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoServerClosedError',
  'MongoOperationTimeoutError',
  'MongoStalePrimaryError',
  // kafkajs (those it does not mark `retriable` itself)
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
  // our own deadlines (rxjs timeout(), AbortSignal.timeout())
  'TimeoutError',
]);

/** Error labels the mongodb driver puts on failures that may succeed when tried again. */
const TRANSIENT_LABELS = ['RetryableWriteError', 'TransientTransactionError', 'ResetPool', 'SystemOverloadedError'];

/** MongoDB server codes of a primary going away, a shutdown, a timeout or an unreachable host. */
const TRANSIENT_MONGO_CODES = new Set([6, 7, 50, 64, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

/** Node's socket errors. */
const TRANSIENT_SYSCALL_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

export function isTransientFailure(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const e = error as { name?: unknown; code?: unknown; retriable?: unknown; hasErrorLabel?: unknown; errorLabels?: unknown; cause?: unknown };
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
  if (typeof e.name === 'string' && e.name.startsWith('KafkaJS') && e.retriable === true) return true;
  const labels = Array.isArray(e.errorLabels) ? (e.errorLabels as unknown[]) : [];
  if (TRANSIENT_LABELS.some((l) => labels.includes(l))) return true;
  if (typeof e.hasErrorLabel === 'function' && TRANSIENT_LABELS.some((l) => (e.hasErrorLabel as (l: string) => boolean).call(error, l))) return true;
  if (typeof e.name === 'string' && e.name.startsWith('Mongo') && typeof e.code === 'number' && TRANSIENT_MONGO_CODES.has(e.code)) return true;
  if (typeof e.code === 'string' && TRANSIENT_SYSCALL_CODES.has(e.code)) return true;
  if (isWrappedDriverOutage(error)) return true;
  return isTransientFailure(e.cause, depth + 1);
}

/**
 * insertMany and bulkWrite wrap a driver failure in a MongoBulkWriteError without a cause: the
 * network error's own fields are copied in (`beforeHandshake`; a failed server selection's
 * `reason`) and there is no server code and no write error, unlike a refused write.
 */
function isWrappedDriverOutage(error: object): boolean {
  const e = error as { name?: unknown; code?: unknown; writeErrors?: unknown; beforeHandshake?: unknown; reason?: unknown };
  if (e.name !== 'MongoBulkWriteError' || e.code !== undefined) return false;
  if (Array.isArray(e.writeErrors) && e.writeErrors.length > 0) return false;
  return typeof e.beforeHandshake === 'boolean' || (typeof e.reason === 'object' && e.reason !== null);
}
