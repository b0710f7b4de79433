import type { Category, District, GeoPoint, Priority, RejectionReason, ResolutionOutcome, UnitStatus, UnitType } from '@callcenter/contracts';
import { CATEGORIES, CATEGORY_UNIT_TYPES, DEFAULT_PRIORITY_TARGETS, incidentIdFor, parsePriorityTargets } from '@callcenter/contracts';
import * as ev from '@callcenter/events';
import type { EventDefinition, EventEnvelope } from '@callcenter/events';
import { GeneratedReport, generateTraffic } from './generate';
import { Prng } from './prng';
import { planUnits } from './units';

/**
 * A Polres history as the services would have written it: the simulator's reports (its catalogue,
 * arrivals and duplicates), each followed through triage (claim, release, note, escalation,
 * classification, the decision) and, when forwarded, dispatch (the incident, a unit committed,
 * declined or timed out, en route, on scene, resolved, closed), with the units' own streams. Events
 * of one report come in time order and reports in order of receipt, so a topic is roughly
 * chronological, as in production. Seeded: the same seed gives the same history; `runId` only
 * changes the ids, so two runs on the same topics never share a stream.
 */

export type Producer = 'intake' | 'triage' | 'dispatch';
export interface HistoryOptions {
  seed: number;
  runId: string;
  districts: readonly District[];
  reportsPerDay: number;
  /** Units registered at the start, per district. */
  unitsPerDistrict?: number;
}

const DAY_MS = 86_400_000;
/** Seconds to triage / dispatch per priority, as the services run by default. */
const TARGETS = parsePriorityTargets(DEFAULT_PRIORITY_TARGETS);
const REJECTIONS = { NOT_POLICE_MATTER: 60, INSUFFICIENT_INFORMATION: 25, OUT_OF_JURISDICTION: 15 } satisfies Partial<Record<RejectionReason, number>>;
const OUTCOMES = { HANDLED_ON_SCENE: 55, ARREST_MADE: 10, REFERRED: 12, FALSE_ALARM: 12, NO_TRACE: 11 } satisfies Partial<Record<ResolutionOutcome, number>>;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export class HistoryGenerator {
  reports = 0;
  units = 0;
  readonly decisions: Record<string, number> = {};
  /** A sample of forwarded reports' ids (up to 1,000), for timeline queries. */
  readonly timelineIds: string[] = [];
  private readonly r: Prng;
  private readonly ids: Prng;
  private readonly unitVersions = new Map<string, number>();
  private readonly unitsByType = new Map<UnitType, { id: string; district: string }[]>();
  /** Report ids by the simulator's seq, of the day being generated (duplicates refer to them). */
  private readonly idOfSeq = new Map<number, string>();
  private day = 0;

  constructor(private readonly o: HistoryOptions) {
    this.r = new Prng(o.seed).fork('lifecycle');
    this.ids = new Prng(`${o.seed}-${o.runId}`);
  }

  private uuid(): string {
    const h = this.ids.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16], 16) & 3]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** Roughly log-normal: most near `typical`, a long tail up to `max`. */
  private skewed(min: number, typical: number, max: number): number {
    const r = this.r;
    return Math.min(max, Math.max(min, typical * Math.exp((r.next() + r.next() + r.next() - 1.5) * 1.6)));
  }

  /** An event of the catalogue (its typed constructor's type, data and current schema version) in its envelope. */
  private envelope<Type extends string, Data>(
    producer: Producer,
    streamId: string,
    streamVersion: number,
    event: EventDefinition<Type, Data>,
    atMs: number,
    actor: string,
    data: NoInfer<Data>,
  ): EventEnvelope {
    return {
      eventId: this.uuid(),
      type: event.type,
      schemaVersion: event.schemaVersion,
      streamId,
      streamVersion,
      occurredAt: new Date(atMs).toISOString(),
      recordedAt: new Date(atMs + 3 + Math.floor(this.r.next() * 20)).toISOString(),
      producer,
      actor,
      correlationId: `history-${this.o.runId}-${streamId.slice(0, 8)}`,
      causationId: null,
      data,
    };
  }

  private unitEvent<Type extends string, Data>(
    unitId: string,
    event: EventDefinition<Type, Data>,
    atMs: number,
    actor: string,
    data: NoInfer<Data>,
  ): EventEnvelope {
    const v = (this.unitVersions.get(unitId) ?? 0) + 1;
    this.unitVersions.set(unitId, v);
    return this.envelope('dispatch', unitId, v, event, atMs, actor, data);
  }

  /** The units (the simulator's roster), registered at `atMs`. */
  *roster(atMs: number): Generator<EventEnvelope> {
    const total = (this.o.unitsPerDistrict ?? 31) * this.o.districts.length;
    for (const u of planUnits(total, this.o.districts, this.o.seed, this.o.runId)) {
      const list = this.unitsByType.get(u.type) ?? [];
      list.push({ id: u.callSign, district: u.homeDistrict });
      this.unitsByType.set(u.type, list);
      this.units++;
      yield this.unitEvent(u.callSign, ev.UnitRegistered, atMs, 'dsp-admin', {
        unitId: u.callSign,
        callSign: u.callSign,
        type: u.type,
        capabilities: u.capabilities,
        homeDistrict: u.homeDistrict,
        status: 'AVAILABLE',
      });
    }
  }

  /** Every event of one day's reports (the simulator's traffic from `dayStartMs`), in order of receipt. */
  *day24h(dayStartMs: number): Generator<EventEnvelope> {
    this.idOfSeq.clear();
    const traffic = generateTraffic({
      startMs: dayStartMs,
      endMs: dayStartMs + DAY_MS,
      reportsPerHour: this.o.reportsPerDay / 24,
      seed: (this.o.seed * 1_000_003 + this.day++) >>> 0,
      runId: this.o.runId,
      districts: this.o.districts,
    });
    for (const report of traffic) yield* this.report(report);
  }

  private pickUnit(category: Category, district: string, except: string | null): string {
    for (let attempt = 0; attempt < 10; attempt++) {
      const pool = this.unitsByType.get(this.r.chance(0.7) ? CATEGORY_UNIT_TYPES[category][0] : this.r.pick(CATEGORY_UNIT_TYPES[category]));
      if (!pool?.length) continue;
      const local = pool.filter((u) => u.district === district);
      const u = local.length && this.r.chance(0.75) ? this.r.pick(local) : this.r.pick(pool);
      if (u.id !== except) return u.id;
    }
    return this.unitsByType.get('PATROL_CAR')![0].id;
  }

  /** Every event of one report, in time order. */
  report(g: GeneratedReport): EventEnvelope[] {
    const r = this.r;
    const out: EventEnvelope[] = [];
    const t0 = Math.floor(g.atMs);
    const reportId = this.uuid();
    this.idOfSeq.set(g.seq, reportId);
    const district = this.o.districts.find((d) => d.code === g.district)!;
    const shift = Math.floor(new Date(t0 + 7 * 3600_000).getUTCHours() / 8);
    const operator = () => `op-${String(shift * 14 + r.int(1, 14)).padStart(2, '0')}`;
    const supervisor = `spv-${shift + 1}`;
    const dispatcher = `dsp-${String(shift * 3 + r.int(1, 3)).padStart(2, '0')}`;
    const q = g.request;
    const { latitude = null, longitude = null } = q.location;
    const address = q.location.address || null;
    const injured = q.people_injured;
    const category = g.category;
    const priority: Priority = g.priority ?? (category === 'INFORMASI_PENGADUAN' ? 'P4' : 'P3');
    const trackingCode = Array.from({ length: 10 }, () => CROCKFORD[r.int(0, 31)])
      .join('')
      .replace(/^(.{5})/, '$1-');
    const receivedAt = new Date(t0).toISOString();
    const categoryHint = (q.category_hint || null) as Category | null;
    const description = q.description;

    let tv = 0;
    out.push(
      this.envelope('intake', reportId, 1, ev.ReportReceived, t0, g.sourceSystem, {
        reportId,
        trackingCode,
        sourceSystem: g.sourceSystem,
        externalId: q.external_id,
        channel: g.channel,
        reporter: { name: q.reporter.name || null, phone: q.reporter.phone || null, anonymous: q.reporter.anonymous },
        categoryHint,
        description,
        location: { latitude, longitude, address, district: q.location.district || null },
        occurredAt: g.occurredSecondsBefore === null ? null : new Date(t0 - g.occurredSecondsBefore * 1000).toISOString(),
        peopleInjured: injured,
        peopleInvolved: q.people_involved,
        receivedAt,
      }),
    );
    const original = g.duplicateOfSeq === null ? undefined : this.idOfSeq.get(g.duplicateOfSeq);
    const duplicateCandidates = original
      ? [{ reportId: original, reason: 'NEARBY_SAME_CATEGORY' as const, distanceMeters: Math.round(r.uniform(30, 300)), minutesApart: r.int(1, 8) }]
      : [];
    const lowTrust = g.kind === 'PRANK' && r.chance(0.6);
    const reasons = [`category ${category} from the description`, `priority ${priority}: ${injured ? 'people injured' : 'no one injured'}`];
    if (!q.location.district) reasons.push(`district ${district.name} from the coordinates`);
    out.push(
      this.envelope('triage', reportId, ++tv, ev.TriageCaseOpened, t0 + 40, 'system', {
        reportId,
        trackingCode,
        sourceSystem: g.sourceSystem,
        channel: g.channel,
        receivedAt,
        description,
        categoryHint,
        location: { latitude, longitude, address, reportedDistrict: q.location.district || null },
        district: district.code,
        peopleInjured: injured,
        peopleInvolved: q.people_involved,
        callerRef: q.reporter.phone ? `hmac-${this.ids.hex(32)}` : null,
        suggestion: {
          category,
          priority,
          reasons,
          duplicateCandidates,
          lowTrust: lowTrust
            ? { flagged: true, prankRejections: 2, reason: "caller's reports were rejected as prank 2 times" }
            : { flagged: false, prankRejections: 0, reason: null },
        },
      }),
    );

    const triageTarget = TARGETS[priority].triageSeconds;
    const triage = <Type extends string, Data extends { reportId: string }>(
      event: EventDefinition<Type, Data>,
      at: number,
      actor: string,
      data: NoInfer<Omit<Data, 'reportId'>>,
    ) => out.push(this.envelope('triage', reportId, ++tv, event, at, actor, { reportId, ...data } as Data));
    const overdue = () =>
      triage(ev.TriageOverdue, t0 + triageTarget * 1000 + 500, 'system', {
        priority,
        targetSeconds: triageTarget,
        dueAt: new Date(t0 + triageTarget * 1000).toISOString(),
      });
    this.reports++;
    // 0.5 % never taken (still waiting), overdue.
    if (r.chance(0.005)) {
      overdue();
      this.decisions.NONE = (this.decisions.NONE ?? 0) + 1;
      return out;
    }
    const claimDelay = priority === 'P1' ? this.skewed(3, 15, 240) : this.skewed(5, 45, 1800);
    let t = t0 + claimDelay * 1000;
    if (claimDelay > triageTarget) overdue();
    let op = operator();
    triage(ev.ReportClaimed, t, op, { operatorId: op, leaseExpiresAt: new Date(t + 300_000).toISOString() });
    if (r.chance(0.03)) {
      t += 300_000;
      triage(ev.ReportReleased, t, 'system', { operatorId: op, reason: 'LEASE_EXPIRED' });
      const to = operator();
      t += r.uniform(5, 60) * 1000;
      triage(ev.ReportReassigned, t, supervisor, { fromOperatorId: null, toOperatorId: to, leaseExpiresAt: new Date(t + 300_000).toISOString() });
      op = to;
    }
    if (r.chance(0.08)) {
      t += r.uniform(10, 90) * 1000;
      triage(ev.ReportNoteAdded, t, op, { text: 'Pelapor dihubungi kembali, lokasi dikonfirmasi' });
    }
    let decider = op;
    if (r.chance(0.015)) {
      t += r.uniform(20, 120) * 1000;
      triage(ev.ReportEscalated, t, op, { reason: 'Butuh keputusan supervisor' });
      decider = supervisor;
    }
    let finalCategory = category;
    let finalPriority = priority;
    if (r.chance(0.85)) {
      t += r.uniform(10, 120) * 1000;
      if (r.chance(0.1)) finalCategory = r.pick(CATEGORIES);
      if (r.chance(0.1)) finalPriority = r.pick(['P1', 'P2', 'P3'] as Priority[]);
      triage(ev.ReportClassified, t, decider, { category: finalCategory, priority: finalPriority, district: district.code });
    }
    t += r.uniform(5, 90) * 1000;
    // The simulator's expected decision, with operators who sometimes judge otherwise.
    const decision =
      g.expected === 'DUPLICATE' && original
        ? 'DUPLICATE'
        : g.expected === 'REJECTED'
          ? 'REJECT'
          : g.expected === 'ADVICE_GIVEN'
            ? r.weighted({ ADVICE: 85, REJECT: 10, FORWARD: 5 })
            : r.weighted({ FORWARD: 85, REJECT: 5, ADVICE: 10 });
    this.decisions[decision] = (this.decisions[decision] ?? 0) + 1;
    if (decision === 'ADVICE') {
      triage(ev.ReportAdviceGiven, t, decider, { advice: 'Silakan datang ke Polsek terdekat dengan membawa KTP' });
      return out;
    }
    if (decision === 'REJECT') {
      triage(ev.ReportRejected, t, decider, {
        reason: g.kind === 'PRANK' ? 'PRANK' : r.weighted(REJECTIONS),
        explanation: 'Tidak dapat ditindaklanjuti',
        callerRef: null,
      });
      return out;
    }
    if (decision === 'DUPLICATE') {
      triage(ev.ReportMarkedDuplicate, t, decider, { duplicateOf: original! });
      return out;
    }
    triage(ev.ReportForwardedForDispatch, t, decider, {
      trackingCode,
      channel: g.channel,
      receivedAt,
      category: finalCategory,
      priority: finalPriority,
      district: district.code,
      location: { latitude, longitude, address },
      description,
      peopleInjured: injured,
      peopleInvolved: q.people_involved,
    });
    if (this.timelineIds.length < 1000 && r.chance(0.02)) this.timelineIds.push(reportId);

    // Dispatch: the incident's stream and the units' streams.
    const incidentId = incidentIdFor(reportId);
    let dv = 0;
    const incident = <Type extends string, Data extends { incidentId: string; reportId: string }>(
      event: EventDefinition<Type, Data>,
      at: number,
      actor: string,
      data: NoInfer<Omit<Data, 'incidentId' | 'reportId'>>,
    ) => out.push(this.envelope('dispatch', incidentId, ++dv, event, at, actor, { incidentId, reportId, ...data } as Data));
    const forwardedAt = t;
    t += 80;
    incident(ev.IncidentOpened, t, 'system', {
      trackingCode,
      category: finalCategory,
      priority: finalPriority,
      district: district.code,
      location:
        latitude !== null && longitude !== null
          ? { latitude, longitude, address, approximate: false }
          : { latitude: district.latitude, longitude: district.longitude, address, approximate: true },
      description,
      peopleInjured: injured,
      receivedAt,
      forwardedAt: new Date(forwardedAt).toISOString(),
    });
    const dispatchTarget = TARGETS[finalPriority].dispatchSeconds;
    const assignDelay = finalPriority === 'P1' ? this.skewed(10, 40, 600) : this.skewed(20, 150, 3600);
    if (dispatchTarget !== null && (t - t0) / 1000 + assignDelay > dispatchTarget) {
      // The timer notices within a second of the due time (or at once, if triage forwarded it late).
      incident(ev.DispatchOverdue, Math.max(t + 900, t0 + dispatchTarget * 1000 + 700), 'system', {
        priority: finalPriority,
        targetSeconds: dispatchTarget,
        dueAt: new Date(t0 + dispatchTarget * 1000).toISOString(),
      });
    }
    t += assignDelay * 1000;
    let unit = this.pickUnit(finalCategory, district.code, null);
    const assign = () => {
      const distanceMeters = Math.round(r.uniform(300, 6000));
      out.push(this.unitEvent(unit, ev.UnitCommitted, t, dispatcher, { unitId: unit, incidentId, reportId, committedAt: new Date(t).toISOString() }));
      incident(ev.UnitAssigned, t + 20, dispatcher, {
        unitId: unit,
        callSign: unit,
        previousUnitId: null,
        distanceMeters,
        etaSeconds: Math.round(distanceMeters / 8.3),
        automatic: false,
        acknowledgeBy: new Date(t + 60_000).toISOString(),
      });
    };
    assign();
    // 5 % decline, 2 % time out: the incident needs another unit.
    const lost = r.next();
    if (lost < 0.07) {
      t += lost < 0.05 ? r.uniform(10, 50) * 1000 : 60_000;
      if (lost < 0.05) incident(ev.AssignmentDeclined, t, `unit:${unit}`, { unitId: unit, reason: 'Sedang menangani kejadian lain' });
      else incident(ev.AssignmentTimedOut, t, 'system', { unitId: unit });
      out.push(this.unitEvent(unit, ev.UnitReleased, t + 15, 'system', { unitId: unit, incidentId, reason: lost < 0.05 ? 'DECLINED' : 'TIMED_OUT' }));
      unit = this.pickUnit(finalCategory, district.code, unit);
      t += r.uniform(20, 120) * 1000;
      assign();
    }
    t += r.uniform(5, 60) * 1000;
    incident(ev.AssignmentAcknowledged, t, `unit:${unit}`, { unitId: unit });
    const cancelled = r.chance(0.03);
    if (!cancelled) {
      const status = (s: UnitStatus, previousStatus: UnitStatus, position: GeoPoint | null) =>
        out.push(
          this.unitEvent(unit, ev.UnitStatusChanged, t + 10, `unit:${unit}`, {
            unitId: unit,
            status: s,
            previousStatus,
            position,
            incidentId,
            reportedAt: new Date(t).toISOString(),
          }),
        );
      t += r.uniform(10, 60) * 1000;
      incident(ev.UnitEnRoute, t, `unit:${unit}`, { unitId: unit });
      status('EN_ROUTE', 'AVAILABLE', null);
      t += this.skewed(120, 600, 3600) * 1000;
      incident(ev.UnitArrived, t, `unit:${unit}`, { unitId: unit });
      status('ON_SCENE', 'EN_ROUTE', { latitude: latitude ?? district.latitude, longitude: longitude ?? district.longitude });
    }
    t += this.skewed(300, 1500, 14_400) * 1000;
    incident(ev.IncidentResolved, t, `unit:${unit}`, {
      unitId: unit,
      outcome: cancelled ? 'CANCELLED' : r.weighted(OUTCOMES),
      summary: cancelled ? 'Dibatalkan pelapor' : 'Situasi terkendali, laporan dibuat',
    });
    out.push(this.unitEvent(unit, ev.UnitReleased, t + 15, 'system', { unitId: unit, incidentId, reason: 'RESOLVED' }));
    if (r.chance(0.9)) {
      t += r.uniform(60, 1800) * 1000;
      incident(ev.IncidentClosed, t, dispatcher, {});
    }
    return out;
  }
}
