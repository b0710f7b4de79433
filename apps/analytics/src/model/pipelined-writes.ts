import { retryWithBackoff } from '@callcenter/events';

/**
 * A generation's writes of settled reports' timelines, pipelined with the batches that settle
 * them: the write of what the batches so far settled runs while the next batch applies, and at
 * most one is in flight (a batch waits for the one before). A position (`topic/partition` → the
 * next offset) is reported as written only once everything applied up to it is in the database,
 * or held back in the model's `unsaved` (a whole timeline that a partition behind may still add
 * to while the generation catches up; a snapshot carries it).
 * A write is tried a few times (after the last batch of a history, none comes to retry it); if it
 * still fails, the next batch throws its error (kafkajs fetches that batch again: applied already,
 * it changes nothing) and its parts wait in the model's `unsaved` for the next write.
 */
export class PipelinedWrites {
  /** Positions of the batches applied, written or not. */
  private readonly applied = new Map<string, string>();
  private writing: Promise<void> = Promise.resolve();

  constructor(
    /** Writes every part not yet written (TimelineStore.flush); what is added while it runs waits for the next. */
    private readonly write: () => Promise<unknown>,
    /** Told the positions whose events' timelines are all in the database. */
    private readonly written: (positions: [string, string][]) => void,
    /** Told of a write that failed after its attempts (for the logs). */
    private readonly failed: (e: Error) => void,
    private readonly retry = { initialMs: 200, maxMs: 2_000, attempts: 4 },
  ) {}

  /** After a batch applied up to `next` on `tp`: waits for the write before (rethrowing its failure), then starts the next. */
  async afterBatch(tp: string, next: string): Promise<void> {
    this.applied.set(tp, next);
    const before = this.writing;
    this.writing = Promise.resolve();
    await before;
    const covered = [...this.applied];
    const writing = retryWithBackoff(this.write, this.retry).then(() => this.written(covered));
    this.writing = writing;
    writing.catch((e) => this.failed(e)); // and thrown by the next batch
  }

  /** Waits for the write in flight (at a stop); its failure is the next start's to repair. */
  async drain(): Promise<void> {
    await this.writing.catch(() => undefined);
  }
}
