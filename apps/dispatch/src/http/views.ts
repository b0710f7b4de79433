import { PriorityTargets } from '@callcenter/contracts';
import { dispatchDueAt, Incident } from '../incident/incident.decider';
import { LatestPosition } from '../positions/unit-positions';
import { Unit } from '../unit/unit.decider';

/** A unit on the status board, with its latest reported position (if any). */
export function unitView(unit: Unit, version: number, latest: LatestPosition | undefined) {
  return {
    unitId: unit.unitId,
    callSign: unit.callSign,
    type: unit.details.type,
    capabilities: unit.details.capabilities,
    homeDistrict: unit.details.homeDistrict,
    status: unit.status,
    onShift: unit.status !== 'OFF_DUTY',
    position: latest?.position ?? null,
    positionAt: latest?.reportedAt ?? null,
    currentIncident: unit.assignment,
    version,
  };
}

/** An incident in the dispatcher's list. */
export function incidentView(incident: Incident, version: number, now: Date, targets: PriorityTargets) {
  const { incidentId, reportId, trackingCode, priority, category, district, location, peopleInjured, receivedAt, forwardedAt } = incident.incident;
  const dueAt = dispatchDueAt(incident, targets);
  return {
    ...{ incidentId, reportId, trackingCode, status: incident.status, priority, category, district },
    ...{ location, peopleInjured, receivedAt, forwardedAt },
    ageSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(receivedAt)) / 1000)),
    assignment: incident.assignment,
    dispatchDueAt: dueAt?.toISOString() ?? null,
    overdue: incident.overdue || (!incident.everAssigned && dueAt !== null && now >= dueAt && incident.status === 'AWAITING_UNIT'),
    resolution: incident.resolution,
    /** Other reports of this incident, merged by triage (their reporters follow it on their own reports). */
    mergedReports: incident.mergedReports ?? [],
    version,
  };
}
