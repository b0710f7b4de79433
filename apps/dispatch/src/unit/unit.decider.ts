import { IllegalState } from '@callcenter/contracts';
import {
  Decider,
  SnapshotFold,
  UnitCommitted,
  UnitEvent,
  UnitRegistered,
  UnitReleased,
  UnitReleasedV1,
  UnitStatusChanged,
  UnitStatusChangedV1,
  UnitUpdated,
} from '@callcenter/events';
import type { UnitStatus, UnitType } from '../recommendation';

export interface UnitDetails {
  type: UnitType;
  capabilities: string[];
  homeDistrict: string;
}

export type UnitCommand =
  | { type: 'RegisterUnit'; unitId: string; callSign: string; details: UnitDetails; onShift: boolean }
  | { type: 'UpdateUnit'; now: Date; details: Partial<UnitDetails>; onShift?: boolean }
  | { type: 'ReportStatus'; now: Date; status: UnitStatus; incidentId?: string | null }
  | { type: 'CommitUnit'; now: Date; incidentId: string; reportId: string }
  | { type: 'ReleaseUnit'; incidentId: string; reason: UnitReleasedV1['reason'] };

export interface Unit {
  status: UnitStatus;
  unitId: string;
  callSign: string;
  details: UnitDetails;
  assignment: { incidentId: string; reportId: string; since: string } | null;
  /** When the unit was committed lately (newest last, at most 20), for workload. */
  recentCommitments: string[];
}

export type UnitState = { status: 'UNREGISTERED' } | Unit;

const RECENT_COMMITMENTS_KEPT = 20;

function registered(state: UnitState): Unit {
  if (state.status === 'UNREGISTERED') throw new IllegalState('UNIT_NOT_REGISTERED', 'no such unit', state);
  return state;
}

/** Positions are not the unit's stream's business (they live in the latest-position read model): `position` stays null. */
function statusChange(unit: Unit, now: Date, status: UnitStatus, incidentId: string | null): UnitEvent[] {
  if (status === unit.status) return [];
  return [UnitStatusChanged({ unitId: unit.unitId, status, previousStatus: unit.status, position: null, incidentId, reportedAt: now.toISOString() })];
}

/**
 * A field unit: its roster details, its status, and the one incident it may be committed to. Its
 * position is not here: position reports come every few seconds all shift long and decide nothing,
 * so they go to a latest-position read model (positions/unit-positions.ts) and the stream stays short. Committing is how an assignment takes the unit: the unit stream's version check
 * makes two dispatchers racing for one unit end with one assignment.
 */
/** How the event store folds and snapshots a unit's stream; bump the version when Unit or evolve changes. */
export const UNIT_SNAPSHOTS = { name: 'unit', schemaVersion: 1 };

export const unitDecider: Decider<UnitCommand, UnitEvent, UnitState> = {
  initialState: () => ({ status: 'UNREGISTERED' }),

  decide(command, state) {
    switch (command.type) {
      case 'RegisterUnit': {
        if (state.status !== 'UNREGISTERED') {
          throw new IllegalState('UNIT_ALREADY_REGISTERED', `unit ${command.unitId} is already registered`, state);
        }
        return [
          UnitRegistered({
            unitId: command.unitId,
            callSign: command.callSign,
            ...command.details,
            status: command.onShift ? 'AVAILABLE' : 'OFF_DUTY',
          }),
        ];
      }

      case 'UpdateUnit': {
        const unit = registered(state);
        const events: UnitEvent[] = [];
        const given = Object.fromEntries(Object.entries(command.details).filter(([, v]) => v !== undefined));
        const details = { ...unit.details, ...given };
        if (JSON.stringify(details) !== JSON.stringify(unit.details)) events.push(UnitUpdated({ unitId: unit.unitId, ...details }));
        if (command.onShift !== undefined && command.onShift !== (unit.status !== 'OFF_DUTY')) {
          if (!command.onShift && unit.assignment) {
            throw new IllegalState('UNIT_HAS_ASSIGNMENT', `the unit is assigned to incident ${unit.assignment.incidentId}`, unit);
          }
          events.push(...statusChange(unit, command.now, command.onShift ? 'AVAILABLE' : 'OFF_DUTY', null));
        }
        return events;
      }

      case 'ReportStatus': {
        const unit = registered(state);
        const status = command.status;
        // A committed unit is not free until its incident lets it go: resolve or decline instead.
        // (A committed unit is still AVAILABLE until it sets off.)
        const freeing = status !== unit.status && (status === 'AVAILABLE' || status === 'OFF_DUTY');
        if (unit.assignment && freeing) {
          throw new IllegalState('UNIT_HAS_ASSIGNMENT', `the unit is assigned to incident ${unit.assignment.incidentId}; resolve or decline it first`, unit);
        }
        return statusChange(unit, command.now, status, command.incidentId ?? unit.assignment?.incidentId ?? null);
      }

      case 'CommitUnit': {
        const unit = registered(state);
        if (unit.assignment?.incidentId === command.incidentId) return [];
        if (unit.assignment) {
          throw new IllegalState('UNIT_ALREADY_ASSIGNED', `${unit.callSign} is assigned to incident ${unit.assignment.incidentId}`, unit);
        }
        if (unit.status !== 'AVAILABLE') throw new IllegalState('UNIT_NOT_AVAILABLE', `${unit.callSign} is ${unit.status}`, unit);
        return [UnitCommitted({ unitId: unit.unitId, incidentId: command.incidentId, reportId: command.reportId, committedAt: command.now.toISOString() })];
      }

      case 'ReleaseUnit': {
        const unit = registered(state);
        // Releasing what is not held is a no-op: releases are retried and reconciled.
        if (unit.assignment?.incidentId !== command.incidentId) return [];
        return [UnitReleased({ unitId: unit.unitId, incidentId: command.incidentId, reason: command.reason })];
      }

      default: {
        const unknown: never = command;
        throw new Error(`unknown command ${(unknown as UnitCommand).type}`);
      }
    }
  },

  evolve(state, event) {
    if (event.type === 'UnitRegistered') {
      const { unitId, callSign, type, capabilities, homeDistrict, status } = event.data;
      return {
        status,
        unitId,
        callSign,
        details: { type: type as UnitType, capabilities, homeDistrict },
        assignment: null,
        recentCommitments: [],
      };
    }
    if (state.status === 'UNREGISTERED') return state;
    switch (event.type) {
      case 'UnitUpdated':
        return { ...state, details: { type: event.data.type as UnitType, capabilities: event.data.capabilities, homeDistrict: event.data.homeDistrict } };
      case 'UnitStatusChanged': {
        // A position in older events is history only (the read model holds where a unit is now).
        const data: UnitStatusChangedV1 = event.data;
        return { ...state, status: data.status };
      }
      case 'UnitCommitted':
        return {
          ...state,
          assignment: { incidentId: event.data.incidentId, reportId: event.data.reportId, since: event.data.committedAt },
          recentCommitments: [...state.recentCommitments, event.data.committedAt].slice(-RECENT_COMMITMENTS_KEPT),
        };
      case 'UnitReleased': {
        const free = state.status === 'EN_ROUTE' || state.status === 'ON_SCENE' || state.status === 'BUSY';
        return { ...state, assignment: null, status: free ? 'AVAILABLE' : state.status };
      }
      default: {
        const unknown: never = event;
        throw new Error(`unknown event ${(unknown as UnitEvent).type}`);
      }
    }
  },
};

/** The unit's stream as the event store folds it, from its latest snapshot (MongoEventStore.load). */
export const unitFold: SnapshotFold<UnitState> = { ...unitDecider, ...UNIT_SNAPSHOTS };
