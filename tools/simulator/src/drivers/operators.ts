import { ADVICE_TEXTS } from '../traffic/catalogue';
import { priorityFor } from '../traffic/generate';
import { Prng } from '../traffic/prng';
import type { Ledger, LedgerEntry } from '../ledger';
import type { SimClock } from './clock';
import { answer, describe, devToken, Triage, triageAs } from './rest';

export interface BotStats {
  claimConflicts: number;
  assignConflicts: number;
  refusals: number;
}

export interface OperatorContext {
  triageUrl: string;
  clock: SimClock;
  ledger: Ledger;
  stats: BotStats;
  /** Cases one of our operators is taking now: the others look past them, as on a shared screen. */
  inHand: Set<string>;
  queue: SharedQueue;
  rng: Prng;
}

/** Handling time in simulated seconds, by what the case turns out to be. */
const HANDLING_SECONDS: Record<string, [number, number]> = {
  REJECTED: [15, 45],
  DUPLICATE: [20, 60],
  ADVICE_GIVEN: [40, 150],
  FORWARDED: [30, 120],
};

const IDLE_POLL_REAL_MS = 500;
const PAGE = 200;
const MAX_PAGES = 25;

/**
 * The queue as the operators' wall screen shows it: GET /api/v1/queue?status=QUEUED (most urgent,
 * then oldest first), refreshed at most every `maxAgeMs`, keeping only this run's reports. Pages
 * past other runs' or other people's reports, which the bots leave alone.
 */
export class SharedQueue {
  private items: { reportId: string }[] = [];
  private fetchedAt = 0;
  private refreshing: Promise<void> | null = null;
  /** Decided here since the last refresh: the screen may still show them. */
  private readonly done = new Set<string>();

  constructor(
    private readonly triage: Triage,
    private readonly ledger: Ledger,
    private readonly stats: BotStats,
    private readonly maxAgeMs = 300,
  ) {}

  /** The most urgent of ours nobody here has, reserved in `inHand` at once (operators wait on one refresh together). */
  async next(inHand: Set<string>): Promise<string | undefined> {
    if (Date.now() - this.fetchedAt > this.maxAgeMs) await (this.refreshing ??= this.refresh().finally(() => (this.refreshing = null)));
    const reportId = this.items.find((i) => !inHand.has(i.reportId) && !this.done.has(i.reportId))?.reportId;
    if (reportId) inHand.add(reportId);
    return reportId;
  }

  taken(reportId: string): void {
    this.done.add(reportId);
  }

  private async refresh(): Promise<void> {
    const ours: { reportId: string }[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await answer(this.triage.GET('/api/v1/queue', { params: { query: { status: ['QUEUED'], limit: PAGE, offset: page * PAGE } } }));
      if (!res.ok) {
        this.stats.refusals++;
        break;
      }
      for (const item of res.body.items) if (this.ledger.report(item.reportId)) ours.push(item);
      if (ours.length >= 50 || (page + 1) * PAGE >= res.body.total) break;
    }
    this.items = ours;
    this.fetchedAt = Date.now();
    this.done.clear();
  }
}

/**
 * A call-center operator: takes the most urgent case nobody has from the queue, claims it, reads
 * it, takes a realistic time, and ends it as the ledger says it truly is. Stops at the end of the
 * run (releasing a case in hand).
 */
export async function operatorBot(operatorId: string, ctx: OperatorContext): Promise<void> {
  const triage = triageAs(ctx.triageUrl, devToken(operatorId, ['operator']));
  const { clock, ledger } = ctx;
  while (!clock.stopped) {
    const reportId = await ctx.queue.next(ctx.inHand);
    if (!reportId) {
      await clock.sleepReal(IDLE_POLL_REAL_MS * (0.8 + 0.4 * ctx.rng.next()));
      continue;
    }
    try {
      await handleCase(operatorId, triage, reportId, ledger.report(reportId)!, ctx);
    } finally {
      ctx.queue.taken(reportId);
      ctx.inHand.delete(reportId);
    }
  }
}

async function handleCase(operatorId: string, triage: Triage, reportId: string, entry: LedgerEntry, ctx: OperatorContext): Promise<void> {
  const { clock, ledger } = ctx;
  const claimed = await answer(triage.POST('/api/v1/reports/{reportId}/claim', { params: { path: { reportId } } }));
  if (claimed.status === 409) {
    ctx.stats.claimConflicts++;
    return;
  }
  if (!claimed.ok) {
    ctx.stats.refusals++;
    ledger.problem(entry, `claim: ${describe(claimed)}`);
    return;
  }
  const t = ledger.triageOf(entry);
  Object.assign(t, { operatorId, claimedAt: new Date().toISOString() });
  ledger.advance(entry, 'IN_TRIAGE');

  const detail = await answer(triage.GET('/api/v1/reports/{reportId}', { params: { path: { reportId } } }));
  const original = entry.duplicateOfSeq !== null ? ledger.seq(entry.duplicateOfSeq) : undefined;
  const originalId = original?.submission.reportId ?? null;
  if (detail.ok) {
    const s: Record<string, any> = detail.body.suggestion ?? {};
    const candidates: any[] = [...(s.duplicateCandidates ?? []), ...(s.duplicateCandidatesNow ?? [])];
    t.suggestion = {
      category: s.category ?? null,
      priority: s.priority ?? null,
      duplicateOfOriginal: !!originalId && candidates.some((c) => c.reportId === originalId),
      duplicateCandidates: (s.duplicateCandidates ?? []).length,
      lowTrust: !!s.lowTrust?.flagged,
    };
  } else {
    ledger.problem(entry, `open case: ${describe(detail)}`);
  }

  // What to do: the truth from the ledger. A duplicate whose original intake never took is handled as new.
  let decision = entry.expected;
  if (decision === 'DUPLICATE' && !originalId) {
    decision = entry.category === 'INFORMASI_PENGADUAN' ? 'ADVICE_GIVEN' : 'FORWARDED';
    entry.expected = decision;
    entry.expectedFinal = decision === 'FORWARDED' ? 'CLOSED' : decision;
    ledger.problem(entry, 'the report it repeats was not accepted by intake: handled as a new report');
  }

  const [min, max] = HANDLING_SECONDS[decision];
  if (!(await clock.sleepSim(ctx.rng.uniform(min, max) * 1000))) {
    await answer(triage.POST('/api/v1/reports/{reportId}/release', { params: { path: { reportId } } }));
    return;
  }

  const path = { params: { path: { reportId } } };
  let decided!: Awaited<ReturnType<typeof answer<unknown>>>;
  switch (decision) {
    case 'REJECTED':
      decided = await answer(
        triage.POST('/api/v1/reports/{reportId}/reject', { ...path, body: { reason: 'PRANK', explanation: 'Penelepon iseng, laporan palsu (simulasi)' } }),
      );
      if (decided.ok) t.rejectionReason = 'PRANK';
      break;
    case 'DUPLICATE':
      decided = await answer(triage.POST('/api/v1/reports/{reportId}/duplicate', { ...path, body: { duplicateOf: originalId! } }));
      if (decided.ok) t.duplicateOf = originalId;
      break;
    case 'ADVICE_GIVEN':
      decided = await answer(triage.POST('/api/v1/reports/{reportId}/advice', { ...path, body: { advice: ctx.rng.pick(ADVICE_TEXTS) } }));
      break;
    case 'FORWARDED': {
      const classification = { category: entry.category, priority: entry.priority ?? priorityFor(entry.category, 0), district: entry.district };
      const classified = await answer(triage.POST('/api/v1/reports/{reportId}/classify', { ...path, body: classification }));
      if (!classified.ok) {
        decided = classified;
        break;
      }
      t.classified = classification;
      decided = await answer(triage.POST('/api/v1/reports/{reportId}/forward', path));
      break;
    }
  }
  if (decided.ok) {
    t.decision = decision;
    t.decidedAt = new Date().toISOString();
    ledger.advance(entry, decision);
  } else {
    if (decided.status === 409) ctx.stats.claimConflicts++;
    ctx.stats.refusals++;
    ledger.problem(entry, `${decision}: ${describe(decided)}`);
  }
}
