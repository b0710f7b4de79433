import { IllegalState, NotFound, PriorityTargets, ResolutionOutcome } from '@callcenter/contracts';
import {
  AssignmentAcknowledged,
  AssignmentDeclined,
  AssignmentTimedOut,
  Decider,
  DispatchOverdue,
  IncidentClosed,
  IncidentEvent,
  IncidentOpened,
  IncidentOpenedV1,
  IncidentReportMerged,
  IncidentReportSplit,
  IncidentResolved,
  UnitArrived,
  UnitAssigned,
  UnitEnRoute,
} from '@callcenter/events';

/** Who acts: a dispatcher or supervisor (who may act for any unit, as by radio), or a field unit for itself. */
export type IncidentActor = { kind: 'dispatcher'; id: string } | { kind: 'unit'; unitId: string };

export interface UnitChoice {
  unitId: string;
  callSign: string;
  distanceMeters: number | null;
  etaSeconds: number | null;
}

export type IncidentCommand =
  | { type: 'OpenIncident'; data: IncidentOpenedV1 }
  | { type: 'AssignUnit'; by: IncidentActor; now: Date; unit: UnitChoice; automatic: boolean; acknowledgeSeconds: number }
  | { type: 'ReassignUnit'; by: IncidentActor; now: Date; unit: UnitChoice; acknowledgeSeconds: number }
  | { type: 'AcknowledgeAssignment'; by: IncidentActor }
  | { type: 'DeclineAssignment'; by: IncidentActor; reason: string }
  | { type: 'MarkEnRoute'; by: IncidentActor }
  | { type: 'MarkArrived'; by: IncidentActor }
  | { type: 'ResolveIncident'; by: IncidentActor; outcome: ResolutionOutcome; summary: string }
  | { type: 'CloseIncident'; by: IncidentActor }
  | { type: 'TimeOutAssignment'; now: Date }
  | { type: 'MarkDispatchOverdue'; now: Date; targets: PriorityTargets }
  /** Triage merged a report into the incident's group, or split one out (as triage recorded it: who, when, why). */
  | { type: 'MergeReport'; reportId: string; mergedAt: string; mergedBy: string }
  | { type: 'SplitReport'; reportId: string; splitAt: string; splitBy: string; reason: string };

export type IncidentStatus = 'AWAITING_UNIT' | 'ASSIGNED' | 'ACKNOWLEDGED' | 'EN_ROUTE' | 'ON_SCENE' | 'RESOLVED' | 'CLOSED';
/** A unit is held by the incident in these states. */
export const HOLDING_STATUSES: ReadonlySet<IncidentStatus> = new Set(['ASSIGNED', 'ACKNOWLEDGED', 'EN_ROUTE', 'ON_SCENE']);

export interface Incident {
  status: IncidentStatus;
  incident: IncidentOpenedV1;
  assignment: { unitId: string; callSign: string; acknowledgeBy: string; automatic: boolean } | null;
  /** Units that declined or timed out: not recommended for this incident again. */
  excludedUnitIds: string[];
  everAssigned: boolean;
  overdue: boolean;
  resolution: { outcome: ResolutionOutcome; summary: string } | null;
  /** Other reports of the same incident, merged by triage (absent until one is). */
  mergedReports?: { reportId: string; mergedAt: string; mergedBy: string }[];
}

export type IncidentState = { status: 'NONE' } | Incident;

export const isActive = (i: Incident) => i.status !== 'RESOLVED' && i.status !== 'CLOSED';

/** Whether the incident holds this unit now (a unit committed to an incident that does not is an orphan). */
export const holdsUnit = (i: IncidentState | undefined, unitId: string): boolean =>
  !!i && i.status !== 'NONE' && i.assignment?.unitId === unitId && HOLDING_STATUSES.has(i.status);

/** Whether a unit may see the incident: it is (or was last) the one assigned to it. */
export const assignedToUnit = (i: Incident, unitId: string): boolean => i.assignment?.unitId === unitId;

/** When a unit must be assigned by: receipt + the priority's time to dispatch (none for P4). */
export function dispatchDueAt(i: Incident, targets: PriorityTargets): Date | null {
  const seconds = targets[i.incident.priority]?.dispatchSeconds ?? null;
  const received = Date.parse(i.incident.receivedAt);
  // An incident recorded without a receipt time has no due time, rather than one that breaks every list it is in.
  return seconds === null || Number.isNaN(received) ? null : new Date(received + seconds * 1000);
}

/** What a refusal (409) shows of the incident: how it stands and who holds it, nothing of the report. */
const conflictView = (i: Incident) => ({ status: i.status, assignment: i.assignment && { unitId: i.assignment.unitId, callSign: i.assignment.callSign } });

function existing(state: IncidentState): Incident {
  if (state.status === 'NONE') throw new IllegalState('INCIDENT_NOT_OPENED', 'no such incident');
  return state;
}

/**
 * An incident not closed yet. To a unit only its own exists: any other is not found (404, as its GET
 * answers), since a refusal would tell the unit the incident is there and how it stands.
 */
function active(state: IncidentState, by?: IncidentActor): Incident {
  const i = existing(state);
  if (by?.kind === 'unit' && !assignedToUnit(i, by.unitId)) throw new NotFound('incident', i.incident.incidentId);
  if (!isActive(i)) throw new IllegalState('INCIDENT_CLOSED', `the incident is ${i.status}`, conflictView(i));
  return i;
}

/** The assignment a step acts on: the assigned unit's own (`active` shows a unit no other), or a dispatcher's for it. */
function assignedTo(i: Incident, allowed: IncidentStatus[]): NonNullable<Incident['assignment']> {
  if (!i.assignment || !allowed.includes(i.status)) {
    throw new IllegalState('ILLEGAL_TRANSITION', `not possible while the incident is ${i.status}`, conflictView(i));
  }
  return i.assignment;
}

const ids = (i: Incident) => ({ incidentId: i.incident.incidentId, reportId: i.incident.reportId });

/**
 * An incident from forwarding to closing: which unit holds it and how far it got. The unit's own
 * side (committed or free) is the unit decider's; the dispatch handler keeps the two in step.
 */
export const incidentDecider: Decider<IncidentCommand, IncidentEvent, IncidentState> = {
  initialState: () => ({ status: 'NONE' }),

  decide(command, state) {
    switch (command.type) {
      case 'OpenIncident':
        return state.status === 'NONE' ? [IncidentOpened(command.data)] : [];

      case 'AssignUnit': {
        const i = active(state);
        if (command.by.kind !== 'dispatcher') throw new IllegalState('DISPATCHER_REQUIRED', 'units do not assign themselves', conflictView(i));
        if (i.status !== 'AWAITING_UNIT') {
          throw new IllegalState('INCIDENT_ALREADY_ASSIGNED', `${i.assignment?.callSign} holds the incident; reassign instead`, conflictView(i));
        }
        return [
          UnitAssigned({
            ...ids(i),
            unitId: command.unit.unitId,
            callSign: command.unit.callSign,
            previousUnitId: null,
            distanceMeters: command.unit.distanceMeters,
            etaSeconds: command.unit.etaSeconds,
            automatic: command.automatic,
            acknowledgeBy: new Date(command.now.getTime() + command.acknowledgeSeconds * 1000).toISOString(),
          }),
        ];
      }

      case 'ReassignUnit': {
        const i = active(state);
        if (command.by.kind !== 'dispatcher') throw new IllegalState('DISPATCHER_REQUIRED', 'units do not assign themselves', conflictView(i));
        if (!i.assignment) throw new IllegalState('NO_UNIT_TO_REPLACE', 'no unit holds the incident; assign instead', conflictView(i));
        if (i.assignment.unitId === command.unit.unitId) throw new IllegalState('SAME_UNIT', `${command.unit.callSign} already holds it`, conflictView(i));
        return [
          UnitAssigned({
            ...ids(i),
            unitId: command.unit.unitId,
            callSign: command.unit.callSign,
            previousUnitId: i.assignment.unitId,
            distanceMeters: command.unit.distanceMeters,
            etaSeconds: command.unit.etaSeconds,
            automatic: false,
            acknowledgeBy: new Date(command.now.getTime() + command.acknowledgeSeconds * 1000).toISOString(),
          }),
        ];
      }

      case 'AcknowledgeAssignment': {
        const i = active(state, command.by);
        const a = assignedTo(i, ['ASSIGNED']);
        return [AssignmentAcknowledged({ ...ids(i), unitId: a.unitId })];
      }

      case 'DeclineAssignment': {
        const i = active(state, command.by);
        const a = assignedTo(i, ['ASSIGNED', 'ACKNOWLEDGED']);
        return [AssignmentDeclined({ ...ids(i), unitId: a.unitId, reason: command.reason })];
      }

      case 'MarkEnRoute': {
        const i = active(state, command.by);
        const a = assignedTo(i, ['ACKNOWLEDGED']);
        return [UnitEnRoute({ ...ids(i), unitId: a.unitId })];
      }

      case 'MarkArrived': {
        const i = active(state, command.by);
        const a = assignedTo(i, ['ACKNOWLEDGED', 'EN_ROUTE']);
        return [UnitArrived({ ...ids(i), unitId: a.unitId })];
      }

      case 'ResolveIncident': {
        const i = active(state, command.by);
        // The unit resolves what it attended; a dispatcher may also resolve an incident no unit reached
        // (a false alarm called off, a caller who cancelled).
        if (command.by.kind === 'unit') assignedTo(i, ['ON_SCENE']);
        else if (i.status !== 'ON_SCENE' && i.status !== 'AWAITING_UNIT' && command.outcome !== 'CANCELLED' && command.outcome !== 'FALSE_ALARM') {
          throw new IllegalState('RESOLVE_REQUIRES_ON_SCENE', 'a unit must be on scene, or the outcome must be CANCELLED or FALSE_ALARM', conflictView(i));
        }
        return [IncidentResolved({ ...ids(i), unitId: i.assignment?.unitId ?? null, outcome: command.outcome, summary: command.summary })];
      }

      case 'CloseIncident': {
        const i = existing(state);
        if (command.by.kind !== 'dispatcher') throw new IllegalState('DISPATCHER_REQUIRED', 'a dispatcher closes incidents', conflictView(i));
        if (i.status === 'CLOSED') throw new IllegalState('INCIDENT_CLOSED', 'the incident is already closed', conflictView(i));
        if (i.status !== 'RESOLVED') throw new IllegalState('RESOLVE_BEFORE_CLOSE', 'resolve the incident before closing it', conflictView(i));
        return [IncidentClosed(ids(i))];
      }

      case 'TimeOutAssignment': {
        if (state.status !== 'ASSIGNED' || !state.assignment) return [];
        if (command.now.getTime() < Date.parse(state.assignment.acknowledgeBy)) return [];
        return [AssignmentTimedOut({ ...ids(state), unitId: state.assignment.unitId })];
      }

      case 'MarkDispatchOverdue': {
        if (state.status !== 'AWAITING_UNIT' || state.overdue || state.everAssigned) return [];
        const due = dispatchDueAt(state, command.targets);
        if (!due || command.now < due) return [];
        const priority = state.incident.priority;
        return [DispatchOverdue({ ...ids(state), priority, targetSeconds: command.targets[priority].dispatchSeconds!, dueAt: due.toISOString() })];
      }

      case 'MergeReport': {
        // Follows triage, whatever the incident's status: the merge happened there. Redelivered: nothing.
        const i = existing(state);
        if (command.reportId === i.incident.reportId || i.mergedReports?.some((r) => r.reportId === command.reportId)) return [];
        return [IncidentReportMerged({ ...ids(i), mergedReportId: command.reportId, mergedAt: command.mergedAt, mergedBy: command.mergedBy })];
      }

      case 'SplitReport': {
        // Triage judged the split (its rule refuses one once a unit is on scene); dispatch records it.
        const i = existing(state);
        if (!i.mergedReports?.some((r) => r.reportId === command.reportId)) return [];
        return [
          IncidentReportSplit({ ...ids(i), splitReportId: command.reportId, splitAt: command.splitAt, splitBy: command.splitBy, reason: command.reason }),
        ];
      }

      default: {
        const unknown: never = command;
        throw new Error(`unknown command ${(unknown as IncidentCommand).type}`);
      }
    }
  },

  evolve(state, event) {
    if (event.type === 'IncidentOpened') {
      return { status: 'AWAITING_UNIT', incident: event.data, assignment: null, excludedUnitIds: [], everAssigned: false, overdue: false, resolution: null };
    }
    if (state.status === 'NONE') return state;
    const exclude = (unitId: string) => (state.excludedUnitIds.includes(unitId) ? state.excludedUnitIds : [...state.excludedUnitIds, unitId]);
    switch (event.type) {
      case 'UnitAssigned':
        return {
          ...state,
          status: 'ASSIGNED',
          everAssigned: true,
          assignment: { unitId: event.data.unitId, callSign: event.data.callSign, acknowledgeBy: event.data.acknowledgeBy, automatic: event.data.automatic },
        };
      case 'AssignmentAcknowledged':
        return { ...state, status: 'ACKNOWLEDGED' };
      case 'AssignmentDeclined':
      case 'AssignmentTimedOut':
        return { ...state, status: 'AWAITING_UNIT', assignment: null, excludedUnitIds: exclude(event.data.unitId) };
      case 'UnitEnRoute':
        return { ...state, status: 'EN_ROUTE' };
      case 'UnitArrived':
        return { ...state, status: 'ON_SCENE' };
      case 'IncidentResolved':
        return { ...state, status: 'RESOLVED', resolution: { outcome: event.data.outcome, summary: event.data.summary } };
      case 'IncidentClosed':
        return { ...state, status: 'CLOSED' };
      case 'DispatchOverdue':
        return { ...state, overdue: true };
      case 'IncidentReportMerged': {
        const { mergedReportId: reportId, mergedAt, mergedBy } = event.data;
        return { ...state, mergedReports: [...(state.mergedReports ?? []), { reportId, mergedAt, mergedBy }] };
      }
      case 'IncidentReportSplit':
        return { ...state, mergedReports: (state.mergedReports ?? []).filter((r) => r.reportId !== event.data.splitReportId) };
      default: {
        const unknown: never = event;
        throw new Error(`unknown event ${(unknown as IncidentEvent).type}`);
      }
    }
  },
};
