// The public entry point of the dispatch service for tools outside apps/ (the import-boundary rule in
// eslint.config.mjs lets bench, tools and scripts import an app only through this file).
export { DispatchConfig } from './dispatch.config';
export { DispatchModule } from './dispatch.module';
// The domain and read models the benchmarks measure in process (bench/dispatch).
export { DispatchBoard } from './board/dispatch-board';
export { incidentDecider, type Incident } from './incident/incident.decider';
export { DEFAULT_SPEEDS_KMH, recommendUnits, type IncidentNeed, type UnitCandidate } from './recommendation';
export { INCIDENT_OPENER_GROUP } from './triage-feed/open-incident.consumer';
export { UnitPositions } from './positions/unit-positions';
export { unitDecider, UNIT_SNAPSHOTS, unitFold, type Unit, type UnitState } from './unit/unit.decider';
