import { Injectable } from '@nestjs/common';
import { Dispatching, Meta } from '../dispatching';
import { Incident, IncidentCommand, incidentDecider, IncidentState, UnitChoice } from '../incident/incident.decider';

/** The incident command an assignment records, made once the unit chosen is known. */
export type AssignmentCommandFor = (unit: UnitChoice, now: Date) => Extract<IncidentCommand, { type: 'AssignUnit' | 'ReassignUnit' }>;

/**
 * The assignment saga. An assignment changes two streams, the unit's and the incident's, and there
 * are no multi-document transactions, so it runs as steps, with a compensation:
 *
 * 1. decide: the incident's events, decided once on the incident as read (pure; a refusal touches nothing);
 * 2. commitUnit: UnitCommitted on the unit's stream; its version check is the lock that stops
 *    double-booking (a unit already committed refuses, and nothing else happened);
 * 3. recordAssignment: the decided events appended to the incident at the version read in 1. An
 *    incident changed meanwhile is a lost race (409, ConcurrencyConflict): deciding afresh after
 *    the unit is committed could decide something else;
 *    compensate: on any failure of 3 the unit is released (ASSIGNMENT_FAILED) and 3's error stands;
 * 4. releaseReplaced: a reassignment releases the unit it replaced (REASSIGNED).
 *
 * A crash between 2 and 3 leaves a committed unit its incident does not hold; the timers release
 * it (ReleaseOrphanedUnit). Releases are idempotent. Not Nest's `@Saga`: that one runs commands
 * from the EventBus without anyone awaiting them, while a dispatcher's request must see the
 * compensation done and the lost race as its 409.
 */
@Injectable()
export class AssignmentSaga {
  constructor(private readonly dispatching: Dispatching) {}

  async run(incidentId: string, unitId: string, meta: Meta, commandFor: AssignmentCommandFor): Promise<Incident> {
    const now = new Date();
    const { state: incident, version } = await this.dispatching.incidentStream(incidentId);
    const unit = await this.dispatching.unitState(unitId);
    const command = commandFor(this.dispatching.choiceOf(incident, unit), now);
    const decided = incidentDecider.decide(command, incident);
    const replaced = command.type === 'ReassignUnit' ? (incident.assignment?.unitId ?? null) : null;
    await this.dispatching.onUnit(unitId, { type: 'CommitUnit', now, incidentId, reportId: incident.incident.reportId }, meta, now);
    let assigned: Incident;
    try {
      assigned = await this.recordAssignment(incidentId, version, incident, decided, meta, now);
    } catch (e) {
      await this.dispatching.releaseUnit(unitId, incidentId, 'ASSIGNMENT_FAILED', meta, now);
      throw e;
    }
    if (replaced) await this.dispatching.releaseUnit(replaced, incidentId, 'REASSIGNED', meta);
    return assigned;
  }

  private async recordAssignment(
    incidentId: string,
    version: number,
    incident: Incident,
    decided: ReturnType<typeof incidentDecider.decide>,
    meta: Meta,
    now: Date,
  ): Promise<Incident> {
    const appended = await this.dispatching.store.append(incidentId, version, decided, { ...meta, now });
    const state = decided.reduce(incidentDecider.evolve, incident as IncidentState) as Incident;
    this.dispatching.boards.acceptIncident(state, appended.version);
    return state;
  }
}
