/** Counts to add up: numbers, or records, arrays and maps of them at any depth. */
export type Counts = number | { [key: string]: Counts } | Counts[] | Map<unknown, number>;

/** Adds `part` into `into`, key by key at every depth (numbers add; records, arrays and maps of numbers merge), and returns `into`. */
export function addCounts<T extends Counts>(into: T, part: T): T {
  if (part instanceof Map) {
    const m = into as Map<unknown, number>;
    for (const [k, n] of part as Map<unknown, number>) m.set(k, (m.get(k) ?? 0) + n);
    return into;
  }
  const target = into as Record<string, Counts>;
  for (const key in part as Record<string, Counts>) {
    const value = (part as Record<string, Counts>)[key];
    if (typeof value === 'number') target[key] = ((target[key] as number | undefined) ?? 0) + value;
    // A map added to nothing is copied whole (much faster than key by key).
    else if (value instanceof Map && !(target[key] as Map<unknown, number> | undefined)?.size) target[key] = new Map(value);
    else target[key] = addCounts(target[key] ?? (value instanceof Map ? new Map() : Array.isArray(value) ? [] : {}), value);
  }
  return into;
}

type Held = { version: number | string; part: unknown };

/**
 * Each query's part of an answer for each local day, remembered until that day's cells change (a
 * day's version moves on): a whole-history query then adds up one part a day instead of reading
 * every report's cells. Parts are kept for the `maxQueries` queries (name and filter) asked most
 * recently; the first answer to a query reads its cells once.
 */
export class DayParts {
  private readonly byQuery = new Map<string, Map<string, Held>>();

  constructor(private readonly maxQueries = 24) {}

  /** The query's part for `day` (or a month) at `version`, made by `make` when not held. */
  part<P>(query: string, day: string, version: number | string, make: () => P): P {
    let days = this.byQuery.get(query);
    if (days)
      this.byQuery.delete(query); // set again below: the most recently asked last
    else days = new Map();
    this.byQuery.set(query, days);
    if (this.byQuery.size > this.maxQueries) this.byQuery.delete(this.byQuery.keys().next().value!);
    const held = days.get(day);
    if (held?.version === version) return held.part as P;
    const part = make();
    days.set(day, { version, part });
    return part;
  }
}

/** A local day a query reaches: its version, whether the window holds it whole (only then may its part be remembered), and its part. */
export interface ReachedDay<P> {
  day: string;
  version: number;
  whole: boolean;
  part: () => P;
}

/** A calendar month's part of an answer: the days of it the window reaches, merged. */
export interface MonthPart<P> {
  month: string;
  part: P;
}

/**
 * The days' parts merged month by month. A month whose days are all whole is merged once and
 * remembered as the month's part while none of its days changes (nor is added or gone), so a
 * whole-history answer reads one part a month, however long the history; a month the window cuts
 * is merged afresh. Months never share a local day, so what is counted by day is never in two months.
 */
export function monthParts<P, M = P>(
  days: ReachedDay<P>[],
  remembered: DayParts | null,
  query: string,
  merge: (parts: P[], month: string) => M,
): MonthPart<M>[] {
  const months = new Map<string, ReachedDay<P>[]>();
  for (const d of days) (months.get(d.day.slice(0, 7)) ?? months.set(d.day.slice(0, 7), []).get(d.day.slice(0, 7))!).push(d);
  return Array.from(months, ([month, ofMonth]) => {
    const merged = () =>
      merge(
        ofMonth.map((d) => d.part()),
        month,
      );
    if (!remembered || !ofMonth.every((d) => d.whole)) return { month, part: merged() };
    return { month, part: remembered.part(query, month, ofMonth.map((d) => `${d.day}@${d.version}`).join(' '), merged) };
  });
}

/** The sum of the days' parts, added up one month's part at a time (see `monthParts`). */
export function sumOfDays<P extends Counts>(days: ReachedDay<P>[], remembered: DayParts | null, query: string, empty: () => P): P {
  const sum = (parts: P[]) => parts.reduce((total, p) => addCounts(total, p), empty());
  return sum(monthParts(days, remembered, query, sum).map((m) => m.part));
}

const held = new WeakMap<object, DayParts>();
/** The day parts remembered for one set of aggregates (they go with it). */
export const dayPartsOf = (aggregates: object): DayParts => held.get(aggregates) ?? held.set(aggregates, new DayParts()).get(aggregates)!;
