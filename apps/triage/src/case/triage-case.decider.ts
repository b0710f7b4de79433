import { Category, IllegalState, Priority, PriorityTargets, RejectionReason, ValidationFailed } from '@callcenter/contracts';
import {
  Decider,
  ReportAdviceGiven,
  ReportClaimed,
  ReportClassified,
  ReportEscalated,
  ReportForwardedForDispatch,
  ReportMarkedDuplicate,
  ReportNoteAdded,
  ReportReassigned,
  ReportRejected,
  ReportReleased,
  ReportSplitFromGroup,
  TriageCaseOpened,
  TriageCaseOpenedV1,
  TriageEvent,
  TriageOverdue,
} from '@callcenter/events';
import type { EventEnvelope, TriageEnvelope } from '@callcenter/events';

/** Who acts: the authenticated operator or supervisor. Supervisors may act on any open case. */
export interface Operator {
  id: string;
  supervisor: boolean;
  /** Display name from the sign-in, so others are told who holds a case. */
  name?: string | null;
}

export type TriageCommand =
  | { type: 'OpenCase'; data: TriageCaseOpenedV1 }
  | { type: 'Claim'; by: Operator; now: Date; leaseSeconds: number }
  | { type: 'Release'; by: Operator }
  | { type: 'Classify'; by: Operator; now: Date; category: Category; priority: Priority; district: string | null }
  | { type: 'AddNote'; by: Operator; text: string }
  | { type: 'MarkDuplicate'; by: Operator; now: Date; duplicateOf: string; original: OriginalReport | null }
  | { type: 'Reject'; by: Operator; now: Date; reason: RejectionReason; explanation: string }
  | { type: 'GiveAdvice'; by: Operator; now: Date; advice: string }
  | { type: 'Escalate'; by: Operator; now: Date; reason: string }
  | { type: 'Forward'; by: Operator; now: Date }
  | { type: 'Reassign'; by: Operator; now: Date; toOperatorId: string; leaseSeconds: number }
  | { type: 'SplitFromGroup'; by: Operator; now: Date; reason: string; groupIncident: GroupIncident }
  | { type: 'MarkOverdue'; now: Date; targets: PriorityTargets }
  | { type: 'ExpireLease'; now: Date };

/**
 * The report a case is said to duplicate, as triage knows it (read from its stream by the adapter):
 * null when triage knows no such report; `duplicateOf` when it is itself a duplicate.
 */
export interface OriginalReport {
  status: CaseStatus;
  duplicateOf: string | null;
}

/**
 * What triage knows of the incident of the group a report is merged into (from dispatch's topic, read
 * by the adapter): when a unit first arrived on scene there, if one has.
 */
export interface GroupIncident {
  unitArrivedAt: string | null;
  unitId: string | null;
}

/** Waiting in the queue, being triaged, waiting for a supervisor, or closed by a triage decision. */
export type CaseStatus = 'QUEUED' | 'IN_TRIAGE' | 'ESCALATED' | 'REJECTED' | 'DUPLICATE' | 'ADVICE_GIVEN' | 'FORWARDED';
export const OPEN_STATUSES: ReadonlySet<CaseStatus> = new Set(['QUEUED', 'IN_TRIAGE', 'ESCALATED']);

export interface TriageCase {
  status: CaseStatus;
  report: TriageCaseOpenedV1;
  classification: { category: Category; priority: Priority; district: string | null } | null;
  /** `operatorName` and `claimedAt` are absent from claims recorded before they were kept. */
  claim: { operatorId: string; operatorName?: string | null; claimedAt?: string; leaseExpiresAt: string } | null;
  escalated: boolean;
  overdue: boolean;
  /** While merged as a duplicate: the report whose incident group it belongs to (absent otherwise). */
  mergedInto?: string;
}

export type TriageCaseState = { status: 'NONE' } | TriageCase;

export const isOpen = (c: TriageCase) => OPEN_STATUSES.has(c.status);
/** The priority the queue sorts by and the timers use: the operator's, else the suggestion's. */
export const effectivePriority = (c: TriageCase): Priority => c.classification?.priority ?? c.report.suggestion.priority;
export const effectiveCategory = (c: TriageCase): Category => c.classification?.category ?? c.report.suggestion.category;
export const effectiveDistrict = (c: TriageCase): string | null => c.classification?.district ?? c.report.district;

/** When the case must have a triage decision. */
export function triageDueAt(c: TriageCase, targets: PriorityTargets): Date {
  return new Date(Date.parse(c.report.receivedAt) + targets[effectivePriority(c)].triageSeconds * 1000);
}

const leaseUntil = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();
const leaseLive = (c: TriageCase, now: Date) => !!c.claim && Date.parse(c.claim.leaseExpiresAt) > now.getTime();

/** What a refusal tells the caller: the status and who holds the case, never the report or the caller reference. */
export const conflictView = (c: TriageCase) => ({ status: c.status, claim: c.claim, escalated: c.escalated });

function existing(state: TriageCaseState): TriageCase {
  if (state.status === 'NONE') throw new IllegalState('CASE_NOT_OPENED', 'the report has no triage case yet', { status: state.status });
  return state;
}

function open(state: TriageCaseState): TriageCase {
  const c = existing(state);
  if (!isOpen(c)) throw new IllegalState('CASE_CLOSED', `the case is closed (${c.status})`, conflictView(c));
  return c;
}

/**
 * The actor must hold a live claim on the case. Supervisors may act on any open case: they are the
 * ones who step in when an operator is stuck.
 */
function heldBy(state: TriageCaseState, by: Operator, now: Date): TriageCase {
  const c = open(state);
  if (by.supervisor) return c;
  if (!c.claim || c.claim.operatorId !== by.id) {
    throw new IllegalState('CLAIM_REQUIRED', 'claim the case before acting on it', conflictView(c));
  }
  if (!leaseLive(c, now)) throw new IllegalState('CLAIM_EXPIRED', 'your claim on the case has expired; claim it again', conflictView(c));
  return c;
}

export const triageCaseDecider: Decider<TriageCommand, TriageEvent, TriageCaseState> = {
  initialState: () => ({ status: 'NONE' }),

  decide(command, state) {
    switch (command.type) {
      case 'OpenCase':
        // A redelivered ReportReceived finds the case open: nothing to do, not an error.
        return state.status === 'NONE' ? [TriageCaseOpened(command.data)] : [];

      case 'Claim': {
        const c = open(state);
        const reportId = c.report.reportId;
        // Escalated stays escalated while a supervisor holds it, even if their lease lapses.
        if (c.escalated && !command.by.supervisor) {
          throw new IllegalState('ESCALATED_CASE_NEEDS_SUPERVISOR', 'an escalated case is claimed by a supervisor', conflictView(c));
        }
        if (c.claim && c.claim.operatorId !== command.by.id && leaseLive(c, command.now)) {
          throw new IllegalState('CASE_ALREADY_CLAIMED', `the case is claimed by ${c.claim.operatorId}`, conflictView(c));
        }
        // Claiming again renews the lease; claiming an expired lease takes the case over.
        return [
          ReportClaimed({
            reportId,
            operatorId: command.by.id,
            ...(command.by.name ? { operatorName: command.by.name } : {}),
            claimedAt: command.now.toISOString(),
            leaseExpiresAt: leaseUntil(command.now, command.leaseSeconds),
          }),
        ];
      }

      case 'Release': {
        const c = open(state);
        if (!c.claim) throw new IllegalState('CASE_NOT_CLAIMED', 'the case is not claimed', conflictView(c));
        if (c.claim.operatorId !== command.by.id && !command.by.supervisor) {
          throw new IllegalState('CLAIM_REQUIRED', `only ${c.claim.operatorId} or a supervisor can release the case`, conflictView(c));
        }
        return [ReportReleased({ reportId: c.report.reportId, operatorId: c.claim.operatorId, reason: 'RELEASED' })];
      }

      case 'Classify': {
        const c = heldBy(state, command.by, command.now);
        return [ReportClassified({ reportId: c.report.reportId, category: command.category, priority: command.priority, district: command.district })];
      }

      case 'AddNote': {
        // Notes are the audit trail's comments: allowed on closed cases too, without a claim.
        const c = existing(state);
        return [ReportNoteAdded({ reportId: c.report.reportId, text: command.text })];
      }

      case 'MarkDuplicate': {
        const c = heldBy(state, command.by, command.now);
        if (command.duplicateOf === c.report.reportId) {
          throw new IllegalState('DUPLICATE_OF_ITSELF', 'a report cannot duplicate itself', conflictView(c));
        }
        // A duplicate points at a report someone acts on: one open or forwarded, never at another
        // duplicate, so there are no chains to follow and no cycles (A of B of A).
        const original = command.original;
        if (!original) {
          throw new ValidationFailed([{ field: 'duplicateOf', message: `no report ${command.duplicateOf} is known to triage` }]);
        }
        if (original.status === 'DUPLICATE') {
          throw new IllegalState(
            'DUPLICATE_OF_DUPLICATE',
            `report ${command.duplicateOf} is itself a duplicate` +
              (original.duplicateOf ? ` of ${original.duplicateOf}; mark this one a duplicate of that report` : ''),
            conflictView(c),
          );
        }
        if (original.status !== 'FORWARDED' && !OPEN_STATUSES.has(original.status)) {
          throw new IllegalState(
            'DUPLICATE_OF_CLOSED_REPORT',
            `report ${command.duplicateOf} was closed (${original.status}); a duplicate must point at a report that is open or forwarded`,
            conflictView(c),
          );
        }
        return [ReportMarkedDuplicate({ reportId: c.report.reportId, duplicateOf: command.duplicateOf })];
      }

      case 'Reject': {
        const c = heldBy(state, command.by, command.now);
        return [
          ReportRejected({
            reportId: c.report.reportId,
            reason: command.reason,
            explanation: command.explanation,
            callerRef: c.report.callerRef,
          }),
        ];
      }

      case 'GiveAdvice': {
        const c = heldBy(state, command.by, command.now);
        return [ReportAdviceGiven({ reportId: c.report.reportId, advice: command.advice })];
      }

      case 'Escalate': {
        const c = heldBy(state, command.by, command.now);
        if (c.escalated) throw new IllegalState('ALREADY_ESCALATED', 'the case is already with a supervisor', conflictView(c));
        return [ReportEscalated({ reportId: c.report.reportId, reason: command.reason })];
      }

      case 'Forward': {
        const c = heldBy(state, command.by, command.now);
        if (!c.classification) throw new IllegalState('CLASSIFICATION_REQUIRED', 'classify the report before forwarding it', conflictView(c));
        if (c.classification.priority === 'P4') {
          throw new IllegalState('P4_IS_NOT_DISPATCHED', 'a P4 report is not dispatched; give advice or reclassify', conflictView(c));
        }
        const { latitude, longitude, address } = c.report.location;
        const district = effectiveDistrict(c);
        if ((latitude === null || longitude === null) && !district) {
          throw new IllegalState('LOCATION_REQUIRED', 'dispatch needs coordinates or a district; classify the district first', conflictView(c));
        }
        return [
          ReportForwardedForDispatch({
            reportId: c.report.reportId,
            trackingCode: c.report.trackingCode,
            channel: c.report.channel,
            receivedAt: c.report.receivedAt,
            category: c.classification.category,
            priority: c.classification.priority,
            district,
            location: { latitude, longitude, address },
            description: c.report.description,
            peopleInjured: c.report.peopleInjured,
            peopleInvolved: c.report.peopleInvolved,
          }),
        ];
      }

      case 'Reassign': {
        const c = open(state);
        if (!command.by.supervisor) throw new IllegalState('SUPERVISOR_REQUIRED', 'only a supervisor reassigns a case', conflictView(c));
        return [
          ReportReassigned({
            reportId: c.report.reportId,
            fromOperatorId: c.claim?.operatorId ?? null,
            toOperatorId: command.toOperatorId,
            leaseExpiresAt: leaseUntil(command.now, command.leaseSeconds),
          }),
        ];
      }

      case 'SplitFromGroup': {
        // Undoes a merge: only a supervisor, only a merged report, and only before a unit has reached
        // the group's incident. Once a unit is on scene it has handled the reports as one incident;
        // taking one out then would leave its reporter with a report nobody went to, and the unit's
        // work counted once for two. A later difference is recorded as a note or a new report instead.
        const c = existing(state);
        if (!command.by.supervisor)
          throw new IllegalState('SUPERVISOR_REQUIRED', 'only a supervisor splits a report out of an incident group', conflictView(c));
        if (c.status !== 'DUPLICATE' || !c.mergedInto) {
          throw new IllegalState(
            'NOT_MERGED',
            `the report is not merged into an incident group (it is ${c.status}); only a merged report can be split`,
            conflictView(c),
          );
        }
        const reason = command.reason.trim();
        if (!reason) throw new ValidationFailed([{ field: 'reason', message: 'reason must say why the report is split out' }]);
        if (command.groupIncident.unitArrivedAt) {
          throw new IllegalState(
            'GROUP_INCIDENT_ATTENDED',
            `a unit${command.groupIncident.unitId ? ` (${command.groupIncident.unitId})` : ''} has been on scene at the incident of report ${c.mergedInto} ` +
              `since ${command.groupIncident.unitArrivedAt}: a report is split out of its group only before any unit arrives; add a note or record a new report instead`,
            { ...conflictView(c), mergedInto: c.mergedInto, unitArrivedAt: command.groupIncident.unitArrivedAt },
          );
        }
        return [ReportSplitFromGroup({ reportId: c.report.reportId, groupOf: c.mergedInto, reason })];
      }

      case 'MarkOverdue': {
        // Timers may fire late, twice, or on two instances: the state decides whether anything happens.
        if (state.status === 'NONE' || !isOpen(state) || state.overdue) return [];
        const dueAt = triageDueAt(state, command.targets);
        if (command.now < dueAt) return [];
        const priority = effectivePriority(state);
        return [
          TriageOverdue({
            reportId: state.report.reportId,
            priority,
            targetSeconds: command.targets[priority].triageSeconds,
            dueAt: dueAt.toISOString(),
          }),
        ];
      }

      case 'ExpireLease': {
        if (state.status === 'NONE' || !isOpen(state) || !state.claim || leaseLive(state, command.now)) return [];
        return [ReportReleased({ reportId: state.report.reportId, operatorId: state.claim.operatorId, reason: 'LEASE_EXPIRED' })];
      }

      default: {
        const unknown: never = command;
        throw new Error(`unknown command ${(unknown as TriageCommand).type}`);
      }
    }
  },

  evolve(state, event) {
    if (event.type === 'TriageCaseOpened') {
      return { status: 'QUEUED', report: event.data, classification: null, claim: null, escalated: false, overdue: false };
    }
    if (state.status === 'NONE') return state;
    switch (event.type) {
      case 'ReportClaimed': {
        const { operatorId, operatorName, leaseExpiresAt } = event.data;
        // Renewing keeps the time the operator first took the case; older events carry no time or name.
        const claimedAt = state.claim?.operatorId === operatorId ? (state.claim.claimedAt ?? event.data.claimedAt) : event.data.claimedAt;
        return {
          ...state,
          status: 'IN_TRIAGE',
          claim: { operatorId, leaseExpiresAt, ...(operatorName ? { operatorName } : {}), ...(claimedAt ? { claimedAt } : {}) },
        };
      }
      case 'ReportReleased':
        return { ...state, status: state.escalated ? 'ESCALATED' : 'QUEUED', claim: null };
      case 'ReportClassified':
        return { ...state, classification: { category: event.data.category, priority: event.data.priority, district: event.data.district } };
      case 'ReportNoteAdded':
        return state;
      case 'ReportMarkedDuplicate':
        return { ...state, status: 'DUPLICATE', claim: null, mergedInto: event.data.duplicateOf };
      case 'ReportSplitFromGroup': {
        // Back in the queue as its own report, with its classification and history.
        const { mergedInto, ...rest } = state;
        return { ...rest, status: 'QUEUED', claim: null, escalated: false };
      }
      case 'ReportRejected':
        return { ...state, status: 'REJECTED', claim: null };
      case 'ReportAdviceGiven':
        return { ...state, status: 'ADVICE_GIVEN', claim: null };
      case 'ReportEscalated':
        return { ...state, status: 'ESCALATED', escalated: true, claim: null };
      case 'ReportReassigned':
        // A supervisor handing the case to an operator is how an escalation is settled.
        return {
          ...state,
          status: 'IN_TRIAGE',
          escalated: false,
          claim: { operatorId: event.data.toOperatorId, leaseExpiresAt: event.data.leaseExpiresAt },
        };
      case 'ReportForwardedForDispatch':
        return { ...state, status: 'FORWARDED', claim: null };
      case 'TriageOverdue':
        return { ...state, overdue: true };
      default: {
        const unknown: never = event;
        throw new Error(`unknown event ${(unknown as TriageEvent).type}`);
      }
    }
  },
};

/** A case's state from its stream's events, in order. */
export function foldCase(events: readonly EventEnvelope[]): TriageCaseState {
  return events.reduce((s: TriageCaseState, e) => triageCaseDecider.evolve(s, e as TriageEnvelope), triageCaseDecider.initialState());
}
