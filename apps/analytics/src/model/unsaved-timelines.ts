import type { TimelineEntry, TimelinePart } from './analytics-model';

/** The hour a whole timeline is filed under: that of its last entry ("YYYY-MM-DDTHH" of an ISO time). */
const hourOfLast = (part: TimelinePart) => part.entries.at(-1)!.at.slice(0, 13);

/**
 * Settled reports' timeline parts not yet written, by part id: the report id for its whole
 * timeline at settling, `report|stream|version` for an entry that came after.
 *
 * A generation catching up holds whole timelines back while a partition behind may still bring one
 * of their entries (`ripe`), so thousands can be held, more the longer the history. They are filed
 * by the hour of their last entry: a flush takes the ripe ones by looking at the hours held and at
 * the timelines of one hour, not at every one held, and a report's held parts are found by its id.
 */
export class UnsavedTimelines {
  private readonly parts = new Map<string, TimelinePart>();
  /** Whole timelines' ids by the hour of their last entry. */
  private readonly wholesByHour = new Map<string, Set<string>>();
  /** Entries that came after settling: each written with the next flush, whatever its time. */
  private readonly after = new Set<string>();

  get size(): number {
    return this.parts.size;
  }

  get(id: string): TimelinePart | undefined {
    return this.parts.get(id);
  }

  set(id: string, part: TimelinePart): void {
    this.file(id, this.parts.get(id), false);
    this.parts.set(id, part);
    this.file(id, part, true);
  }

  delete(id: string): void {
    this.file(id, this.parts.get(id), false);
    this.parts.delete(id);
  }

  clear(): void {
    this.parts.clear();
    this.wholesByHour.clear();
    this.after.clear();
  }

  [Symbol.iterator](): IterableIterator<[string, TimelinePart]> {
    return this.parts.entries();
  }

  /** What to write now: every entry after settling, and the whole timelines whose last entry is before `before` (an ISO time). */
  ripe(before: string): [string, TimelinePart][] {
    const ripe: [string, TimelinePart][] = [];
    const take = (id: string) => ripe.push([id, this.parts.get(id)!]);
    this.after.forEach(take);
    const hourOfBefore = before.slice(0, 13);
    this.wholesByHour.forEach((ids, hour) => {
      if (hour < hourOfBefore) ids.forEach(take);
      else if (hour === hourOfBefore) ids.forEach((id) => this.parts.get(id)!.entries.at(-1)!.at < before && take(id));
    });
    return ripe;
  }

  /** The entries of a report's parts held here (its whole timeline, entries after it), each part on its own. */
  ofReport(reportId: string): TimelineEntry[][] {
    const parts: TimelineEntry[][] = [];
    const whole = this.parts.get(reportId);
    if (whole) parts.push(whole.entries);
    this.after.forEach((id) => {
      const part = this.parts.get(id)!;
      if (part.reportId === reportId) parts.push(part.entries);
    });
    return parts;
  }

  private file(id: string, part: TimelinePart | undefined, add: boolean): void {
    if (!part) return;
    if (id !== part.reportId) {
      if (add) this.after.add(id);
      else this.after.delete(id);
      return;
    }
    const hour = hourOfLast(part);
    let ids = this.wholesByHour.get(hour);
    if (add) {
      if (!ids) this.wholesByHour.set(hour, (ids = new Set()));
      ids.add(id);
    } else if (ids?.delete(id) && ids.size === 0) this.wholesByHour.delete(hour);
  }
}
