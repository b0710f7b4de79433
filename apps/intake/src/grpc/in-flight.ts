/**
 * Bounds on the work intake holds at once, so that a flood is shed before memory grows: a
 * submission is counted from the moment it arrives (queued behind others in a SubmitReports stream
 * or being stored) until it is answered, per connection and for the whole process. Pure: the clock
 * comes in with each call.
 */
export interface InFlightBounds {
  perConnection: number;
  perProcess: number;
}

export interface Shed {
  /** Which bound was reached. */
  scope: 'connection' | 'process';
  limit: number;
  /** How long the caller should wait: about as long as submissions take to be answered now. */
  retryAfterMs: number;
}

/**
 * The pushback of a shed call lies between these. A standard client makes at most 5 attempts, so
 * the wait must grow with how long answers take: in a database outage each submission is held
 * until the driver gives up, and a client told to come back in 200 ms would spend its attempts
 * before the outage ends.
 */
export const MIN_RETRY_AFTER_MS = 200;
export const MAX_RETRY_AFTER_MS = 10_000;

/** What a caller is told when its submission is shed: UNAVAILABLE, which standard clients retry. */
export function shedMessage(shed: Shed): string {
  const where = shed.scope === 'connection' ? ' on this connection' : '';
  return `intake is at its limit of ${shed.limit} submissions in flight${where}; retry in ${shed.retryAfterMs} ms with the same external_id`;
}

export class InFlightSubmissions {
  private readonly byConnection = new Map<string, number>();
  /** Arrival times of the submissions held, oldest first (a Map keeps insertion order). */
  private readonly held = new Map<number, number>();
  private nextId = 0;
  /** Moving average of how long a submission takes from arrival to answer. */
  private typicalMs = MIN_RETRY_AFTER_MS;

  constructor(private readonly bounds: InFlightBounds) {}

  /** Counts one submission in, or says which bound refuses it. Call `release` exactly once when it is answered. */
  enter(connection: string, now: number): { release: (now: number) => void } | { shed: Shed } {
    const mine = this.byConnection.get(connection) ?? 0;
    if (mine >= this.bounds.perConnection) return { shed: { scope: 'connection', limit: this.bounds.perConnection, retryAfterMs: this.retryAfter(now) } };
    if (this.held.size >= this.bounds.perProcess) return { shed: { scope: 'process', limit: this.bounds.perProcess, retryAfterMs: this.retryAfter(now) } };
    const id = this.nextId++;
    this.held.set(id, now);
    this.byConnection.set(connection, mine + 1);
    return {
      release: (at: number) => {
        const arrived = this.held.get(id);
        if (arrived === undefined) return;
        this.held.delete(id);
        this.typicalMs += 0.2 * (Math.max(0, at - arrived) - this.typicalMs);
        const left = (this.byConnection.get(connection) ?? 1) - 1;
        if (left === 0) this.byConnection.delete(connection);
        else this.byConnection.set(connection, left);
      },
    };
  }

  get inFlight(): number {
    return this.held.size;
  }

  /** As long as answers take lately, or as long as the oldest held submission has waited if longer. */
  private retryAfter(now: number): number {
    const oldest = this.held.values().next();
    const waited = oldest.done ? 0 : now - oldest.value;
    return Math.round(Math.min(MAX_RETRY_AFTER_MS, Math.max(MIN_RETRY_AFTER_MS, this.typicalMs, waited)));
  }
}
