/**
 * Bounds on the work intake holds at once, so that a flood is shed before memory grows: a
 * submission is counted from the moment it arrives (queued behind others in a SubmitReports stream
 * or being stored) until it is answered, per connection and for the whole process. Pure: no I/O,
 * no clock.
 */
export interface InFlightBounds {
  perConnection: number;
  perProcess: number;
}

export interface Shed {
  /** Which bound was reached. */
  scope: 'connection' | 'process';
  limit: number;
}

/** What a caller is told when its submission is shed: UNAVAILABLE, which standard clients retry. */
export function shedMessage(shed: Shed): string {
  return shed.scope === 'connection'
    ? `intake is at its limit of ${shed.limit} submissions in flight on this connection; retry shortly with the same external_id`
    : `intake is at its limit of ${shed.limit} submissions in flight; retry shortly with the same external_id`;
}

export class InFlightSubmissions {
  private total = 0;
  private readonly byConnection = new Map<string, number>();

  constructor(private readonly bounds: InFlightBounds) {}

  /** Counts one submission in, or says which bound refuses it. Call `release` exactly once when it is answered. */
  enter(connection: string): { release: () => void } | { shed: Shed } {
    const mine = this.byConnection.get(connection) ?? 0;
    if (mine >= this.bounds.perConnection) return { shed: { scope: 'connection', limit: this.bounds.perConnection } };
    if (this.total >= this.bounds.perProcess) return { shed: { scope: 'process', limit: this.bounds.perProcess } };
    this.total++;
    this.byConnection.set(connection, mine + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        const left = (this.byConnection.get(connection) ?? 1) - 1;
        if (left === 0) this.byConnection.delete(connection);
        else this.byConnection.set(connection, left);
      },
    };
  }

  get inFlight(): number {
    return this.total;
  }
}
