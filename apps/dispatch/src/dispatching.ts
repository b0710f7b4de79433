import { Inject, Injectable, Logger } from '@nestjs/common';
import { districtNamed, haversineMeters, NotFound, ValidationFailed } from '@callcenter/contracts';
import { CommandMetadata, EventStore, handleCommand, IncidentOpenedV1, SYSTEM_ACTOR, UnitReleasedV1 } from '@callcenter/events';
import { AuthenticatedUser, EVENT_STORE } from '@callcenter/platform';
import { DispatchBoardService } from './board/dispatch-board.service';
import { DispatchRules } from './dispatch.rules';
import { Incident, IncidentActor, IncidentCommand, incidentDecider, IncidentState, UnitChoice } from './incident/incident.decider';
import { Recommendation } from './recommendation';
import { Unit, UnitCommand, unitDecider, UNIT_SNAPSHOTS, unitFold } from './unit/unit.decider';

/** A field unit's token names it as `unit:<call sign>`; dispatchers and supervisors act for any unit. */
export function actorOf(user: AuthenticatedUser): IncidentActor {
  if (user.roles.includes('dispatcher') || user.roles.includes('supervisor')) return { kind: 'dispatcher', id: user.id };
  return { kind: 'unit', unitId: user.id.replace(/^unit:/, '') };
}

/** Who and which request: the time comes from the handler, the same in the command and the events. */
export type Meta = Omit<CommandMetadata, 'now'>;

/**
 * The dispatch streams as the command handlers use them: run a decider on a unit's or an
 * incident's stream through `handleCommand` and show the result on the board at once. Which
 * commands run, and in what order, is each handler's (unit/, incident/, assignment/, timers/).
 */
@Injectable()
export class Dispatching {
  private readonly logger = new Logger(Dispatching.name);

  constructor(
    @Inject(EVENT_STORE) readonly store: EventStore,
    readonly boards: DispatchBoardService,
    readonly rules: DispatchRules,
  ) {}

  /** `now`: the time of the request, the same in the command and in the events' metadata. */
  async onUnit(unitId: string, command: UnitCommand, meta: Meta, now: Date): Promise<Unit> {
    const result = await handleCommand(this.store, unitDecider, unitId, command, { ...meta, now }, { snapshots: UNIT_SNAPSHOTS });
    this.boards.acceptUnit(result.state, result.version);
    return result.state as Unit;
  }

  /** Releases a unit from an incident; a failure only logs (the incident has moved on; the timers release it). */
  async releaseUnit(unitId: string, incidentId: string, reason: UnitReleasedV1['reason'], meta: Meta, now = new Date()): Promise<void> {
    try {
      await this.onUnit(unitId, { type: 'ReleaseUnit', incidentId, reason }, meta, now);
    } catch (e) {
      this.logger.warn(`releasing ${unitId} from ${incidentId} failed; the timers retry: ${(e as Error).message}`);
    }
  }

  /** The unit's status follows its incident (en route, on scene); a unit that will not follow only logs. */
  async followUnit(unitId: string, status: 'EN_ROUTE' | 'ON_SCENE', incidentId: string, meta: Meta): Promise<void> {
    try {
      const now = new Date();
      await this.onUnit(unitId, { type: 'ReportStatus', now, status, incidentId }, meta, now);
    } catch (e) {
      this.logger.warn(`status ${status} of ${unitId} not recorded: ${(e as Error).message}`);
    }
  }

  /**
   * Runs a command on an incident; also says which unit held it when the command was decided, and
   * whether anything was appended. By default the incident must exist (else 404, decided, not read twice).
   */
  async onIncident(
    incidentId: string,
    command: IncidentCommand,
    meta: Meta,
    now = new Date(),
    decider: typeof incidentDecider = existingIncident(incidentId),
  ): Promise<{ incident: Incident; unitId: string | null; changed: boolean }> {
    const result = await handleCommand(this.store, decider, incidentId, command, { ...meta, now });
    this.boards.acceptIncident(result.state, result.version);
    return { incident: result.state as Incident, unitId: unitHolding(result.before), changed: result.events.length > 0 };
  }

  async incidentState(incidentId: string): Promise<Incident> {
    return (await this.incidentStream(incidentId)).state;
  }

  async incidentStream(incidentId: string): Promise<{ state: Incident; version: number }> {
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

  /** The unit as an assignment records it: how far it is and when it could be there. */
  choiceOf(incident: Incident, unit: Unit): UnitChoice {
    const from = this.boards.board.positionOf(unit.unitId)?.position ?? this.centroidOf(unit.details.homeDistrict);
    if (!from) return { unitId: unit.unitId, callSign: unit.callSign, distanceMeters: null, etaSeconds: null };
    const distanceMeters = Math.round(haversineMeters(from, incident.incident.location));
    const speed = this.rules.speedsKmh[unit.details.type];
    return { unitId: unit.unitId, callSign: unit.callSign, distanceMeters, etaSeconds: Math.round(distanceMeters / ((speed * 1000) / 3600)) };
  }

  /** Where to send units: the report's coordinates, else its district's centre (approximate). */
  whereToSend(location: { latitude: number | null; longitude: number | null; address: string | null }, district: string | null): IncidentOpenedV1['location'] {
    if (location.latitude !== null && location.longitude !== null)
      return { latitude: location.latitude, longitude: location.longitude, address: location.address, approximate: false };
    const centre = districtNamed(this.rules.jurisdiction, district);
    // Triage forwards only with coordinates or a district; an unknown district falls back to the first.
    const d = centre ?? this.rules.jurisdiction.districts[0];
    return { latitude: d.latitude, longitude: d.longitude, address: location.address, approximate: true };
  }

  checkDistrict(district: string) {
    if (!districtNamed(this.rules.jurisdiction, district)) {
      const known = this.rules.jurisdiction.districts.map((d) => d.code).join(', ');
      throw new ValidationFailed([{ field: 'homeDistrict', message: `homeDistrict must be one of ${known}` }]);
    }
  }

  private centroidOf(district: string) {
    const d = districtNamed(this.rules.jurisdiction, district);
    return d && { latitude: d.latitude, longitude: d.longitude };
  }
}

export const systemMeta = (what: string, id: string): Meta => ({ actor: SYSTEM_ACTOR, correlationId: `timer-${what}-${id}` });

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
