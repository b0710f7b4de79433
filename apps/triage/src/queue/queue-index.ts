import { Category, Channel, Priority, PRIORITIES, PriorityTargets } from '@callcenter/contracts';
import { isSealed, SYSTEM_ACTOR, TriageEnvelope } from '@callcenter/events';
import {
  CaseStatus,
  effectiveCategory,
  effectiveDistrict,
  effectivePriority,
  isOpen,
  TriageCase,
  triageCaseDecider,
  triageDueAt,
} from '../case/triage-case.decider';

/** One open case as the queue holds it: the case's state and the stream version it reflects. */
export interface QueueEntry {
  case: TriageCase;
  version: number;
}

export interface QueueFilter {
  status?: CaseStatus[];
  priority?: Priority[];
  category?: Category[];
  district?: string[];
  channel?: Channel[];
  /** Low-trust caller or possible duplicates. */
  flagged?: boolean;
  overdue?: boolean;
  /** Cases claimed by this operator. */
  claimedBy?: string;
}

export interface QueueItem {
  reportId: string;
  trackingCode: string;
  status: CaseStatus;
  priority: Priority;
  category: Category;
  classified: boolean;
  district: string | null;
  channel: Channel;
  receivedAt: string;
  waitingSeconds: number;
  dueAt: string;
  overdue: boolean;
  escalated: boolean;
  claim: TriageCase['claim'];
  flags: { lowTrust: boolean; possibleDuplicates: number };
  summary: string;
  peopleInjured: number;
  version: number;
}

export interface QueueStats {
  at: string;
  open: number;
  depthByPriority: Record<Priority, number>;
  byStatus: Record<'QUEUED' | 'IN_TRIAGE' | 'ESCALATED', number>;
  oldestWaiting: { reportId: string; receivedAt: string; waitingSeconds: number; priority: Priority } | null;
  overdue: number;
  operatorsActive: number;
  activeOperatorIds: string[];
}

export type ApplyOutcome = 'applied' | 'stale' | 'gap';

/** An operator counts as active if they acted within this window or hold a claim. */
const ACTIVE_WINDOW_MS = 15 * 60_000;

const before = (a: QueueEntry, b: QueueEntry) =>
  a.case.report.receivedAt < b.case.report.receivedAt ||
  (a.case.report.receivedAt === b.case.report.receivedAt && a.case.report.reportId < b.case.report.reportId);

/**
 * The open cases, in process, ordered by priority and then by waiting time. Listing 100,000 cases
 * with filters must answer in milliseconds, and the embedded database scans on anything but `_id`,
 * so the order is kept here: one lane per priority, each sorted by arrival. Arrivals come mostly in
 * order, so inserts are appends; a classification that changes the priority moves the case.
 *
 * Fed by the triage topic: `apply` takes events in stream order per case and tells a gap (an event
 * whose predecessors it has not seen) so the caller can fold the case from the event store instead.
 */
export class QueueIndex {
  private readonly entries = new Map<string, QueueEntry>();
  private readonly lanes = Object.fromEntries(PRIORITIES.map((p) => [p, [] as QueueEntry[]])) as Record<Priority, QueueEntry[]>;
  private readonly lastActed = new Map<string, number>();

  get size(): number {
    return this.entries.size;
  }

  get(reportId: string): QueueEntry | undefined {
    return this.entries.get(reportId);
  }

  /**
   * Applies one event of a case. Versions make it idempotent: at or below the known version it is
   * stale. An event of an unknown case other than its opening is stale too: the case closed before
   * the snapshot was taken (the snapshot holds every open case).
   */
  apply(event: TriageEnvelope): ApplyOutcome {
    this.noteActivity(event.actor, event.occurredAt);
    const known = this.entries.get(event.streamId);
    if (!known) {
      if (event.streamVersion !== 1) return 'stale';
      this.put({ case: triageCaseDecider.evolve(triageCaseDecider.initialState(), event) as TriageCase, version: 1 });
      return 'applied';
    }
    if (event.streamVersion <= known.version) return 'stale';
    if (event.streamVersion > known.version + 1) return 'gap';
    this.put({ case: triageCaseDecider.evolve(known.case, event) as TriageCase, version: event.streamVersion });
    return 'applied';
  }

  /** Drops a case the event store does not know (the topic and the store disagree, e.g. a wiped store). */
  forget(reportId: string): void {
    const known = this.entries.get(reportId);
    if (!known) return;
    this.removeFromLane(known);
    this.entries.delete(reportId);
  }

  /** Sets a case as folded elsewhere (the stored snapshot, or the event store after a gap). */
  load(entry: QueueEntry): void {
    const known = this.entries.get(entry.case.report.reportId);
    if (known && known.version >= entry.version) return;
    this.put(entry);
  }

  private put(entry: QueueEntry): void {
    const id = entry.case.report.reportId;
    const previous = this.entries.get(id);
    if (previous) this.removeFromLane(previous);
    if (!isOpen(entry.case)) {
      this.entries.delete(id);
      return;
    }
    this.entries.set(id, entry);
    const lane = this.lanes[effectivePriority(entry.case)];
    // Usually the end: arrivals come in order. A case that moved lanes goes back by binary search.
    const at = lane.length === 0 || before(lane[lane.length - 1], entry) ? lane.length : this.searchLane(lane, entry);
    lane.splice(at, 0, entry);
  }

  private searchLane(lane: QueueEntry[], entry: QueueEntry): number {
    let lo = 0;
    let hi = lane.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(lane[mid], entry)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private removeFromLane(entry: QueueEntry): void {
    const lane = this.lanes[effectivePriority(entry.case)];
    let at = this.searchLane(lane, entry);
    while (at < lane.length && lane[at].case.report.reportId !== entry.case.report.reportId) at++;
    if (at < lane.length) lane.splice(at, 1);
  }

  private noteActivity(actor: string, at: string): void {
    if (actor === SYSTEM_ACTOR) return;
    const time = Date.parse(at);
    if (!(time <= (this.lastActed.get(actor) ?? -Infinity))) this.lastActed.set(actor, time);
  }

  /** Most urgent first, then longest waiting. */
  list(filter: QueueFilter, offset: number, limit: number, now: Date, targets: PriorityTargets): { total: number; items: QueueItem[] } {
    const matches = this.matcher(filter, now, targets);
    const items: QueueItem[] = [];
    let total = 0;
    for (const priority of PRIORITIES) {
      if (filter.priority && !filter.priority.includes(priority)) continue;
      for (const entry of this.lanes[priority]) {
        if (!matches(entry)) continue;
        if (total >= offset && items.length < limit) items.push(this.item(entry, now, targets));
        total++;
      }
    }
    return { total, items };
  }

  item(entry: QueueEntry, now: Date, targets: PriorityTargets): QueueItem {
    const c = entry.case;
    const dueAt = triageDueAt(c, targets);
    return {
      reportId: c.report.reportId,
      trackingCode: c.report.trackingCode,
      status: c.status,
      priority: effectivePriority(c),
      category: effectiveCategory(c),
      classified: c.classification !== null,
      district: effectiveDistrict(c),
      channel: c.report.channel,
      receivedAt: c.report.receivedAt,
      waitingSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(c.report.receivedAt)) / 1000)),
      dueAt: dueAt.toISOString(),
      overdue: c.overdue || now >= dueAt,
      escalated: c.escalated,
      claim: c.claim,
      flags: { lowTrust: c.report.suggestion.lowTrust.flagged, possibleDuplicates: c.report.suggestion.duplicateCandidates.length },
      summary: summaryOf(c.report.description),
      peopleInjured: c.report.peopleInjured,
      version: entry.version,
    };
  }

  private matcher(filter: QueueFilter, now: Date, targets: PriorityTargets): (entry: QueueEntry) => boolean {
    const status = filter.status && new Set(filter.status);
    const category = filter.category && new Set(filter.category);
    const district = filter.district && new Set(filter.district);
    const channel = filter.channel && new Set(filter.channel);
    return ({ case: c }) =>
      (!status || status.has(c.status)) &&
      (!category || category.has(effectiveCategory(c))) &&
      (!district || district.has(effectiveDistrict(c) ?? '')) &&
      (!channel || channel.has(c.report.channel)) &&
      (filter.flagged === undefined ||
        filter.flagged === (c.report.suggestion.lowTrust.flagged || c.report.suggestion.duplicateCandidates.length > 0)) &&
      (filter.overdue === undefined || filter.overdue === (c.overdue || now >= triageDueAt(c, targets))) &&
      (filter.claimedBy === undefined || c.claim?.operatorId === filter.claimedBy);
  }

  stats(now: Date, targets: PriorityTargets): QueueStats {
    const depthByPriority = Object.fromEntries(PRIORITIES.map((p) => [p, this.lanes[p].length])) as Record<Priority, number>;
    const byStatus = { QUEUED: 0, IN_TRIAGE: 0, ESCALATED: 0 };
    let overdue = 0;
    let oldest: QueueEntry | null = null;
    const active = new Set<string>();
    for (const entry of this.entries.values()) {
      const c = entry.case;
      byStatus[c.status as keyof typeof byStatus]++;
      if (c.overdue || now >= triageDueAt(c, targets)) overdue++;
      if (c.status !== 'IN_TRIAGE' && (!oldest || before(entry, oldest))) oldest = entry;
      if (c.claim) active.add(c.claim.operatorId);
    }
    for (const [actor, at] of this.lastActed) {
      if (now.getTime() - at <= ACTIVE_WINDOW_MS) active.add(actor);
      else this.lastActed.delete(actor);
    }
    return {
      at: now.toISOString(),
      open: this.entries.size,
      depthByPriority,
      byStatus,
      oldestWaiting: oldest && {
        reportId: oldest.case.report.reportId,
        receivedAt: oldest.case.report.receivedAt,
        waitingSeconds: Math.round((now.getTime() - Date.parse(oldest.case.report.receivedAt)) / 1000),
        priority: effectivePriority(oldest.case),
      },
      overdue,
      operatorsActive: active.size,
      activeOperatorIds: [...active].sort(),
    };
  }

  /** Cases a timer must look at: past their triage target and not yet marked, or with a lapsed lease. */
  due(now: Date, targets: PriorityTargets): { overdue: string[]; leaseExpired: string[] } {
    const overdue: string[] = [];
    const leaseExpired: string[] = [];
    for (const { case: c } of this.entries.values()) {
      if (!c.overdue && now >= triageDueAt(c, targets)) overdue.push(c.report.reportId);
      if (c.claim && Date.parse(c.claim.leaseExpiresAt) <= now.getTime()) leaseExpired.push(c.report.reportId);
    }
    return { overdue, leaseExpired };
  }
}

/**
 * The first words of a description. A sealed description is left whole (cutting it would break it):
 * the HTTP view opens it and takes the summary then.
 */
export function summaryOf(description: string): string {
  if (isSealed(description)) return description;
  return description.length > 140 ? `${description.slice(0, 139)}…` : description;
}
