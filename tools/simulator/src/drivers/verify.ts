import type { Ledger, LedgerEntry } from '../ledger';
import { analyticsAs, answer, devToken } from './rest';

export interface Comparison {
  what: string;
  ledger: number;
  analytics: number;
  ok: boolean;
}

export interface Verification {
  window: { from: string; to: string } | null;
  /** Every compared figure agrees. */
  matched: boolean;
  comparisons: Comparison[];
  /** Acknowledged reports analytics does not know (404 timeline); checked only when totals differ. */
  lost: string[];
  /** More reports in the window than the ledger acknowledged. */
  extra: number;
  /** Informative, not compared: analytics takes these from the classification, else triage's suggestion. */
  analyticsByCategory: Record<string, number>;
  analyticsByDistrict: Record<string, number>;
  volume: any;
  waitedSeconds: number;
}

const countBy = (entries: LedgerEntry[], key: (e: LedgerEntry) => string | null | undefined) => {
  const out: Record<string, number> = {};
  for (const e of entries) {
    const k = key(e);
    if (k) out[k] = (out[k] ?? 0) + 1;
  }
  return out;
};

/** One entry per acknowledged report (a retried submission answered duplicate=true is the same report). */
export function acknowledgedReports(ledger: Ledger): LedgerEntry[] {
  const seen = new Map<string, LedgerEntry>();
  for (const e of ledger.entries) if (e.submission.reportId && !seen.has(e.submission.reportId)) seen.set(e.submission.reportId, e);
  return [...seen.values()];
}

function compare(ledger: LedgerEntry[], volume: any): Comparison[] {
  const out: Comparison[] = [];
  const add = (what: string, l: number, a: number | undefined) => out.push({ what, ledger: l, analytics: a ?? 0, ok: l === (a ?? 0) });
  add('total', ledger.length, volume.total);
  const states = countBy(ledger, (e) => e.state);
  for (const state of new Set([...Object.keys(states), ...Object.keys(volume.byState ?? {})]))
    add(`state ${state}`, states[state] ?? 0, volume.byState?.[state]);
  const channels = countBy(ledger, (e) => e.channel);
  for (const channel of new Set([...Object.keys(channels), ...Object.keys(volume.byChannel ?? {})]))
    add(`channel ${channel}`, channels[channel] ?? 0, volume.byChannel?.[channel]);
  const decisions = countBy(ledger, (e) => e.triage?.decision);
  add('rejected', decisions.REJECTED ?? 0, volume.notActionable?.rejected);
  add('duplicates', decisions.DUPLICATE ?? 0, volume.notActionable?.duplicates);
  add('advice', decisions.ADVICE_GIVEN ?? 0, volume.notActionable?.adviceOnly);
  add('pranks', ledger.filter((e) => e.triage?.rejectionReason === 'PRANK').length, volume.notActionable?.pranks);
  return out;
}

/**
 * Asks analytics (GET /api/v1/stats/volume for the window the reports were received in) whether it
 * counts what the ledger says happened; waits up to `timeoutMs` for it to catch up.
 */
export async function verifyWithAnalytics(analyticsUrl: string, ledger: Ledger, timeoutMs = 30_000): Promise<Verification> {
  const analyst = analyticsAs(analyticsUrl, devToken('sim-analyst', ['analyst']));
  const reports = acknowledgedReports(ledger);
  const received = reports
    .map((e) => e.submission.receivedAt)
    .filter((x): x is string => !!x)
    .sort();
  const empty: Verification = {
    window: null,
    matched: reports.length === 0,
    comparisons: [],
    lost: [],
    extra: 0,
    analyticsByCategory: {},
    analyticsByDistrict: {},
    volume: null,
    waitedSeconds: 0,
  };
  if (received.length === 0) return empty;
  const from = new Date(Math.floor(Date.parse(received[0]) / 1000) * 1000).toISOString();
  const to = new Date(Math.floor(Date.parse(received[received.length - 1]) / 1000) * 1000 + 1000).toISOString();
  const started = Date.now();
  let volume: any = null;
  let comparisons: Comparison[] = [];
  for (;;) {
    const res = await answer(analyst.GET('/api/v1/stats/volume', { params: { query: { from, to } } }));
    if (res.ok) {
      volume = res.body;
      comparisons = compare(reports, volume);
      if (comparisons.every((c) => c.ok)) break;
    }
    if (Date.now() - started > timeoutMs) break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  const result: Verification = {
    window: { from, to },
    matched: comparisons.length > 0 && comparisons.every((c) => c.ok),
    comparisons,
    lost: [],
    extra: Math.max(0, (volume?.total ?? 0) - reports.length),
    analyticsByCategory: volume?.byCategory ?? {},
    analyticsByDistrict: volume?.byDistrict ?? {},
    volume,
    waitedSeconds: Math.round((Date.now() - started) / 100) / 10,
  };
  if (volume && volume.total !== reports.length) {
    // Which ones? Ask for each report's timeline (bounded).
    for (const e of reports.slice(0, 3_000)) {
      const t = await answer(analyst.GET('/api/v1/reports/{reportId}/timeline', { params: { path: { reportId: e.submission.reportId! } } }));
      if (t.status === 404) result.lost.push(e.submission.reportId!);
    }
  }
  return result;
}
