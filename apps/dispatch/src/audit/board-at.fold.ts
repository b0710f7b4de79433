import { Jurisdiction, PriorityTargets } from '@callcenter/contracts';
import { EventEnvelope, TimelineFold } from '@callcenter/events';
import { DispatchBoard } from '../board/dispatch-board';
import { evolveOpenIncidentSnapshot, evolveUnitSnapshot } from '../board/board-snapshot.projection';
import { incidentView, unitView } from '../http/views';
import { Incident } from '../incident/incident.decider';
import { LatestPosition } from '../positions/unit-positions';
import { Unit } from '../unit/unit.decider';

interface Versioned<T> {
  state: T;
  version: number;
}

/** The board at a moment: every unit and every incident not yet closed, each with its stream version. */
export interface BoardAt {
  units: Map<string, Versioned<Unit>>;
  incidents: Map<string, Versioned<Incident>>;
}

export interface StoredBoard {
  units: Versioned<Unit>[];
  incidents: Versioned<Incident>[];
}

/** Applies the next event of a stream with the board's own snapshot evolution; repeats and closed streams change nothing. */
function step<T>(map: Map<string, Versioned<T>>, event: EventEnvelope, evolve: (doc: T | null, e: EventEnvelope) => T | null): void {
  const known = map.get(event.streamId);
  if (event.streamVersion !== (known?.version ?? 0) + 1) return;
  const next = evolve(known?.state ?? null, event);
  if (next) map.set(event.streamId, { state: next, version: event.streamVersion });
  else map.delete(event.streamId);
}

/** The dispatch board's fold for time travel: the live board's snapshot evolutions (the unit and incident deciders' evolve). */
export const boardAtFold: TimelineFold<BoardAt, StoredBoard> = {
  schemaVersion: 1,
  initial: () => ({ units: new Map(), incidents: new Map() }),
  apply(board, event) {
    step(board.units, event, evolveUnitSnapshot);
    step(board.incidents, event, evolveOpenIncidentSnapshot);
  },
  save: (board) => ({ units: [...board.units.values()], incidents: [...board.incidents.values()] }),
  load: (stored) => ({
    units: new Map(stored.units.map((u) => [u.state.unitId, u])),
    incidents: new Map(stored.incidents.map((i) => [i.state.incident.incidentId, i])),
  }),
};

/**
 * The board as the live API showed it at `at`: the live board's own ordering and views over the
 * state then, with each unit's last position reported by then.
 */
export function boardViewAt(state: BoardAt, positions: Map<string, LatestPosition>, at: Date, jurisdiction: Jurisdiction, targets: PriorityTargets) {
  const board = new DispatchBoard(jurisdiction);
  for (const unit of state.units.values()) board.loadUnit(unit);
  for (const incident of state.incidents.values()) board.loadIncident(incident);
  for (const [unitId, latest] of positions) board.applyPosition(unitId, latest);
  const units = board.allUnits().map((u) => unitView(u.state, u.version, board.positionOf(u.state.unitId)));
  const incidents = board.openIncidents().map((e) => incidentView(e.state, e.version, at, targets));
  return { at: at.toISOString(), units: { total: units.length, items: units }, incidents: { total: incidents.length, items: incidents } };
}
