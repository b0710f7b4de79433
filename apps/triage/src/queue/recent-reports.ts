import { DuplicateCandidate, DuplicateRules, findDuplicateCandidates, RecentReport } from '../suggestions';

const METERS_PER_DEGREE = 111_320;
/**
 * Per cell and per caller, only the latest reports are compared: a big incident can bring hundreds
 * of reports to one spot, and ten candidates are all an operator can use.
 */
const LATEST_PER_BUCKET = 100;

/**
 * The reports of the last duplicate window, in process, bucketed so that a new arrival is compared
 * only with reports in neighbouring grid cells of the same category, or from the same caller:
 * at 200 arrivals a second a 30-minute window holds 360,000 reports.
 */
export class RecentReports {
  private readonly byCell = new Map<string, RecentReport[]>();
  private readonly byCaller = new Map<string, RecentReport[]>();
  private readonly cellDegrees: number;
  private readonly keepMs: number;
  private readonly seen = new Set<string>();
  /** Every kept report in the order added (the order of receipt, but for stragglers): pruning reads only what it forgets. */
  private byArrival: RecentReport[] = [];
  /** Where the kept reports begin in `byArrival`. */
  private oldest = 0;

  constructor(private readonly rules: DuplicateRules) {
    this.cellDegrees = rules.radiusMeters / METERS_PER_DEGREE;
    this.keepMs = Math.max(rules.windowMinutes, rules.sameCallerMinutes) * 60_000;
  }

  get size(): number {
    return this.seen.size;
  }

  private cell(category: string, latitude: number, longitude: number): [number, number, string] {
    const row = Math.floor(latitude / this.cellDegrees);
    const column = Math.floor(longitude / this.cellDegrees);
    return [row, column, `${category}:${row}:${column}`];
  }

  add(report: RecentReport): void {
    if (this.seen.has(report.reportId)) return;
    this.seen.add(report.reportId);
    if (report.latitude !== null && report.longitude !== null) {
      const [, , key] = this.cell(report.category, report.latitude, report.longitude);
      push(this.byCell, key, report);
    }
    if (report.callerRef) push(this.byCaller, report.callerRef, report);
    this.byArrival.push(report);
  }

  /** Possible duplicates of a report among the recent ones (the report itself excluded). */
  candidatesFor(report: RecentReport): DuplicateCandidate[] {
    const pool: RecentReport[] = [];
    if (report.latitude !== null && report.longitude !== null) {
      const [row, column] = this.cell(report.category, report.latitude, report.longitude);
      for (let r = row - 1; r <= row + 1; r++) {
        for (let c = column - 1; c <= column + 1; c++) pool.push(...latest(this.byCell.get(`${report.category}:${r}:${c}`)));
      }
    }
    if (report.callerRef) pool.push(...latest(this.byCaller.get(report.callerRef)));
    return findDuplicateCandidates(report, pool, this.rules);
  }

  /**
   * Forgets reports received longer ago than the longest window (relative to `now`). By receipt, not
   * by when they happened: this bounds memory; which of the kept reports are candidates is decided
   * by when each happened (`incidentTime`), so a backlog flushed at once is not matched across days.
   * It reads the oldest reports only, in the order they were added, and stops at the first one still
   * in the window (a straggler received earlier than one added before it is forgotten with or after
   * that one): every second, with hundreds of thousands of reports kept, walking them all held up
   * every request (issue 15).
   */
  prune(now: Date): void {
    const horizon = new Date(now.getTime() - this.keepMs).toISOString();
    const reports = this.byArrival;
    let next = this.oldest;
    for (; next < reports.length && reports[next].receivedAt < horizon; next++) this.forget(reports[next]);
    this.oldest = next;
    if (next > 1_024 && next * 2 > reports.length) [this.byArrival, this.oldest] = [reports.slice(next), 0];
  }

  /** Puts the kept reports in order of receipt, after adding them in another order (the queue's snapshot at start), so pruning finds the oldest first. */
  orderByReceipt(): void {
    [this.byArrival, this.oldest] = [
      this.byArrival.slice(this.oldest).sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0)),
      0,
    ];
  }

  private forget(report: RecentReport): void {
    this.seen.delete(report.reportId);
    if (report.latitude !== null && report.longitude !== null) drop(this.byCell, this.cell(report.category, report.latitude, report.longitude)[2], report);
    if (report.callerRef) drop(this.byCaller, report.callerRef, report);
  }
}

const latest = (reports: RecentReport[] | undefined) => (reports ?? []).slice(-LATEST_PER_BUCKET);

function push(map: Map<string, RecentReport[]>, key: string, report: RecentReport) {
  const list = map.get(key);
  if (list) list.push(report);
  else map.set(key, [report]);
}

/** Takes `report` out of its list (the first one, as lists grow by arrival), and the list once empty. */
function drop(map: Map<string, RecentReport[]>, key: string, report: RecentReport) {
  const list = map.get(key) ?? [];
  const at = list[0] === report ? 0 : list.indexOf(report);
  if (at < 0) return;
  if (list.length === 1) map.delete(key);
  else list.splice(at, 1);
}
