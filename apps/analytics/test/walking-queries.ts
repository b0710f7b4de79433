import { CATEGORIES, Category } from '@callcenter/contracts';
import { AnalyticsModel } from '../src/model/analytics-model';
import { placedAt } from '../src/model/hourly-aggregates';
import { categoryOf, districtOf, priorityOf, stateOf, stepsOf } from '../src/model/report-fact';
import { seconds } from '../src/model/spans';
import { addArrivals, arrivalCounts, loadAnswer, selectFacts, staffingAnswer, StatsFilter, runOf, volumeAnswer } from '../src/queries/analytics-queries';

/**
 * The reference for the hourly aggregates: volume, load, staffing, hotspots and workload as they
 * were answered before the aggregates, by walking every report placed in the period (brute force).
 * The property test (hourly-aggregates.unit.spec.ts) holds the service's answers equal to these.
 */

const OFFSET_MS = 7 * 3_600_000;
const localParts = (ms: number) => {
  const d = new Date(ms + OFFSET_MS);
  return { hour: d.getUTCHours(), weekday: d.getUTCDay(), day: d.toISOString().slice(0, 10) };
};

/** 2. Volume and filtering: how much came in, what became of it, and how much could not be acted on. */
export function volumeByWalking(model: AnalyticsModel, filter: StatsFilter) {
  const basis = filter.basis ?? 'received';
  const reports = selectFacts(model, filter).map((f) => ({
    category: categoryOf(f),
    channel: f.channel,
    district: districtOf(f),
    priority: priorityOf(f),
    state: stateOf(f),
    decision: f.decision,
    rejectionReason: f.rejectionReason,
    merged: !!f.mergedInto,
    splitOut: (f.splits ?? 0) > 0,
    reports: 1,
    day: localParts(placedAt(f, basis)).day,
  }));
  return volumeAnswer(basis, reports, (r) => r.day);
}

/**
 * 4. Load: arrivals by hour of day and day of week (Asia/Jakarta), queue depth over time, peaks.
 * Always by receipt: load is the work that reached operators, whenever the incident happened.
 */
export function loadByWalking(model: AnalyticsModel, filter: StatsFilter, stepMinutes = 15) {
  const facts = selectFacts(model, { ...filter, basis: 'received' });
  const counts = arrivalCounts();
  for (const f of facts) addArrivals(counts, Math.floor(f.receivedAt! / 3_600_000), 1);
  const [arrivals, taken] = [new Map<number, number>(), new Map<number, number>()];
  const add = (times: Map<number, number>, t: number) => times.set(t, (times.get(t) ?? 0) + 1);
  for (const f of facts) {
    add(arrivals, f.receivedAt!);
    const takes = [f.claimedAt, f.decidedAt].filter((x): x is number => x !== null);
    if (takes.length) add(taken, Math.min(...takes));
  }
  return loadAnswer(counts, [runOf([arrivals])], [runOf([taken])], filter, stepMinutes);
}

/**
 * 5. Staffing: for each hour of day, operators needed by Erlang C beside those who were active.
 * Always by receipt: operators are needed when calls arrive, not when the incidents happened.
 */
export function staffingByWalking(model: AnalyticsModel, filter: StatsFilter, level: { share: number; withinSeconds: number }) {
  const facts = selectFacts(model, { ...filter, basis: 'received' });
  const days = new Set<string>();
  const arrivals = Array.from({ length: 24 }, () => 0);
  const handling: number[][] = Array.from({ length: 24 }, () => []);
  const active: Map<string, Set<string>>[] = Array.from({ length: 24 }, () => new Map());
  for (const f of facts) {
    const { hour, day } = localParts(f.receivedAt!);
    days.add(day);
    arrivals[hour]++;
    // Handling time: from an operator taking the report to their decision.
    const h = seconds(f.claimedAt, f.decidedAt);
    if (h !== null && h >= 0) handling[hour].push(h);
    for (const s of stepsOf(f.steps)) {
      if (s.step !== 'CLAIMED' && s.step !== 'CLASSIFIED' && s.step !== 'DECIDED') continue;
      const p = localParts(s.at);
      if (!active[p.hour].has(p.day)) active[p.hour].set(p.day, new Set());
      active[p.hour].get(p.day)!.add(s.actor);
    }
  }
  const allHandling = handling.flat();
  const overallAht = allHandling.length ? allHandling.reduce((a, b) => a + b, 0) / allHandling.length : null;
  const averageOf = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : overallAht);
  const activePairs = active.map((byDay) => [...byDay.values()].reduce((n, actors) => n + actors.size, 0));
  return staffingAnswer(level, days, arrivals, activePairs, (hour) => averageOf(handling[hour]));
}

/** 6. Hotspots: per district and per grid cell, with the category mix; the top `limit` cells. */
export function hotspotsByWalking(model: AnalyticsModel, filter: StatsFilter, limit = 10, cellDegrees = 0.01) {
  const facts = selectFacts(model, filter);
  const empty = () => Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  const districts = new Map<string, { total: number; byCategory: Record<Category, number> }>();
  const cells = new Map<string, { latitude: number; longitude: number; total: number; byCategory: Record<Category, number> }>();
  for (const f of facts) {
    const category = categoryOf(f);
    const district = districtOf(f) ?? 'UNKNOWN';
    const d = districts.get(district) ?? { total: 0, byCategory: empty() };
    d.total++;
    d.byCategory[category]++;
    districts.set(district, d);
    if (f.latitude !== null && f.longitude !== null) {
      const row = Math.floor(f.latitude / cellDegrees);
      const column = Math.floor(f.longitude / cellDegrees);
      const key = `${row}:${column}`;
      const c = cells.get(key) ?? {
        latitude: Math.round((row + 0.5) * cellDegrees * 1e5) / 1e5,
        longitude: Math.round((column + 0.5) * cellDegrees * 1e5) / 1e5,
        total: 0,
        byCategory: empty(),
      };
      c.total++;
      c.byCategory[category]++;
      cells.set(key, c);
    }
  }
  return {
    basis: filter.basis ?? 'received',
    cellDegrees,
    byDistrict: [...districts.entries()].map(([district, v]) => ({ district, ...v })).sort((a, b) => b.total - a.total || a.district.localeCompare(b.district)),
    topCells: [...cells.values()].sort((a, b) => b.total - a.total || a.latitude - b.latitude || a.longitude - b.longitude).slice(0, limit),
  };
}

/** 7. Workload per operator and per unit. */
export function workloadByWalking(model: AnalyticsModel, filter: StatsFilter) {
  // What operators and units did with the reports received in the period.
  const facts = selectFacts(model, { ...filter, basis: 'received' });
  const operators = new Map<
    string,
    { operatorId: string; claimed: number; classified: number; decided: number; notes: number; escalated: number; handling: number[] }
  >();
  const units = new Map<
    string,
    { unitId: string; assigned: number; acknowledged: number; declined: number; timedOut: number; arrived: number; resolved: number }
  >();
  const unitSteps = new Set(['ASSIGNED', 'ACKNOWLEDGED', 'DECLINED', 'TIMED_OUT', 'ARRIVED', 'RESOLVED']);
  for (const f of facts) {
    for (const s of stepsOf(f.steps)) {
      if (unitSteps.has(s.step)) {
        const u = units.get(s.actor) ?? { unitId: s.actor, assigned: 0, acknowledged: 0, declined: 0, timedOut: 0, arrived: 0, resolved: 0 };
        if (s.step === 'ASSIGNED') u.assigned++;
        if (s.step === 'ACKNOWLEDGED') u.acknowledged++;
        if (s.step === 'DECLINED') u.declined++;
        if (s.step === 'TIMED_OUT') u.timedOut++;
        if (s.step === 'ARRIVED') u.arrived++;
        if (s.step === 'RESOLVED') u.resolved++;
        units.set(s.actor, u);
        continue;
      }
      if (s.actor === 'system') continue;
      const o = operators.get(s.actor) ?? { operatorId: s.actor, claimed: 0, classified: 0, decided: 0, notes: 0, escalated: 0, handling: [] };
      if (s.step === 'CLAIMED') o.claimed++;
      if (s.step === 'CLASSIFIED') o.classified++;
      if (s.step === 'NOTED') o.notes++;
      if (s.step === 'ESCALATED') o.escalated++;
      if (s.step === 'DECIDED') {
        o.decided++;
        const h = seconds(f.claimedAt, s.at);
        if (h !== null && h >= 0) o.handling.push(h);
      }
      operators.set(s.actor, o);
    }
  }
  return {
    basis: 'received' as const,
    operators: [...operators.values()]
      .map(({ handling, ...o }) => ({
        ...o,
        averageHandlingSeconds: handling.length ? Math.round((handling.reduce((a, b) => a + b, 0) / handling.length) * 10) / 10 : null,
      }))
      .sort((a, b) => b.decided - a.decided || a.operatorId.localeCompare(b.operatorId)),
    units: [...units.values()]
      .map((u) => ({ ...u, callSign: model.units.get(u.unitId)?.callSign ?? u.unitId, type: model.units.get(u.unitId)?.type ?? null }))
      .sort((a, b) => b.assigned - a.assigned || a.unitId.localeCompare(b.unitId)),
  };
}
