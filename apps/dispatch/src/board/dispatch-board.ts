import { GeoPoint, Jurisdiction, PRIORITIES } from '@callcenter/contracts';
import { IncidentEnvelope, INCIDENT_EVENT_TYPES, UnitEnvelope, UNIT_EVENT_TYPES, EventEnvelope } from '@callcenter/events';
import { holdsUnit, Incident, incidentDecider, IncidentStatus } from '../incident/incident.decider';
import { LatestPosition, replacesPosition } from '../positions/unit-positions';
import { Recommendation, recommendUnits, UnitCandidate } from '../recommendation';
import { Unit, unitDecider } from '../unit/unit.decider';

export type ApplyOutcome = 'applied' | 'stale' | 'gap' | 'ignored';

interface Versioned<T> {
  state: T;
  version: number;
}

/** One event of an incident as its detail shows it: without the ids it repeats, and the opening without the report. */
export interface IncidentTimelineEntry {
  version: number;
  type: string;
  at: string;
  actor: string;
  data: Record<string, unknown>;
}

export function incidentTimelineEntry(e: EventEnvelope): IncidentTimelineEntry {
  const { incidentId: _i, reportId: _r, ...data } = e.data as Record<string, unknown>;
  return { version: e.streamVersion, type: e.type, at: e.occurredAt, actor: e.actor, data: e.type === 'IncidentOpened' ? {} : data };
}

/** Shift length for workload: commitments within it count. */
const WORKLOAD_WINDOW_MS = 12 * 3600_000;

/**
 * Dispatch's whole picture, in process: every unit and every incident not yet closed, each with the
 * stream version it reflects. Recommendations with 2,000 units must take milliseconds, so the
 * candidates are kept ready rather than read from the database per request. An open incident's
 * timeline is kept too once someone has read it, so its detail needs no database read; a closed
 * incident leaves memory with its timeline (its detail then reads the event store).
 */
export class DispatchBoard {
  private readonly units = new Map<string, Versioned<Unit>>();
  private readonly candidates = new Map<string, UnitCandidate>();
  private readonly incidents = new Map<string, Versioned<Incident>>();
  /** Timelines of open incidents read at least once, at the version they reach (extended by the tail). */
  private readonly timelines = new Map<string, { version: number; entries: IncidentTimelineEntry[] }>();
  /** Latest reported position per unit (the read model's, as far as this instance has seen it). */
  private readonly positions = new Map<string, LatestPosition>();
  private readonly centroids: Map<string, GeoPoint>;

  constructor(jurisdiction: Jurisdiction) {
    this.centroids = new Map(jurisdiction.districts.map((d) => [d.code, { latitude: d.latitude, longitude: d.longitude }]));
  }

  /** Applies one event of the dispatch topic, in stream order; says when predecessors are missing. */
  apply(event: EventEnvelope): ApplyOutcome {
    if (UNIT_EVENT_TYPES.has(event.type))
      return this.applyTo(
        this.units,
        event,
        (s) => unitDecider.evolve(s ?? unitDecider.initialState(), event as UnitEnvelope),
        (id, v) => this.putUnit(id, v),
      );
    if (INCIDENT_EVENT_TYPES.has(event.type)) {
      const outcome = this.applyTo(
        this.incidents,
        event,
        (s) => incidentDecider.evolve(s ?? incidentDecider.initialState(), event as IncidentEnvelope),
        (id, v) => this.putIncident(id, v),
      );
      if (outcome === 'applied') this.extendTimeline(event);
      return outcome;
    }
    return 'ignored';
  }

  /** The next event of a kept timeline joins it; any other change makes it be read again. */
  private extendTimeline(event: EventEnvelope): void {
    const kept = this.timelines.get(event.streamId);
    if (!kept) return;
    if (kept.version !== event.streamVersion - 1 || !this.incidents.has(event.streamId)) {
      this.timelines.delete(event.streamId);
      return;
    }
    kept.entries.push(incidentTimelineEntry(event));
    kept.version = event.streamVersion;
  }

  private applyTo<T>(
    map: Map<string, Versioned<T>>,
    event: EventEnvelope,
    evolve: (s: T | undefined) => unknown,
    put: (id: string, v: Versioned<any>) => void,
  ): ApplyOutcome {
    const known = map.get(event.streamId);
    if (!known) {
      // Not known and not the first event: a closed incident (the snapshot holds every open one).
      if (event.streamVersion !== 1) return 'stale';
      put(event.streamId, { state: evolve(undefined), version: 1 });
      return 'applied';
    }
    if (event.streamVersion <= known.version) return 'stale';
    if (event.streamVersion > known.version + 1) return 'gap';
    put(event.streamId, { state: evolve(known.state), version: event.streamVersion });
    return 'applied';
  }

  loadUnit(entry: Versioned<Unit>): void {
    const known = this.units.get(entry.state.unitId);
    if (!known || known.version < entry.version) this.putUnit(entry.state.unitId, entry);
  }

  loadIncident(entry: Versioned<Incident>): void {
    const known = this.incidents.get(entry.state.incident.incidentId);
    if (!known || known.version < entry.version) this.putIncident(entry.state.incident.incidentId, entry);
    // Folded elsewhere (a command here, a refold): the kept timeline no longer reaches it.
    if (this.timelines.get(entry.state.incident.incidentId)?.version !== this.incidents.get(entry.state.incident.incidentId)?.version) {
      this.timelines.delete(entry.state.incident.incidentId);
    }
  }

  private putUnit(unitId: string, entry: Versioned<any>): void {
    const unit = entry.state as Unit | { status: 'UNREGISTERED' };
    if (unit.status === 'UNREGISTERED') return;
    this.units.set(unitId, entry);
    this.candidates.set(unitId, {
      unitId,
      callSign: unit.callSign,
      type: unit.details.type,
      capabilities: unit.details.capabilities,
      status: unit.status,
      onShift: unit.status !== 'OFF_DUTY',
      assignedIncidentId: unit.assignment?.incidentId ?? null,
      position: this.positions.get(unitId)?.position ?? null,
      homeDistrictCentroid: this.centroids.get(unit.details.homeDistrict) ?? null,
      workload: 0,
    });
  }

  private putIncident(incidentId: string, entry: Versioned<any>): void {
    const incident = entry.state as Incident | { status: 'NONE' };
    if (incident.status === 'NONE') return;
    if (incident.status === 'CLOSED') {
      this.incidents.delete(incidentId);
      this.timelines.delete(incidentId);
    } else this.incidents.set(incidentId, entry);
  }

  /** A position report (this instance's or another's): kept only if newer than the one known. */
  applyPosition(unitId: string, latest: LatestPosition): boolean {
    if (!replacesPosition(this.positions.get(unitId), latest.reportedAt)) return false;
    this.positions.set(unitId, latest);
    const candidate = this.candidates.get(unitId);
    if (candidate) candidate.position = latest.position;
    return true;
  }

  positionOf(unitId: string): LatestPosition | undefined {
    return this.positions.get(unitId);
  }

  unit(unitId: string): Versioned<Unit> | undefined {
    return this.units.get(unitId);
  }

  incident(incidentId: string): Versioned<Incident> | undefined {
    return this.incidents.get(incidentId);
  }

  /** An open incident's timeline if it is kept at the version the board holds; else undefined (read the store). */
  timelineOf(incidentId: string): IncidentTimelineEntry[] | undefined {
    const kept = this.timelines.get(incidentId);
    return kept && kept.version === this.incidents.get(incidentId)?.version ? kept.entries.slice() : undefined;
  }

  /** Keeps a timeline read from the store, if it is of an open incident at the version the board holds. */
  rememberTimeline(incidentId: string, version: number, entries: IncidentTimelineEntry[]): void {
    if (this.incidents.get(incidentId)?.version === version) this.timelines.set(incidentId, { version, entries: entries.slice() });
  }

  forgetIncident(incidentId: string): void {
    this.incidents.delete(incidentId);
    this.timelines.delete(incidentId);
  }

  allUnits(): Versioned<Unit>[] {
    return [...this.units.values()].sort((a, b) => a.state.callSign.localeCompare(b.state.callSign));
  }

  /** Incidents not closed, most urgent first, then oldest. */
  openIncidents(filter: { status?: IncidentStatus[] } = {}): Versioned<Incident>[] {
    const rank = (i: Incident) => PRIORITIES.indexOf(i.incident.priority);
    return [...this.incidents.values()]
      .filter((e) => !filter.status || filter.status.includes(e.state.status))
      .sort((a, b) => rank(a.state) - rank(b.state) || a.state.incident.receivedAt.localeCompare(b.state.incident.receivedAt));
  }

  /** Units to propose for an incident, with the reasons. */
  recommend(incident: Incident, speedsKmh: Parameters<typeof recommendUnits>[2]['speedsKmh'], now: Date, limit = 5): Recommendation[] {
    const since = new Date(now.getTime() - WORKLOAD_WINDOW_MS).toISOString();
    const units = this.candidatesWithWorkload(since);
    return recommendUnits({ category: incident.incident.category, priority: incident.incident.priority, location: incident.incident.location }, units, {
      speedsKmh,
      limit,
      excludeUnitIds: incident.excludedUnitIds,
    });
  }

  private *candidatesWithWorkload(since: string): Iterable<UnitCandidate> {
    for (const [unitId, candidate] of this.candidates) {
      const commitments = this.units.get(unitId)!.state.recentCommitments;
      let workload = 0;
      for (let k = commitments.length - 1; k >= 0 && commitments[k] >= since; k--) workload++;
      candidate.workload = workload;
      yield candidate;
    }
  }

  /** Work for the timers. */
  due(now: Date, isOverdue: (i: Incident) => boolean, orphanGraceMs: number) {
    const acknowledgementLate: string[] = [];
    const overdue: string[] = [];
    for (const { state: i } of this.incidents.values()) {
      if (i.status === 'ASSIGNED' && i.assignment && Date.parse(i.assignment.acknowledgeBy) <= now.getTime()) acknowledgementLate.push(i.incident.incidentId);
      if (isOverdue(i)) overdue.push(i.incident.incidentId);
    }
    // A unit committed to an incident that does not hold it (a crash between the two appends, or an
    // incident that moved on), after a grace period for the incident's append to land. These are only
    // suspects: this board may lag (a late event, an outage), so the release confirms against the store.
    const orphaned: { unitId: string; incidentId: string }[] = [];
    for (const { state: u } of this.units.values()) {
      if (!u.assignment || now.getTime() - Date.parse(u.assignment.since) < orphanGraceMs) continue;
      if (!holdsUnit(this.incidents.get(u.assignment.incidentId)?.state, u.unitId)) orphaned.push({ unitId: u.unitId, incidentId: u.assignment.incidentId });
    }
    return { acknowledgementLate, overdue, orphaned };
  }

  get size() {
    return { units: this.units.size, openIncidents: this.incidents.size, timelines: this.timelines.size };
  }
}
