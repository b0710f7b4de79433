import { EventEnvelope, IncidentEnvelope, INCIDENT_EVENT_TYPES, UnitEnvelope, UNIT_EVENT_TYPES } from '@callcenter/events';
import { Incident, incidentDecider } from '../incident/incident.decider';
import { Unit, unitDecider } from '../unit/unit.decider';

/** Snapshot of every unit (`dispatch_units`, _id = unitId). Pure; other events change nothing. */
export function evolveUnitSnapshot(doc: Unit | null, event: EventEnvelope): Unit | null {
  if (!UNIT_EVENT_TYPES.has(event.type)) return doc;
  const next = unitDecider.evolve(doc ?? unitDecider.initialState(), event as UnitEnvelope);
  return next.status === 'UNREGISTERED' ? doc : next;
}

/** Snapshot of incidents not yet closed (`dispatch_open_incidents`, _id = incidentId); a closed one leaves it. */
export function evolveOpenIncidentSnapshot(doc: Incident | null, event: EventEnvelope): Incident | null {
  if (!INCIDENT_EVENT_TYPES.has(event.type)) return doc;
  const next = incidentDecider.evolve(doc ?? incidentDecider.initialState(), event as IncidentEnvelope);
  if (next === doc || next.status === 'NONE') return doc;
  return next.status === 'CLOSED' ? null : next;
}
