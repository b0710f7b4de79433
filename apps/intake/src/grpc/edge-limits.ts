import { InFlightSubmissions } from './in-flight';

export const INTAKE_EDGE_LIMITS = Symbol('INTAKE_EDGE_LIMITS');

/** What the gRPC edge bounds (INTAKE_MAX_IN_FLIGHT*, INTAKE_MAX_WATCHES_PER_CALLER, INTAKE_WATCH_MAX_SECONDS). */
export interface EdgeLimits {
  inFlight: InFlightSubmissions;
  maxWatchesPerCaller: number;
  watchMaxMs: number;
}
