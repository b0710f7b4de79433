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
    else target[key] = addCounts(target[key] ?? (value instanceof Map ? new Map() : Array.isArray(value) ? [] : {}), value);
  }
  return into;
}

type Held = { version: number; part: unknown };

/**
 * Each query's part of an answer for each local day, remembered until that day's cells change (a
 * day's version moves on): a whole-history query then adds up one part a day instead of reading
 * every report's cells. Parts are kept for the `maxQueries` queries (name and filter) asked most
 * recently; the first answer to a query reads its cells once.
 */
export class DayParts {
  private readonly byQuery = new Map<string, Map<string, Held>>();

  constructor(private readonly maxQueries = 24) {}

  /** The query's part for `day` at `version`, made by `make` when not held. */
  part<P>(query: string, day: string, version: number, make: () => P): P {
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

const held = new WeakMap<object, DayParts>();
/** The day parts remembered for one set of aggregates (they go with it). */
export const dayPartsOf = (aggregates: object): DayParts => held.get(aggregates) ?? held.set(aggregates, new DayParts()).get(aggregates)!;
