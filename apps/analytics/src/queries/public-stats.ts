import { CATEGORIES, PriorityTargets } from '@callcenter/contracts';
import { AnalyticsModel } from '../model/analytics-model';
import { durations, volume } from './analytics-queries';

/** Counts from 1 to this minus one are published as "< 5": too few to publish without pointing at people. */
export const SUPPRESSION_THRESHOLD = 5;
export const SMALL = '< 5';
/** A cell hidden only so that the one small cell of its table cannot be worked out from the total. */
export const HIDDEN = '*';
export type Cell = number | typeof SMALL | typeof HIDDEN;

/** The months people read (Asia/Jakarta, UTC+7 all year since 1964), as `YYYY-MM`. */
export function monthBounds(month: string): { from: Date; to: Date } {
  const [y, m] = month.split('-').map(Number);
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { from: new Date(`${month}-01T00:00:00+07:00`), to: new Date(`${next}-01T00:00:00+07:00`) };
}

export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
  }
  return out;
}

/** The month (Asia/Jakarta) a time falls in. */
export function monthOf(at: Date): string {
  return new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 7);
}

/**
 * Pure. Every key of `keys` gets a cell: 0 stays 0 (nothing happened points at no one), 1..4
 * become "< 5", and when a table has exactly one "< 5" its smallest published cell becomes "*" too,
 * since the total minus the others would give the small one away.
 */
export function suppressTable(counts: Record<string, number>, keys: readonly string[]): Record<string, Cell> {
  const out: Record<string, Cell> = {};
  for (const k of keys) {
    const c = counts[k] ?? 0;
    out[k] = c > 0 && c < SUPPRESSION_THRESHOLD ? SMALL : c;
  }
  const small = keys.filter((k) => out[k] === SMALL);
  if (small.length === 1) {
    const partner = keys.filter((k) => typeof out[k] === 'number' && (out[k] as number) > 0).sort((a, b) => counts[a] - counts[b] || a.localeCompare(b))[0];
    if (partner) out[partner] = HIDDEN;
  }
  return out;
}

export const PUBLIC_MEASURES = [
  { measure: 'received_to_on_scene', from: 'received_to_arrived' },
  { measure: 'received_to_triage_decision', from: 'received_to_decided' },
] as const;

export interface PublicResponseTime {
  measure: (typeof PUBLIC_MEASURES)[number]['measure'];
  count: Cell;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

export interface PublicMonth {
  month: string;
  total: Cell;
  byCategory: Record<string, Cell>;
  byDistrict: Record<string, Cell>;
  responseTimes: PublicResponseTime[];
}

/**
 * Open data: per month, counts by category and by district, and the median and 90th percentile of
 * two response times, computed by the same functions as the analysts' volume and durations. No free
 * text, no coordinates, no district outside the jurisdiction (those count as UNKNOWN), small cells
 * suppressed; a response time measured on fewer than 5 reports is not published.
 */
export function publicStats(model: AnalyticsModel, months: string[], districtCodes: readonly string[], targets: PriorityTargets): PublicMonth[] {
  const known = new Set(districtCodes);
  const districtKeys = [...districtCodes, 'UNKNOWN'];
  return months.map((month) => {
    const filter = monthBounds(month);
    const v = volume(model, filter);
    const byDistrict: Record<string, number> = {};
    for (const [code, count] of Object.entries(v.byDistrict)) {
      const key = known.has(code) ? code : 'UNKNOWN';
      byDistrict[key] = (byDistrict[key] ?? 0) + count;
    }
    const spans = durations(model, filter, targets);
    return {
      month,
      total: v.total > 0 && v.total < SUPPRESSION_THRESHOLD ? SMALL : v.total,
      byCategory: suppressTable(v.byCategory, CATEGORIES),
      byDistrict: suppressTable(byDistrict, districtKeys),
      responseTimes: PUBLIC_MEASURES.map(({ measure, from }) => {
        const s = spans.find((r) => r.measure === from)!;
        const enough = s.count >= SUPPRESSION_THRESHOLD;
        return {
          measure,
          count: s.count > 0 && !enough ? SMALL : s.count,
          medianSeconds: enough ? s.p50Seconds : null,
          p90Seconds: enough ? s.p90Seconds : null,
        };
      }),
    };
  });
}
