import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { status as GrpcStatus, Metadata } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import type { Db } from 'mongodb';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterMongo, RateLimiterRes } from 'rate-limiter-flexible';
import { MONGO_DB } from '@callcenter/platform';
import { ApiKeys } from './api-keys';

export const API_KEY_HEADER = 'x-api-key';
export const INTAKE_CALLERS_OPTIONS = Symbol('INTAKE_CALLERS_OPTIONS');

export interface CallingSystemsOptions {
  apiKeys: ApiKeys;
  /** Submissions per second per source system (sustained); bursts up to twice that. */
  ratePerSecond: number;
  /** Status look-ups (GetReportStatus, WatchReport) per second per calling system; bursts up to twice that. */
  statusRatePerSecond?: number;
}

/** What a caller is limited in: each has its own allowance. */
export type Allowance = 'submissions' | 'status';

/** The window of the shared counters: the allowance is twice the rate per two seconds. */
const WINDOW_SECONDS = 2;
/** A shared counter that does not answer by then is skipped for this process' own (the insurance). */
export const SHARED_COUNTER_TIMEOUT_MS = 1_000;

interface Limiter {
  /** The process' own counter: all there is without a database, the fallback with one. */
  own: RateLimiterAbstract;
  /** The counter all instances share, in the database. */
  shared?: RateLimiterAbstract;
}

/**
 * rate-limiter-flexible's Mongo store as it is, but for its two indexes: the library starts creating them in its constructor and
 * neither awaits nor catches them, so a database that goes away (or a client closed) before they answer is an unhandled
 * rejection, which ends the process. Here a failure is logged: the counters work without the indexes meanwhile, and the next
 * start creates them again.
 */
class SharedCounters extends RateLimiterMongo {
  _initCollection(): void {
    const self = this as unknown as { client: Db; tableName: string; indexKeyPrefix: object; _collection: unknown };
    const collection = self.client.collection(self.tableName);
    const failed = (e: Error) => new Logger(CallingSystems.name).warn(`rate counter index on ${self.tableName} not created: ${e.message}`);
    collection.createIndex({ expire: -1 }, { expireAfterSeconds: 0 }).catch(failed);
    collection.createIndex({ ...self.indexKeyPrefix, key: 1 }, { unique: true }).catch(failed);
    self._collection = collection;
  }
}

/**
 * A rate limit that holds across intake instances: one counter per calling system and window in
 * the database (rate-limiter-flexible's Mongo store: an atomic findOneAndUpdate with $inc, expired
 * by a TTL index; written without waiting for the journal). While the database does not answer, each process falls back to its own counter
 * of the same size (the submission itself then fails UNAVAILABLE anyway). Without a database (unit
 * tests) the process' own counter is all there is.
 */
function limiter(name: Allowance, perSecond: number, db?: Db): Limiter {
  const size = { points: perSecond * WINDOW_SECONDS, duration: WINDOW_SECONDS };
  const own = new RateLimiterMemory({ ...size, keyPrefix: name });
  if (!db) return { own };
  // A crash may lose a counter: that lets a caller a few submissions more in the next two seconds.
  // So a count is written without waiting for the journal (a disk sync per submission otherwise).
  const counters = db.client.db(db.databaseName, { writeConcern: { w: 1, journal: false } });
  return { own, shared: new SharedCounters({ ...size, keyPrefix: name, tableName: 'rate_limits', storeClient: counters, insuranceLimiter: own }) };
}

/**
 * Consumes one point: from the shared counter, or, when the database has not answered within
 * SHARED_COUNTER_TIMEOUT_MS (an outage holds a call for the driver's server selection timeout),
 * from the process' own. Rejects with RateLimiterRes when over the allowance.
 */
async function consume({ own, shared }: Limiter, key: string): Promise<RateLimiterRes> {
  if (!shared) return own.consume(key);
  const attempt = shared.consume(key);
  attempt.catch(() => undefined); // answered after the deadline: nobody waits for it any more
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), SHARED_COUNTER_TIMEOUT_MS)));
  try {
    const first = await Promise.race([attempt, late]);
    return first === 'late' ? own.consume(key) : first;
  } finally {
    clearTimeout(timer);
  }
}

/** Who is calling, whether they may act as the source system they name, and whether they are over their rate. */
@Injectable()
export class CallingSystems {
  private readonly limiters: Record<Allowance, Limiter>;
  private readonly rates: Record<Allowance, number>;

  constructor(
    @Inject(INTAKE_CALLERS_OPTIONS) private readonly options: CallingSystemsOptions,
    @Optional() @Inject(MONGO_DB) db?: Db,
  ) {
    this.rates = { submissions: options.ratePerSecond, status: options.statusRatePerSecond ?? options.ratePerSecond };
    this.limiters = { submissions: limiter('submissions', this.rates.submissions, db), status: limiter('status', this.rates.status, db) };
  }

  authenticate(metadata: Metadata): string {
    const [key] = metadata.get(API_KEY_HEADER);
    const source = this.options.apiKeys.identify(typeof key === 'string' ? key : undefined);
    if (!source) {
      throw new RpcException({ code: GrpcStatus.UNAUTHENTICATED, message: `missing or unknown API key (metadata ${API_KEY_HEADER})` });
    }
    return source;
  }

  authorize(caller: string, sourceSystem: string): void {
    if (caller !== sourceSystem) {
      throw new RpcException({
        code: GrpcStatus.PERMISSION_DENIED,
        message: `the API key of ${caller} may not submit as source_system ${sourceSystem}`,
      });
    }
  }

  /** RESOURCE_EXHAUSTED, with the wait in the message and as `grpc-retry-pushback-ms`, once the caller is over its rate. */
  async admit(caller: string, allowance: Allowance = 'submissions'): Promise<void> {
    try {
      await consume(this.limiters[allowance], caller);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      throw new RpcException({
        code: GrpcStatus.RESOURCE_EXHAUSTED,
        message: `rate limit of ${this.rates[allowance]}/s ${allowance === 'status' ? 'status look-ups' : 'submissions'} for ${caller} exceeded; retry in ${e.msBeforeNext} ms`,
        retryAfterMs: e.msBeforeNext,
      });
    }
  }
}
