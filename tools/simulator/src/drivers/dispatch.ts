import { haversineMeters, ResolutionOutcome } from '@callcenter/contracts';
import type { Ledger } from '../ledger';
import { Prng } from '../traffic/prng';
import type { PlannedUnit } from '../traffic/units';
import type { SimClock } from './clock';
import type { BotStats } from './operators';
import type { DispatchSchemas } from '@callcenter/api-client';
import { Answer, answer, describe, devToken, dispatchAs } from './rest';

type IncidentDetail = DispatchSchemas['IncidentDetailBody'];

export interface DispatchContext {
  dispatchUrl: string;
  clock: SimClock;
  ledger: Ledger;
  stats: BotStats;
  /** Call signs of this run's units: the bots give work only to units that have a bot behind them. */
  ourUnits: Set<string>;
  rng: Prng;
}

const IDLE_POLL_REAL_MS = 500;
const UNIT_POLL_REAL_MS = 1_000;

/** Door-to-door speeds the unit bots drive at (km/h), as dispatch assumes by default. */
const SPEED_KMH: Record<string, number> = { PATROL_CAR: 30, MOTORCYCLE_PATROL: 35, TRAFFIC: 35, INVESTIGATION: 25, FIRE_LIAISON: 30, AMBULANCE_LIAISON: 30 };

/** How incidents end (percent); an arrest only where there is someone to arrest. */
const OUTCOMES: Record<'HANDLED_ON_SCENE' | 'ARREST_MADE' | 'REFERRED' | 'FALSE_ALARM' | 'NO_TRACE', number> = {
  HANDLED_ON_SCENE: 60,
  ARREST_MADE: 10,
  REFERRED: 10,
  FALSE_ALARM: 10,
  NO_TRACE: 10,
};
const SUMMARIES: Record<string, string> = {
  HANDLED_ON_SCENE: 'Situasi ditangani di lokasi, kondisi aman terkendali',
  ARREST_MADE: 'Pelaku diamankan dan dibawa ke Polsek untuk pemeriksaan',
  REFERRED: 'Diteruskan ke instansi terkait untuk penanganan lanjutan',
  FALSE_ALARM: 'Setelah dicek di lokasi tidak ditemukan kejadian seperti yang dilaporkan',
  NO_TRACE: 'Saat petugas tiba, pelaku atau objek laporan sudah tidak ada di lokasi',
};

/** Registers the run's units on shift and reports where they stand. */
export async function registerUnits(dispatchUrl: string, units: PlannedUnit[]): Promise<string[]> {
  const dispatcher = dispatchAs(dispatchUrl, devToken('sim-roster', ['dispatcher']));
  const problems: string[] = [];
  for (const u of units) {
    const unitPath = { params: { path: { unitId: u.callSign } } };
    const registered = await answer(
      dispatcher.POST('/api/v1/units', {
        body: { callSign: u.callSign, type: u.type, capabilities: u.capabilities, homeDistrict: u.homeDistrict, onShift: true },
      }),
    );
    if (!registered.ok && registered.status === 409 && registered.body.rule === 'UNIT_ALREADY_REGISTERED') {
      const updated = await answer(dispatcher.PATCH('/api/v1/units/{unitId}', { ...unitPath, body: { onShift: true } }));
      if (!updated.ok) problems.push(`${u.callSign} on shift: ${describe(updated)}`);
    } else if (!registered.ok) {
      problems.push(`${u.callSign} register: ${describe(registered)}`);
      continue;
    }
    const unit = dispatchAs(dispatchUrl, devToken(`unit:${u.callSign}`, ['unit']));
    const placed = await answer(unit.POST('/api/v1/units/{unitId}/status', { ...unitPath, body: u.position }));
    if (!placed.ok) problems.push(`${u.callSign} position: ${describe(placed)}`);
  }
  return problems;
}

/** Takes the run's units off shift at the end, so nobody assigns them without a bot behind them. */
export async function unitsOffShift(dispatchUrl: string, units: PlannedUnit[]): Promise<{ problems: string[]; stillCommitted: string[] }> {
  const dispatcher = dispatchAs(dispatchUrl, devToken('sim-roster', ['dispatcher']));
  const problems: string[] = [];
  const stillCommitted: string[] = [];
  for (const u of units) {
    const res = await answer(dispatcher.PATCH('/api/v1/units/{unitId}', { params: { path: { unitId: u.callSign } }, body: { onShift: false } }));
    if (!res.ok && res.status === 409 && res.body.rule === 'UNIT_HAS_ASSIGNMENT') stillCommitted.push(u.callSign);
    else if (!res.ok) problems.push(`${u.callSign} off shift: ${describe(res)}`);
  }
  return { problems, stillCommitted };
}

const PRIORITY_RANK: Record<string, number> = { P1: 1, P2: 2, P3: 3, P4: 4 };

/**
 * A dispatcher: closes resolved incidents, and gives incidents awaiting a unit (most urgent and
 * oldest first, as dispatch lists them) to the top recommended unit of this run. GET /incidents
 * lists at most 500 and cannot page, so when other runs' incidents fill the list, this run's are
 * looked up by report id from the ledger.
 */
export async function dispatcherBot(dispatcherId: string, ctx: DispatchContext): Promise<void> {
  const dispatch = dispatchAs(ctx.dispatchUrl, devToken(dispatcherId, ['dispatcher']));
  const incidents = (query: { status?: ['RESOLVED' | 'AWAITING_UNIT']; reportId?: string }) =>
    answer(dispatch.GET('/api/v1/incidents', { params: { query: { ...query, limit: 500 } } })).then((r) => (r.ok ? r.body : null));
  const { clock, ledger } = ctx;
  while (!clock.stopped) {
    let worked = false;

    // Close what the units resolved.
    const resolved = await incidents({ status: ['RESOLVED'] });
    const toClose = new Map<string, string>();
    for (const i of resolved?.items ?? []) if (ledger.report(i.reportId)) toClose.set(i.incidentId, i.reportId);
    if ((resolved?.total ?? 0) > (resolved?.items.length ?? 0)) {
      for (const e of ledger.entries) if (e.state === 'RESOLVED' && e.dispatch?.incidentId) toClose.set(e.dispatch.incidentId, e.submission.reportId!);
    }
    for (const [incidentId, reportId] of toClose) {
      const entry = ledger.report(reportId)!;
      if (!(await clock.sleepSim(ctx.rng.uniform(5, 20) * 1000))) break;
      const closed = await answer(dispatch.POST('/api/v1/incidents/{incidentId}/close', { params: { path: { incidentId } } }));
      if (closed.ok) {
        ledger.dispatchOf(entry).closedAt = new Date().toISOString();
        ledger.advance(entry, 'CLOSED');
        worked = true;
      } else if (closed.status !== 409) {
        ctx.stats.refusals++;
        ledger.problem(entry, `close: ${describe(closed)}`);
      }
    }

    // Send free units.
    const board = await answer(dispatch.GET('/api/v1/units'));
    let free = (board.ok ? board.body.items : []).filter((u) => ctx.ourUnits.has(u.unitId) && u.status === 'AVAILABLE' && !u.currentIncident).length;
    if (free > 0 && !clock.stopped) {
      const awaiting = await incidents({ status: ['AWAITING_UNIT'] });
      const candidates: { incidentId?: string; reportId: string }[] = (awaiting?.items ?? []).filter((i) => ledger.report(i.reportId));
      if ((awaiting?.total ?? 0) > (awaiting?.items.length ?? 0)) {
        const listed = new Set(candidates.map((c) => c.reportId));
        const waiting = ledger.entries
          .filter((e) => e.state === 'FORWARDED' && !listed.has(e.submission.reportId!))
          .sort(
            (a, b) =>
              PRIORITY_RANK[a.priority ?? 'P3'] - PRIORITY_RANK[b.priority ?? 'P3'] ||
              (a.submission.receivedAt ?? '').localeCompare(b.submission.receivedAt ?? ''),
          );
        for (const e of waiting) candidates.push({ reportId: e.submission.reportId! });
      }
      let looked = 0;
      for (const candidate of candidates) {
        if (free <= 0 || clock.stopped || looked >= 25) break;
        const entry = ledger.report(candidate.reportId)!;
        looked++;
        const detail: Answer<IncidentDetail> = candidate.incidentId
          ? await answer(dispatch.GET('/api/v1/incidents/{incidentId}', { params: { path: { incidentId: candidate.incidentId } } }))
          : // With ?reportId= the one item is the incident in full.
            await incidents({ reportId: candidate.reportId }).then((page) =>
              page?.total === 1 ? { ok: true, status: 200, body: page.items[0] as IncidentDetail } : { ok: false, status: 404, body: {} },
            );
        if (!detail.ok) {
          if (candidate.incidentId) ledger.problem(entry, `open incident: ${describe(detail)}`);
          continue; // not opened by dispatch yet
        }
        if (detail.body.status !== 'AWAITING_UNIT') continue;
        const d = ledger.dispatchOf(entry);
        d.incidentId = detail.body.incidentId;
        const top = detail.body.recommendations.find((r) => ctx.ourUnits.has(r.unitId));
        if (!top) continue;
        if (!(await clock.sleepSim(ctx.rng.uniform(10, 40) * 1000))) break;
        const assigned = await answer(
          dispatch.POST('/api/v1/incidents/{incidentId}/assign', { params: { path: { incidentId: detail.body.incidentId } }, body: { unitId: top.unitId } }),
        );
        if (assigned.ok) {
          Object.assign(d, { unitId: top.unitId, assignedAt: new Date().toISOString() });
          ledger.advance(entry, 'DISPATCHED');
          free--;
          worked = true;
        } else if (assigned.status === 409) {
          ctx.stats.assignConflicts++;
        } else {
          ctx.stats.refusals++;
          ledger.problem(entry, `assign ${top.unitId}: ${describe(assigned)}`);
        }
      }
    }
    if (!worked) await clock.sleepReal(IDLE_POLL_REAL_MS * (0.8 + 0.4 * ctx.rng.next()));
  }
}

/**
 * A field unit: polls the status board for the incident it is committed to, acknowledges, sets off, arrives after the
 * drive from where it stands, works the scene, and resolves with a realistic outcome.
 */
export async function unitBot(unit: PlannedUnit, ctx: DispatchContext): Promise<void> {
  const me = dispatchAs(ctx.dispatchUrl, devToken(`unit:${unit.callSign}`, ['unit']));
  const { clock, ledger } = ctx;
  let position = unit.position;
  while (!clock.stopped) {
    // The status board says which incident the unit is committed to; the incident says where it stands.
    const board = await answer(me.GET('/api/v1/units'));
    const committed = (board.ok ? board.body.items : []).find((u) => u.unitId === unit.callSign)?.currentIncident?.incidentId;
    const got = committed ? await answer(me.GET('/api/v1/incidents/{incidentId}', { params: { path: { incidentId: committed } } })) : null;
    const incident = got?.ok ? got.body : null;
    if (!incident || incident.assignment?.unitId !== unit.callSign || !['ASSIGNED', 'ACKNOWLEDGED', 'EN_ROUTE', 'ON_SCENE'].includes(incident.status)) {
      await clock.sleepReal(UNIT_POLL_REAL_MS * (0.7 + 0.6 * ctx.rng.next()));
      continue;
    }
    const entry = ledger.report(incident.reportId);
    const d = entry ? ledger.dispatchOf(entry) : null;
    const id = incident.incidentId;
    const path = { params: { path: { incidentId: id } } };
    const calls = {
      acknowledge: () => me.POST('/api/v1/incidents/{incidentId}/acknowledge', path),
      'en-route': () => me.POST('/api/v1/incidents/{incidentId}/en-route', path),
      arrive: () => me.POST('/api/v1/incidents/{incidentId}/arrive', path),
      resolve: (outcome: ResolutionOutcome) => me.POST('/api/v1/incidents/{incidentId}/resolve', { ...path, body: { outcome, summary: SUMMARIES[outcome] } }),
    };
    const step = async (action: keyof typeof calls, outcome?: ResolutionOutcome): Promise<boolean> => {
      const res = await answer<unknown>(action === 'resolve' ? calls.resolve(outcome!) : calls[action]());
      if (res.ok) return true;
      ctx.stats.refusals++;
      ledger.problem(entry, `${unit.callSign} ${action}: ${describe(res)}`);
      await clock.sleepReal(500);
      return false;
    };
    const { latitude, longitude } = (incident.location ?? {}) as { latitude?: number; longitude?: number };
    const target = latitude !== undefined && longitude !== undefined ? { latitude, longitude } : position;

    // Each step from where the incident stands, so a refused or interrupted step is taken up again.
    if (incident.status === 'ASSIGNED') {
      // Reacting to the radio: well within dispatch's acknowledgement timeout.
      if (!(await clock.sleepReal(Math.min(20_000, (ctx.rng.uniform(5, 30) * 1000) / clock.speed)))) return;
      if (!(await step('acknowledge'))) continue;
      if (d) d.acknowledgedAt = new Date().toISOString();
    }
    if (incident.status === 'ASSIGNED' || incident.status === 'ACKNOWLEDGED') {
      if (!(await step('en-route'))) continue;
    }
    if (incident.status !== 'ON_SCENE') {
      const driveSeconds = (haversineMeters(position, target) * 1.3) / ((SPEED_KMH[unit.type] * 1000) / 3600) + ctx.rng.uniform(60, 180);
      if (!(await clock.sleepSim(driveSeconds * 1000))) return;
      if (!(await step('arrive'))) continue;
      if (d) d.arrivedAt = new Date().toISOString();
      if (entry) ledger.advance(entry, 'ON_SCENE');
      position = target;
      const placed = await answer(me.POST('/api/v1/units/{unitId}/status', { params: { path: { unitId: unit.callSign } }, body: position }));
      if (!placed.ok) ledger.problem(entry, `${unit.callSign} position: ${describe(placed)}`);
    }

    if (!(await clock.sleepSim(ctx.rng.uniform(8, 30) * 60_000))) return;
    let outcome = ctx.rng.weighted(OUTCOMES) as ResolutionOutcome;
    if (outcome === 'ARREST_MADE' && !['KEJAHATAN', 'GANGGUAN_KETERTIBAN'].includes(incident.category)) outcome = 'HANDLED_ON_SCENE';
    if (!(await step('resolve', outcome))) continue;
    if (d && entry) {
      Object.assign(d, { resolvedAt: new Date().toISOString(), outcome });
      ledger.advance(entry, 'RESOLVED');
    }
  }
}
