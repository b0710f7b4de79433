import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConcurrencyConflict, districtNamed, GeoPoint, haversineMeters, IllegalState, incidentIdFor, NotFound, ValidationFailed } from '@callcenter/contracts';
import { CommandMetadata, EventStore, handleCommand, IncidentOpenedV1, SYSTEM_ACTOR, UnitReleasedV1 } from '@callcenter/events';
import { AuthenticatedUser, backboneMetrics, EVENT_STORE } from '@callcenter/platform';
import { DispatchBoardService } from './board/dispatch-board.service';
import { DispatchRules } from './dispatch.rules';
import { holdsUnit, Incident, IncidentActor, IncidentCommand, incidentDecider, IncidentState, UnitChoice } from './incident/incident.decider';
import { UnitPositions } from './positions/unit-positions';
import { Recommendation, UnitStatus } from './recommendation';
import { Unit, UnitCommand, unitDecider, UnitDetails, UNIT_SNAPSHOTS, unitFold } from './unit/unit.decider';

/** A field unit's token names it as `unit:<call sign>`; dispatchers and supervisors act for any unit. */
export function actorOf(user: AuthenticatedUser): IncidentActor {
  if (user.roles.includes('dispatcher') || user.roles.includes('supervisor')) return { kind: 'dispatcher', id: user.id };
  return { kind: 'unit', unitId: user.id.replace(/^unit:/, '') };
}

type Meta = Omit<CommandMetadata, 'now'>;

/**
 * Runs dispatch commands. An assignment touches two streams, the incident's and the unit's, and
 * there are no multi-document transactions: the unit is committed first (its version check is the
 * lock that stops double-booking), then the incident records the assignment; if that fails the
 * unit is released again. A crash between the two leaves a committed unit its incident does not
 * hold, which the timers release (see DispatchBoard.due). Releases are idempotent.
 */
@Injectable()
export class Dispatching {
  private readonly logger = new Logger(Dispatching.name);
  /** Orphans the store confirmed, by `<unit>#<incident>`: when this instance first saw it (its own clock). */
  private readonly orphanSuspects = new Map<string, number>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly boards: DispatchBoardService,
    private readonly rules: DispatchRules,
    private readonly positions: UnitPositions,
  ) {}

  // ---- units ----

  async registerUnit(callSign: string, details: UnitDetails, onShift: boolean, meta: Meta): Promise<Unit> {
    this.checkDistrict(details.homeDistrict);
    return this.onUnit(callSign, { type: 'RegisterUnit', unitId: callSign, callSign, details, onShift }, meta, new Date());
  }

  async updateUnit(unitId: string, details: Partial<UnitDetails>, onShift: boolean | undefined, meta: Meta): Promise<Unit> {
    if (details.homeDistrict) this.checkDistrict(details.homeDistrict);
    await this.existingUnit(unitId);
    const now = new Date();
    return this.onUnit(unitId, { type: 'UpdateUnit', now, details, onShift }, meta, now);
  }

  /**
   * A status change is an event of the unit's stream; a position only replaces the unit's latest
   * position (a read model), if newer. The status goes first, so a refused change records nothing.
   */
  async reportUnitStatus(unitId: string, user: AuthenticatedUser, change: { status?: UnitStatus; position?: GeoPoint }, meta: Meta): Promise<Unit> {
    const actor = actorOf(user);
    if (actor.kind === 'unit' && actor.unitId !== unitId) {
      throw new IllegalState('NOT_YOUR_UNIT', `a unit reports only its own status (${actor.unitId})`);
    }
    const now = new Date();
    let unit = await this.unitState(unitId);
    if (change.status) unit = await this.onUnit(unitId, { type: 'ReportStatus', now, status: change.status }, meta, now);
    if (change.position && (await this.positions.record(unitId, change.position, now))) {
      this.boards.board.applyPosition(unitId, { position: change.position, reportedAt: now.toISOString() });
    }
    return unit;
  }

  private async existingUnit(unitId: string): Promise<void> {
    await this.unitState(unitId);
  }

  /** `now`: the time of the request, the same in the command and in the events' metadata. */
  private async onUnit(unitId: string, command: UnitCommand, meta: Meta, now: Date): Promise<Unit> {
    const result = await handleCommand(this.store, unitDecider, unitId, command, { ...meta, now }, { snapshots: UNIT_SNAPSHOTS });
    this.count(result.events);
    this.boards.acceptUnit(result.state, result.version);
    return result.state as Unit;
  }

  private async releaseUnit(unitId: string, incidentId: string, reason: UnitReleasedV1['reason'], meta: Meta, now = new Date()): Promise<void> {
    try {
      await this.onUnit(unitId, { type: 'ReleaseUnit', incidentId, reason }, meta, now);
    } catch (e) {
      // The incident has moved on; the timers release the unit if this did not.
      this.logger.warn(`releasing ${unitId} from ${incidentId} failed; the timers retry: ${(e as Error).message}`);
    }
  }

  // ---- incidents ----

  /** Opens the incident of a forwarded report (idempotent). Returns it, and whether this call opened it. */
  async openIncident(
    forwarded: Omit<IncidentOpenedV1, 'incidentId' | 'location'> & { location: { latitude: number | null; longitude: number | null; address: string | null } },
    meta: Meta,
  ) {
    const now = new Date();
    const incidentId = incidentIdFor(forwarded.reportId);
    const location = this.whereToSend(forwarded.location, forwarded.district);
    const data: IncidentOpenedV1 = { ...forwarded, incidentId, location };
    const result = await handleCommand(this.store, incidentDecider, incidentId, { type: 'OpenIncident', data }, { ...meta, now });
    this.count(result.events);
    this.boards.acceptIncident(result.state, result.version);
    return { incident: result.state as Incident, opened: result.events.length > 0 };
  }

  private whereToSend(
    location: { latitude: number | null; longitude: number | null; address: string | null },
    district: string | null,
  ): IncidentOpenedV1['location'] {
    if (location.latitude !== null && location.longitude !== null)
      return { latitude: location.latitude, longitude: location.longitude, address: location.address, approximate: false };
    const centre = districtNamed(this.rules.jurisdiction, district);
    // Triage forwards only with coordinates or a district; an unknown district falls back to the first.
    const d = centre ?? this.rules.jurisdiction.districts[0];
    return { latitude: d.latitude, longitude: d.longitude, address: location.address, approximate: true };
  }

  async assign(incidentId: string, unitId: string, by: IncidentActor, meta: Meta, automatic = false): Promise<Incident> {
    const { incident } = await this.assignOnce(incidentId, unitId, meta, new Date(), (unit, now) => ({
      type: 'AssignUnit',
      by,
      now,
      unit,
      automatic,
      acknowledgeSeconds: this.rules.acknowledgeSeconds,
    }));
    return incident;
  }

  async reassign(incidentId: string, unitId: string, by: IncidentActor, meta: Meta): Promise<Incident> {
    const { incident, previous } = await this.assignOnce(incidentId, unitId, meta, new Date(), (unit, now) => ({
      type: 'ReassignUnit',
      by,
      now,
      unit,
      acknowledgeSeconds: this.rules.acknowledgeSeconds,
    }));
    await this.releaseUnit(previous!, incidentId, 'REASSIGNED', meta);
    return incident;
  }

  /**
   * Decides an assignment once, on the incident as read, before touching the unit, so an illegal
   * assignment never commits it; then commits the unit and appends the decided events at the version
   * read. An incident changed meanwhile is a lost race (409, ConcurrencyConflict) and the unit is
   * released again: deciding afresh after the unit is committed could decide something else.
   */
  private async assignOnce(
    incidentId: string,
    unitId: string,
    meta: Meta,
    now: Date,
    commandFor: (unit: UnitChoice, now: Date) => Extract<IncidentCommand, { type: 'AssignUnit' | 'ReassignUnit' }>,
  ): Promise<{ incident: Incident; previous: string | null }> {
    const { state: incident, version } = await this.incidentStream(incidentId);
    const unit = await this.unitState(unitId);
    const decided = incidentDecider.decide(commandFor(this.choiceOf(incident, unit), now), incident);
    const previous = incident.assignment?.unitId ?? null;
    await this.onUnit(unitId, { type: 'CommitUnit', now, incidentId, reportId: incident.incident.reportId }, meta, now);
    try {
      const appended = await this.store.append(incidentId, version, decided, { ...meta, now });
      const state = decided.reduce(incidentDecider.evolve, incident as IncidentState) as Incident;
      this.count(appended.events);
      this.boards.acceptIncident(state, appended.version);
      return { incident: state, previous };
    } catch (e) {
      await this.releaseUnit(unitId, incidentId, 'ASSIGNMENT_FAILED', meta, now);
      throw e;
    }
  }

  async acknowledge(incidentId: string, by: IncidentActor, meta: Meta) {
    return (await this.onIncident(incidentId, { type: 'AcknowledgeAssignment', by }, meta)).incident;
  }

  async decline(incidentId: string, by: IncidentActor, reason: string, meta: Meta) {
    const result = await this.onIncident(incidentId, { type: 'DeclineAssignment', by, reason }, meta);
    await this.releaseUnit(result.unitId!, incidentId, 'DECLINED', meta);
    return this.afterUnitLost(result.incident, meta);
  }

  async enRoute(incidentId: string, by: IncidentActor, meta: Meta) {
    const result = await this.onIncident(incidentId, { type: 'MarkEnRoute', by }, meta);
    await this.followUnit(result.unitId!, 'EN_ROUTE', incidentId, meta);
    return result.incident;
  }

  async arrive(incidentId: string, by: IncidentActor, meta: Meta) {
    const result = await this.onIncident(incidentId, { type: 'MarkArrived', by }, meta);
    await this.followUnit(result.unitId!, 'ON_SCENE', incidentId, meta);
    return result.incident;
  }

  async resolve(incidentId: string, by: IncidentActor, outcome: Extract<IncidentCommand, { type: 'ResolveIncident' }>['outcome'], summary: string, meta: Meta) {
    const result = await this.onIncident(incidentId, { type: 'ResolveIncident', by, outcome, summary }, meta);
    if (result.unitId) await this.releaseUnit(result.unitId, incidentId, 'RESOLVED', meta);
    return result.incident;
  }

  async close(incidentId: string, by: IncidentActor, meta: Meta) {
    const result = await this.onIncident(incidentId, { type: 'CloseIncident', by }, meta);
    if (result.unitId) await this.releaseUnit(result.unitId, incidentId, 'CLOSED', meta);
    return result.incident;
  }

  // ---- timers ----

  async timeOutAssignment(incidentId: string): Promise<void> {
    const meta = this.systemMeta('ack-timeout', incidentId);
    const now = new Date();
    const result = await this.onIncident(incidentId, { type: 'TimeOutAssignment', now }, meta, now);
    if (result.unitId && result.changed) {
      await this.releaseUnit(result.unitId, incidentId, 'TIMED_OUT', meta);
      await this.afterUnitLost(result.incident, meta);
    }
  }

  async markOverdue(incidentId: string): Promise<void> {
    const now = new Date();
    await this.onIncident(incidentId, { type: 'MarkDispatchOverdue', now, targets: this.rules.targets }, this.systemMeta('dispatch-overdue', incidentId), now);
  }

  /**
   * Releases a unit the board suspects is orphaned, only if the event store agrees: the unit's
   * stream commits it to the incident and the incident's stream does not hold it, and both still
   * say so a grace period after this instance first found them so. The board of one instance may
   * lag behind another's commands (Kafka outage, a late event); the streams do not. The grace is
   * timed here, on this instance's own clock, not from the commitment's time written by another
   * instance's clock (which may run behind or ahead): it covers the other instance's second append
   * (the incident's assignment, or the unit's release after a resolution) still in flight.
   * What the store says also corrects the board, so a false suspicion does not come back each tick.
   */
  async releaseOrphan(unitId: string, incidentId: string, now = Date.now()): Promise<boolean> {
    const [unit, incident] = await Promise.all([this.store.load(unitId, unitFold), this.store.readStream(incidentId)]);
    const incidentState = incident.events.reduce((s: IncidentState, e) => incidentDecider.evolve(s, e as any), incidentDecider.initialState());
    this.boards.acceptUnit(unit.state, unit.version);
    this.boards.acceptIncident(incidentState, incident.version);
    const key = `${unitId}#${incidentId}`;
    const committed = unit.state.status !== 'UNREGISTERED' && unit.state.assignment?.incidentId === incidentId;
    if (!committed || holdsUnit(incidentState, unitId)) {
      if (committed) this.logger.warn(`${unitId} looked orphaned from ${incidentId} on this board, but the incident holds it: not released`);
      this.orphanSuspects.delete(key);
      return false;
    }
    const since = this.orphanSuspects.get(key);
    // A suspicion left long ago (the board stopped suspecting) starts over rather than counting.
    if (since === undefined || now - since > 4 * this.rules.orphanGraceMs) {
      this.orphanSuspects.set(key, now);
      return false;
    }
    if (now - since < this.rules.orphanGraceMs) return false;
    this.orphanSuspects.delete(key);
    await this.releaseUnit(unitId, incidentId, 'ORPHANED', this.systemMeta('orphan', unitId));
    return true;
  }

  /** P1 incidents go to the top recommended unit at once when configured; else they wait for a dispatcher. */
  async autoAssign(incident: Incident, meta: Meta): Promise<Incident> {
    if (!this.rules.autoAssignP1 || incident.incident.priority !== 'P1' || incident.status !== 'AWAITING_UNIT') return incident;
    for (const candidate of this.recommendations(incident)) {
      try {
        return await this.assign(
          incident.incident.incidentId,
          candidate.unitId,
          { kind: 'dispatcher', id: SYSTEM_ACTOR },
          { ...meta, actor: SYSTEM_ACTOR },
          true,
        );
      } catch (e) {
        // The unit was taken meanwhile (or is not in this store): try the next one.
        if (!(e instanceof IllegalState || e instanceof NotFound || e instanceof ConcurrencyConflict)) throw e;
      }
    }
    return incident;
  }

  private afterUnitLost(incident: Incident, meta: Meta): Promise<Incident> {
    return this.autoAssign(incident, meta);
  }

  private systemMeta(what: string, id: string): Meta {
    return { actor: SYSTEM_ACTOR, correlationId: `timer-${what}-${id}` };
  }

  private async followUnit(unitId: string, status: 'EN_ROUTE' | 'ON_SCENE', incidentId: string, meta: Meta) {
    try {
      const now = new Date();
      await this.onUnit(unitId, { type: 'ReportStatus', now, status, incidentId }, meta, now);
    } catch (e) {
      this.logger.warn(`status ${status} of ${unitId} not recorded: ${(e as Error).message}`);
    }
  }

  /** Runs a command on an incident; also says which unit held it when the command was decided. */
  private async onIncident(
    incidentId: string,
    command: IncidentCommand,
    meta: Meta,
    now = new Date(),
  ): Promise<{ incident: Incident; unitId: string | null; changed: boolean }> {
    const result = await handleCommand(this.store, existingIncident(incidentId), incidentId, command, { ...meta, now });
    this.count(result.events);
    this.boards.acceptIncident(result.state, result.version);
    return { incident: result.state as Incident, unitId: unitHolding(result.before), changed: result.events.length > 0 };
  }

  private count(events: { type: string }[]) {
    for (const e of events) backboneMetrics.appended.inc({ type: e.type });
  }

  // ---- reads ----

  /**
   * Records on the incident a merge or split triage made in its group. Nothing while the incident is
   * not open yet: the opener attaches the reports merged meanwhile (IncidentGroupFollower). Idempotent.
   */
  async followGroup(incidentId: string, command: Extract<IncidentCommand, { type: 'MergeReport' | 'SplitReport' }>, meta: Meta): Promise<void> {
    if ((await this.store.readStream(incidentId)).version === 0) return;
    const result = await handleCommand(this.store, incidentDecider, incidentId, command, { ...meta, now: new Date() });
    this.count(result.events);
    this.boards.acceptIncident(result.state, result.version);
  }

  async incidentState(incidentId: string): Promise<Incident> {
    return (await this.incidentStream(incidentId)).state;
  }

  private async incidentStream(incidentId: string): Promise<{ state: Incident; version: number }> {
    const { version, events } = await this.store.readStream(incidentId);
    const state = events.reduce((s: IncidentState, e) => incidentDecider.evolve(s, e as any), incidentDecider.initialState());
    if (state.status === 'NONE') throw new NotFound('incident', incidentId);
    return { state, version };
  }

  async unitState(unitId: string): Promise<Unit> {
    const { state } = await this.store.load(unitId, unitFold);
    if (state.status === 'UNREGISTERED') throw new NotFound('unit', unitId);
    return state;
  }

  recommendations(incident: Incident): Recommendation[] {
    if (incident.status !== 'AWAITING_UNIT' && incident.status !== 'ASSIGNED') return [];
    return this.boards.board.recommend(incident, this.rules.speedsKmh, new Date());
  }

  private choiceOf(incident: Incident, unit: Unit): UnitChoice {
    const from = this.boards.board.positionOf(unit.unitId)?.position ?? this.centroidOf(unit.details.homeDistrict);
    if (!from) return { unitId: unit.unitId, callSign: unit.callSign, distanceMeters: null, etaSeconds: null };
    const distanceMeters = Math.round(haversineMeters(from, incident.incident.location));
    const speed = this.rules.speedsKmh[unit.details.type];
    return { unitId: unit.unitId, callSign: unit.callSign, distanceMeters, etaSeconds: Math.round(distanceMeters / ((speed * 1000) / 3600)) };
  }

  private centroidOf(district: string) {
    const d = districtNamed(this.rules.jurisdiction, district);
    return d && { latitude: d.latitude, longitude: d.longitude };
  }

  private checkDistrict(district: string) {
    if (!districtNamed(this.rules.jurisdiction, district)) {
      const known = this.rules.jurisdiction.districts.map((d) => d.code).join(', ');
      throw new ValidationFailed([{ field: 'homeDistrict', message: `homeDistrict must be one of ${known}` }]);
    }
  }
}

/** The incident decider for commands on an existing incident: on none, the command is a 404 (decided, not read twice). */
function existingIncident(incidentId: string): typeof incidentDecider {
  return {
    ...incidentDecider,
    decide: (command, state) => {
      if (state.status === 'NONE') throw new NotFound('incident', incidentId);
      return incidentDecider.decide(command, state);
    },
  };
}

/** The unit a command on this incident concerns: the one holding it when the command was decided. */
const unitHolding = (state: IncidentState): string | null => (state.status !== 'NONE' ? (state.assignment?.unitId ?? null) : null);
