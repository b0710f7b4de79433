import { retryWithBackoff } from '@callcenter/events';

/**
 * A generation's writes of settled reports' timelines, pipelined with the batches that settle
 * them: one write in flight, while the batches after it go on applying. When it is done, the next
 * write starts at once with everything those batches settled. A batch waits only when `ahead`
 * batches are applied and not yet being written (the database is that far behind), so the model
 * neither idles while the database writes nor runs unboundedly ahead of it.
 * A position (`topic/partition` → the next offset) is reported as written only once everything
 * applied up to it is in the database, or held back in the model's `unsaved` (a whole timeline that
 * a partition behind may still add to while the generation catches up; a snapshot carries it).
 * A write is tried a few times (after the last batch of a history, none comes to retry it); if it
 * still fails, the next batch throws its error (kafkajs fetches that batch again: applied already,
 * it changes nothing) and its parts wait in the model's `unsaved` for the next write.
 */
export class PipelinedWrites {
  /** Positions of the batches applied, written or not. */
  private readonly applied = new Map<string, string>();
  /** The writes in flight one after the other, until no batch waits for one. */
  private writing: Promise<void> | undefined;
  /** The one write in flight. */
  private current: Promise<unknown> | undefined;
  /** Batches applied since the write in flight started. */
  private waiting = 0;
  private failure: Error | undefined;

  constructor(
    /** Writes every part not yet written (TimelineStore.flush); what is added while it runs waits for the next. */
    private readonly write: () => Promise<unknown>,
    /** Told the positions whose events' timelines are all in the database. */
    private readonly written: (positions: [string, string][]) => void,
    /** Told of a write that failed after its attempts (for the logs). */
    private readonly failed: (e: Error) => void,
    private readonly retry = { initialMs: 200, maxMs: 2_000, attempts: 4 },
    /** Batches that may wait for a write while the one before is in flight. */
    private readonly ahead = 4,
  ) {}

  /** After a batch applied up to `next` on `tp`: rethrows a write's failure; starts a write, or waits while `ahead` batches wait for one. */
  async afterBatch(tp: string, next: string): Promise<void> {
    this.applied.set(tp, next);
    this.waiting++;
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
    this.writing ??= this.writeWhileWaiting();
    if (this.waiting >= this.ahead) await this.current?.catch(() => undefined); // then the next write covers this batch
  }

  /** Writes what the batches applied so far settled, again as long as batches came meanwhile; stops at a failure. */
  private async writeWhileWaiting(): Promise<void> {
    try {
      while (this.waiting > 0) {
        const covered = [...this.applied];
        this.waiting = 0;
        await (this.current = retryWithBackoff(this.write, this.retry));
        this.written(covered);
      }
    } catch (e) {
      this.failure = e as Error;
      this.failed(e as Error);
    } finally {
      [this.writing, this.current] = [undefined, undefined];
    }
  }

  /** Waits for the writes in flight (at a stop); a failure is the next start's to repair. */
  async drain(): Promise<void> {
    await this.writing;
  }
}
