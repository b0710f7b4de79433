import FastBitSet from 'fastbitset';
import { Category, Channel, Priority, PRIORITIES, PriorityTargets } from '@callcenter/contracts';
import { isSealed, SYSTEM_ACTOR, TriageEnvelope } from '@callcenter/events';
import { CaseStatus, effectiveCategory, effectiveDistrict, effectivePriority, isOpen, TriageCase, triageCaseDecider } from '../case/triage-case.decider';

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

/**
 * A case as the list reads it: the effective fields worked out once, when the case changes, so a
 * filter compares plain values instead of walking the case (issue 15).
 */
export interface QueueRow extends Omit<QueueItem, 'waitingSeconds' | 'dueAt' | 'overdue' | 'flags'> {
  receivedAtMs: number;
  /** TriageOverdue was recorded; the clock may make a case overdue before that. */
  markedOverdue: boolean;
  leaseExpiresAtMs: number | null;
  lowTrust: boolean;
  possibleDuplicates: number;
  flagged: boolean;
}

/** An open case in the index: its (slimmed) state for the next event, and its row for the list. */
export interface IndexedCase extends QueueEntry {
  row: QueueRow;
}

/** An operator counts as active if they acted within this window or hold a claim. */
const ACTIVE_WINDOW_MS = 15 * 60_000;
const RANK = Object.fromEntries(PRIORITIES.map((p, i) => [p, i])) as Record<Priority, number>;

/** The row of a case at a version. Pure. */
export function queueRowOf(c: TriageCase, version: number): QueueRow {
  const { suggestion } = c.report;
  const lowTrust = suggestion.lowTrust.flagged;
  const possibleDuplicates = suggestion.duplicateCandidates.length;
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
    receivedAtMs: Date.parse(c.report.receivedAt),
    markedOverdue: c.overdue,
    escalated: c.escalated,
    claim: c.claim,
    leaseExpiresAtMs: c.claim ? Date.parse(c.claim.leaseExpiresAt) : null,
    lowTrust,
    possibleDuplicates,
    flagged: lowTrust || possibleDuplicates > 0,
    summary: summaryOf(c.report.description),
    peopleInjured: c.report.peopleInjured,
    version,
  };
}

/** The queue's order: most urgent first, then longest waiting (then by id, so the order is total). */
export function compareQueueRows(a: QueueRow, b: QueueRow): number {
  return RANK[a.priority] - RANK[b.priority] || a.receivedAtMs - b.receivedAtMs || (a.reportId < b.reportId ? -1 : a.reportId > b.reportId ? 1 : 0);
}

/** When the case must have a triage decision, in ms. */
export const rowDueAtMs = (row: QueueRow, targets: PriorityTargets) => row.receivedAtMs + targets[row.priority].triageSeconds * 1000;

export const isRowOverdue = (row: QueueRow, nowMs: number, targets: PriorityTargets) => row.markedOverdue || nowMs >= rowDueAtMs(row, targets);

/** The filter as a test of one row. Pure; `now` and the targets decide `overdue`. */
export function queueFilter(filter: QueueFilter, now: Date, targets: PriorityTargets): (row: QueueRow) => boolean {
  const priority = filter.priority && new Set(filter.priority);
  const status = filter.status && new Set(filter.status);
  const category = filter.category && new Set(filter.category);
  const district = filter.district && new Set(filter.district);
  const channel = filter.channel && new Set(filter.channel);
  const nowMs = now.getTime();
  return (row) =>
    (!priority || priority.has(row.priority)) &&
    (!status || status.has(row.status)) &&
    (!category || category.has(row.category)) &&
    (!district || district.has(row.district ?? '')) &&
    (!channel || channel.has(row.channel)) &&
    (filter.flagged === undefined || filter.flagged === row.flagged) &&
    (filter.overdue === undefined || filter.overdue === isRowOverdue(row, nowMs, targets)) &&
    (filter.claimedBy === undefined || row.claim?.operatorId === filter.claimedBy);
}

/** The list's view of a row at `now`. Pure. */
export function queueItemOf(row: QueueRow, now: Date, targets: PriorityTargets): QueueItem {
  const dueAtMs = rowDueAtMs(row, targets);
  return {
    reportId: row.reportId,
    trackingCode: row.trackingCode,
    status: row.status,
    priority: row.priority,
    category: row.category,
    classified: row.classified,
    district: row.district,
    channel: row.channel,
    receivedAt: row.receivedAt,
    waitingSeconds: Math.max(0, Math.round((now.getTime() - row.receivedAtMs) / 1000)),
    dueAt: new Date(dueAtMs).toISOString(),
    overdue: row.markedOverdue || now.getTime() >= dueAtMs,
    escalated: row.escalated,
    claim: row.claim,
    flags: { lowTrust: row.lowTrust, possibleDuplicates: row.possibleDuplicates },
    summary: row.summary,
    peopleInjured: row.peopleInjured,
    version: row.version,
  };
}

/**
 * What the queue keeps of a case between events: enough to evolve it and to answer the list, the
 * duplicate search and the timers. The suggestion's reasons, the address and the full description
 * are read from the event store when someone opens the case. A sealed description stays whole
 * (cutting ciphertext would break it); it is opened and cut per listed item.
 */
function slim(c: TriageCase): TriageCase {
  const { description, location, suggestion } = c.report;
  const { reasons, categories, words, ...kept } = suggestion;
  const trimmed = summaryOf(description);
  if (!reasons?.length && !categories && !words && location.address === null && trimmed === description) return c;
  return {
    ...c,
    report: { ...c.report, description: trimmed, location: { ...location, address: null }, suggestion: { ...kept, reasons: [] } },
  };
}

/** Counters of one lane, by filter field and value: `status:QUEUED`, `district:TEBET`, … */
const countKeys = (row: QueueRow): string[] => {
  const keys = [`status:${row.status}`, `category:${row.category}`, `district:${row.district ?? ''}`, `channel:${row.channel}`];
  if (row.claim) keys.push(`claimedBy:${row.claim.operatorId}`);
  if (row.flagged) keys.push('flagged');
  return keys;
};

/**
 * How many of a lane's rows have one of each field's values (and are not flagged, if asked): the
 * size of the intersection of each field's union of value bitsets. No row is read, so a combined
 * filter costs the same whichever values it names (issue 15).
 */
function countInBits(bits: Map<string, FastBitSet>, fields: string[][], notFlagged: boolean): number {
  const unions: FastBitSet[] = [];
  for (const keys of fields) {
    const sets = keys.flatMap((key) => bits.get(key) ?? []);
    if (sets.length === 0) return 0;
    unions.push(sets.length === 1 ? sets[0] : sets.slice(1).reduce((union, set) => union.union(set), sets[0].clone()));
  }
  const flagged = notFlagged ? bits.get('flagged') : undefined;
  if (unions.length === 1) return flagged ? unions[0].difference_size(flagged) : unions[0].size();
  if (unions.length === 2 && !flagged) return unions[0].intersection_size(unions[1]);
  const all = unions.slice(2).reduce((acc, set) => acc.intersection(set), unions[0].new_intersection(unions[1]));
  return flagged ? all.difference_size(flagged) : all.size();
}

/** The value fields a filter names, each as its counters' keys (`district:TEBET`, …); not `flagged` or `overdue`. */
function valueFields(filter: QueueFilter): string[][] {
  const fields: string[][] = [];
  if (filter.status) fields.push([...new Set(filter.status)].map((v) => `status:${v}`));
  if (filter.category) fields.push([...new Set(filter.category)].map((v) => `category:${v}`));
  if (filter.district) fields.push([...new Set(filter.district)].map((v) => `district:${v}`));
  if (filter.channel) fields.push([...new Set(filter.channel)].map((v) => `channel:${v}`));
  if (filter.claimedBy !== undefined) fields.push([`claimedBy:${filter.claimedBy}`]);
  return fields;
}

interface Lane {
  /** Sorted by arrival (receivedAtMs, then reportId). */
  rows: QueueRow[];
  /**
   * The rows of each filter value (`status:QUEUED`, `district:TEBET`, `flagged`, …), in the lane's
   * order: its count is the length, and a deep page of one value is read by index.
   */
  members: Map<string, QueueRow[]>;
  /** Rows with TriageOverdue recorded: the only overdue ones past the lane's time cut. */
  marked: Set<QueueRow>;
  /** The same rows of each filter value as a bitset of their cases' slots: a combined filter counts by intersecting them. */
  bits: Map<string, FastBitSet>;
}

/** The first place in rows in queue order whose row does not come before `row`. */
function positionOf(rows: QueueRow[], row: QueueRow): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareQueueRows(rows[mid], row) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Puts a row in its place in rows in queue order; usually the end, as arrivals come in order. */
function insertInOrder(rows: QueueRow[], row: QueueRow): void {
  if (rows.length === 0 || compareQueueRows(rows[rows.length - 1], row) < 0) rows.push(row);
  else rows.splice(positionOf(rows, row), 0, row);
}

/** Takes a row out of rows in queue order; false if it was not there. */
function removeInOrder(rows: QueueRow[], row: QueueRow): boolean {
  let at = positionOf(rows, row);
  while (at < rows.length && rows[at] !== row) at++;
  return removeAt(rows, at);
}

function removeAt(rows: QueueRow[], at: number): boolean {
  if (at < 0 || at >= rows.length) return false;
  rows.splice(at, 1);
  return true;
}

/** The rows of several lists in queue order, merged (a field's values are disjoint, so no row comes twice). */
function* mergedInOrder(lists: QueueRow[][]): Generator<QueueRow> {
  if (lists.length === 1) {
    yield* lists[0];
    return;
  }
  const at = lists.map(() => 0);
  for (;;) {
    let next = -1;
    for (let i = 0; i < lists.length; i++) {
      if (at[i] < lists[i].length && (next < 0 || compareQueueRows(lists[i][at[i]], lists[next][at[next]]) < 0)) next = i;
    }
    if (next < 0) return;
    yield lists[next][at[next]++];
  }
}

/**
 * The rows of the field with the fewest in a lane, one list per value. A row has one value per
 * field, so they are disjoint, and every row that matches the whole filter is among them.
 */
function smallestField(lane: Lane, fields: string[][]): QueueRow[][] {
  const listsOf = (keys: string[]): QueueRow[][] => keys.map((key) => lane.members.get(key) ?? []);
  const sizeOf = (lists: QueueRow[][]) => lists.reduce((n, rows) => n + rows.length, 0);
  return fields.map(listsOf).reduce((a, b) => (sizeOf(b) < sizeOf(a) ? b : a));
}

/** How many rows of a sorted lane arrived at or before `ms`. */
function arrivedBy(rows: QueueRow[], ms: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid].receivedAtMs <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The open cases, in process, ordered by priority and then by waiting time. Listing 100,000 cases
 * with filters must answer in milliseconds, and the embedded database scans on anything but `_id`,
 * so the order is kept here: one lane per priority, each sorted by arrival, of flat rows, with
 * the rows of each filter value per lane. A list with no filter or one filter field takes its total
 * from their counts and reads only the rows of its page; more fields check only the rows of their
 * most selective value (a full scan of plain values when none names a value). Within a
 * lane the due time grows with arrival, so the overdue cases are a prefix (plus those marked
 * overdue before a reclassification moved their target), found by binary search.
 *
 * Only open cases are held: a case that closes leaves the index (its history is in the event store).
 *
 * Fed by the triage topic: `apply` takes events in stream order per case and tells a gap (an event
 * whose predecessors it has not seen) so the caller can fold the case from the event store instead.
 */
export class QueueIndex {
  private readonly entries = new Map<string, IndexedCase>();
  private readonly lanes = Object.fromEntries(
    PRIORITIES.map((p) => [p, { rows: [], members: new Map(), marked: new Set(), bits: new Map() } as Lane]),
  ) as Record<Priority, Lane>;
  private readonly lastActed = new Map<string, number>();
  /** Claims held per operator: they count as active whatever the time of their last act. */
  private readonly claims = new Map<string, number>();
  /** Each open case's number in the lanes' bitsets, kept while it is open; numbers of closed cases are reused. */
  private readonly slots = new Map<string, number>();
  private readonly freeSlots: number[] = [];
  /** While a snapshot loads, rows are appended as they come and each list is sorted once at the end. */
  private unsorted = false;

  get size(): number {
    return this.entries.size;
  }

  get(reportId: string): IndexedCase | undefined {
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
    this.remove(known.row);
    this.entries.delete(reportId);
    this.releaseSlot(reportId);
  }

  /** Sets a case as folded elsewhere (the stored snapshot, or the event store after a gap). */
  load(entry: QueueEntry): void {
    const known = this.entries.get(entry.case.report.reportId);
    if (known && known.version >= entry.version) return;
    this.put(entry);
  }

  /**
   * Loads many cases in whatever order they come (the stored snapshot at start, in id order): placing
   * each row in its lane would move half the lane every time, so rows are appended while `fill` runs
   * and every lane is sorted once when it is done.
   */
  async loadInBulk(fill: (load: (entry: QueueEntry) => void) => Promise<void>): Promise<void> {
    this.unsorted = true;
    try {
      await fill((entry) => this.load(entry));
    } finally {
      this.unsorted = false;
      for (const lane of Object.values(this.lanes)) {
        lane.rows.sort(compareQueueRows);
        for (const rows of lane.members.values()) rows.sort(compareQueueRows);
      }
    }
  }

  private put(entry: QueueEntry): void {
    const id = entry.case.report.reportId;
    const previous = this.entries.get(id);
    if (previous) this.remove(previous.row);
    if (!isOpen(entry.case)) {
      this.entries.delete(id);
      this.releaseSlot(id);
      return;
    }
    const c = slim(entry.case);
    const row = queueRowOf(c, entry.version);
    this.entries.set(id, { case: c, version: entry.version, row });
    this.insert(row);
  }

  private insert(row: QueueRow): void {
    const lane = this.lanes[row.priority];
    // Usually the end: arrivals come in order. A case that moved lanes goes back by binary search.
    const place = this.unsorted ? (rows: QueueRow[]) => rows.push(row) : (rows: QueueRow[]) => insertInOrder(rows, row);
    place(lane.rows);
    const slot = this.slotOf(row.reportId);
    for (const key of countKeys(row)) {
      const members = lane.members.get(key);
      if (members) place(members);
      else lane.members.set(key, [row]);
      const bits = lane.bits.get(key);
      if (bits) bits.add(slot);
      else lane.bits.set(key, new FastBitSet([slot]));
    }
    if (row.markedOverdue) lane.marked.add(row);
    if (row.claim) this.claims.set(row.claim.operatorId, (this.claims.get(row.claim.operatorId) ?? 0) + 1);
  }

  private remove(row: QueueRow): void {
    const lane = this.lanes[row.priority];
    const take = this.unsorted ? (rows: QueueRow[]) => removeAt(rows, rows.indexOf(row)) : (rows: QueueRow[]) => removeInOrder(rows, row);
    if (!take(lane.rows)) return;
    const slot = this.slots.get(row.reportId)!; // given when the row went in
    for (const key of countKeys(row)) {
      const members = lane.members.get(key)!;
      take(members);
      lane.bits.get(key)!.remove(slot);
      if (members.length === 0) {
        lane.members.delete(key);
        lane.bits.delete(key);
      }
    }
    lane.marked.delete(row);
    if (row.claim) {
      const n = this.claims.get(row.claim.operatorId)! - 1;
      if (n === 0) this.claims.delete(row.claim.operatorId);
      else this.claims.set(row.claim.operatorId, n);
    }
  }

  private slotOf(reportId: string): number {
    let slot = this.slots.get(reportId);
    if (slot === undefined) this.slots.set(reportId, (slot = this.freeSlots.pop() ?? this.slots.size));
    return slot;
  }

  private releaseSlot(reportId: string): void {
    const slot = this.slots.get(reportId);
    if (slot === undefined) return;
    this.slots.delete(reportId);
    this.freeSlots.push(slot);
  }

  private noteActivity(actor: string, at: string): void {
    if (actor === SYSTEM_ACTOR) return;
    const time = Date.parse(at);
    if (!(time <= (this.lastActed.get(actor) ?? -Infinity))) this.lastActed.set(actor, time);
  }

  /** Overdue cases of a lane at `nowMs`: the prefix past the lane's target, plus marked ones after it. */
  private overdueIn(priority: Priority, nowMs: number, targets: PriorityTargets): number {
    const lane = this.lanes[priority];
    const cut = nowMs - targets[priority].triageSeconds * 1000;
    let n = arrivedBy(lane.rows, cut);
    for (const row of lane.marked) if (row.receivedAtMs > cut) n++;
    return n;
  }

  /**
   * How many rows of a lane match, without walking the lane: from the counts when the filter names at
   * most one field; by intersecting value bitsets when it names several but not `overdue`; else by
   * checking only the rows of its most selective named value (or of `flagged`).
   */
  private countIn(priority: Priority, filter: QueueFilter, matches: (row: QueueRow) => boolean, nowMs: number, targets: PriorityTargets): number {
    const lane = this.lanes[priority];
    const size = (key: string) => lane.members.get(key)?.length ?? 0;
    const fields = valueFields(filter);
    const named = fields.length + (filter.flagged === undefined ? 0 : 1) + (filter.overdue === undefined ? 0 : 1);
    if (named === 0) return lane.rows.length;
    if (named === 1) {
      if (fields.length === 1) return fields[0].reduce((n, key) => n + size(key), 0);
      if (filter.flagged !== undefined) return filter.flagged ? size('flagged') : lane.rows.length - size('flagged');
      const overdue = this.overdueIn(priority, nowMs, targets);
      return filter.overdue ? overdue : lane.rows.length - overdue;
    }
    if (filter.flagged === true) fields.push(['flagged']);
    if (fields.length === 0) {
      // Only `flagged=false` and `overdue`: the rows in that overdue state, less the (few) flagged ones among them.
      const overdue = this.overdueIn(priority, nowMs, targets);
      let flaggedToo = 0;
      for (const row of lane.members.get('flagged') ?? []) if (isRowOverdue(row, nowMs, targets) === filter.overdue) flaggedToo++;
      return (filter.overdue ? overdue : lane.rows.length - overdue) - flaggedToo;
    }
    if (filter.overdue === undefined) return countInBits(lane.bits, fields, filter.flagged === false);
    let n = 0;
    for (const row of mergedInOrder(smallestField(lane, fields))) if (matches(row)) n++;
    return n;
  }

  /**
   * The rows a page of a lane is read from, in the lane's order: the rows of the filter's most
   * selective named value (or of `flagged`), else the whole lane; `exact` when every one of them
   * matches, so the page can start by index instead of by reading the rows before it.
   */
  private candidates(lane: Lane, filter: QueueFilter): { lists: QueueRow[][]; exact: boolean } {
    const fields = valueFields(filter);
    if (filter.flagged === true) fields.push(['flagged']);
    const exact = fields.length <= 1 && filter.flagged !== false && filter.overdue === undefined;
    return { lists: fields.length === 0 ? [lane.rows] : smallestField(lane, fields), exact };
  }

  /** Most urgent first, then longest waiting. */
  list(filter: QueueFilter, offset: number, limit: number, now: Date, targets: PriorityTargets): { total: number; items: QueueItem[] } {
    const { priority: _priority, ...rest } = filter;
    const matches = queueFilter(rest, now, targets);
    const nowMs = now.getTime();
    const items: QueueItem[] = [];
    let total = 0;
    for (const priority of PRIORITIES) {
      if (filter.priority && !filter.priority.includes(priority)) continue;
      const counted = this.countIn(priority, rest, matches, nowMs, targets);
      if (items.length < limit && total + counted > offset) {
        const { lists, exact } = this.candidates(this.lanes[priority], rest);
        const skip = Math.max(0, offset - total);
        if (exact && lists.length === 1) {
          // Every row of the lane (no filter) or of the one value matches: the page is a slice of them.
          for (let k = skip; k < lists[0].length && items.length < limit; k++) items.push(queueItemOf(lists[0][k], now, targets));
        } else {
          // Read the candidates until the page is full.
          let seen = 0;
          for (const row of mergedInOrder(lists)) {
            if (items.length >= limit) break;
            if (!matches(row)) continue;
            if (seen >= skip) items.push(queueItemOf(row, now, targets));
            seen++;
          }
        }
      }
      total += counted;
    }
    return { total, items };
  }

  /** The list's view of a case (also of one folded from the event store, open or not). */
  item(entry: QueueEntry, now: Date, targets: PriorityTargets): QueueItem {
    return queueItemOf(queueRowOf(entry.case, entry.version), now, targets);
  }

  stats(now: Date, targets: PriorityTargets): QueueStats {
    const nowMs = now.getTime();
    const depthByPriority = {} as Record<Priority, number>;
    const byStatus = { QUEUED: 0, IN_TRIAGE: 0, ESCALATED: 0 };
    let overdue = 0;
    let oldest: QueueRow | null = null;
    for (const priority of PRIORITIES) {
      const lane = this.lanes[priority];
      depthByPriority[priority] = lane.rows.length;
      for (const status of Object.keys(byStatus) as (keyof typeof byStatus)[]) byStatus[status] += lane.members.get(`status:${status}`)?.length ?? 0;
      overdue += this.overdueIn(priority, nowMs, targets);
      // The lane's longest waiting case not being worked on: claimed cases are few, so this stops early.
      const waiting = lane.rows.find((row) => row.status !== 'IN_TRIAGE');
      if (
        waiting &&
        (!oldest || waiting.receivedAtMs < oldest.receivedAtMs || (waiting.receivedAtMs === oldest.receivedAtMs && waiting.reportId < oldest.reportId))
      ) {
        oldest = waiting;
      }
    }
    const active = new Set<string>(this.claims.keys());
    for (const [actor, at] of this.lastActed) {
      if (nowMs - at <= ACTIVE_WINDOW_MS) active.add(actor);
      else this.lastActed.delete(actor);
    }
    return {
      at: now.toISOString(),
      open: this.entries.size,
      depthByPriority,
      byStatus,
      oldestWaiting: oldest && {
        reportId: oldest.reportId,
        receivedAt: oldest.receivedAt,
        waitingSeconds: Math.round((nowMs - oldest.receivedAtMs) / 1000),
        priority: oldest.priority,
      },
      overdue,
      operatorsActive: active.size,
      activeOperatorIds: [...active].sort(),
    };
  }

  /** Cases a timer must look at: past their triage target and not yet marked, or with a lapsed lease. */
  due(now: Date, targets: PriorityTargets): { overdue: string[]; leaseExpired: string[] } {
    const nowMs = now.getTime();
    const overdue: string[] = [];
    const leaseExpired: string[] = [];
    for (const priority of PRIORITIES) {
      const { rows } = this.lanes[priority];
      const pastTarget = arrivedBy(rows, nowMs - targets[priority].triageSeconds * 1000);
      for (let k = 0; k < pastTarget; k++) if (!rows[k].markedOverdue) overdue.push(rows[k].reportId);
    }
    for (const { row } of this.entries.values()) {
      if (row.leaseExpiresAtMs !== null && row.leaseExpiresAtMs <= nowMs) leaseExpired.push(row.reportId);
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
