// Erlang C staffing: how many call takers a queue needs for a given service level.
//
// The model is the M/M/N queue: calls arrive as a Poisson process, handling times are exponential,
// every agent takes any call, callers wait in one FIFO queue for as long as it takes and never hang up.
// Real callers do abandon, and each abandoned call removes load the model still counts, so Erlang C
// overstates waits and therefore staffing: read its answer as a cautious upper bound. An abandonment-aware
// model (Erlang A) is the next step if that margin turns out to matter.
//
// Everything here is a pure function of its arguments: no clock, no I/O.

/** Above this, a request is almost certainly a unit mistake (per-second rates, milliseconds) rather than a real call center. */
const MAX_AGENTS = 10_000;

const SECONDS_PER_HOUR = 3600;

/** Probability that an arriving call waits (Erlang C), for `agents` servers and offered load `erlangs` (= arrival rate × mean handling time). 1 when agents <= erlangs (unstable queue). */
export function erlangC(agents: number, erlangs: number): number {
  requireAgents(agents);
  requireNonNegative('erlangs', erlangs);
  // With no more agents than offered load the queue grows without bound: every caller eventually waits.
  if (agents <= erlangs) return 1;
  return erlangCFromB(agents, erlangs, erlangB(agents, erlangs));
}

/** Share of calls answered within `targetSeconds`: 1 − C(N, A)·e^{−(N−A)·T/AHT}. 0 when agents <= erlangs. */
export function serviceLevel(agents: number, erlangs: number, targetSeconds: number, handlingSeconds: number): number {
  requireAgents(agents);
  requireNonNegative('erlangs', erlangs);
  requireNonNegative('targetSeconds', targetSeconds);
  requirePositive('handlingSeconds', handlingSeconds);
  // An unstable queue answers a vanishing share of calls within any fixed target, in the long run.
  if (agents <= erlangs) return 0;
  return serviceLevelFromC(agents, erlangs, erlangC(agents, erlangs), targetSeconds, handlingSeconds);
}

/** Mean wait (ASA) in seconds: C(N,A)·AHT/(N−A); Infinity when agents <= erlangs. */
export function averageSpeedOfAnswer(agents: number, erlangs: number, handlingSeconds: number): number {
  requireAgents(agents);
  requireNonNegative('erlangs', erlangs);
  requirePositive('handlingSeconds', handlingSeconds);
  if (agents <= erlangs) return Infinity;
  return (erlangC(agents, erlangs) * handlingSeconds) / (agents - erlangs);
}

export interface StaffingNeed {
  agents: number;
  erlangs: number;
  serviceLevel: number;
  probabilityOfWaiting: number;
  averageSpeedOfAnswerSeconds: number;
  occupancy: number;
}

/**
 * The fewest agents meeting the service level (e.g. 0.9 of calls within 15 s). 0 agents when there are no arrivals.
 * Caps the search at 10,000 agents and throws beyond.
 *
 * With no arrivals nobody waits, so that answer reports service level 1, waiting probability 0, ASA 0, occupancy 0.
 */
export function agentsNeeded(arrivalsPerHour: number, handlingSeconds: number, target: { share: number; withinSeconds: number }): StaffingNeed {
  requireNonNegative('arrivalsPerHour', arrivalsPerHour);
  requirePositive('handlingSeconds', handlingSeconds);
  if (target === null || typeof target !== 'object') throw new RangeError('target must be { share, withinSeconds }');
  const { share, withinSeconds } = target;
  // A share of 0 is met by anything and a share of 1 by nothing (C > 0 for every finite N), so both are mistakes.
  if (typeof share !== 'number' || !Number.isFinite(share) || share <= 0 || share >= 1) {
    throw new RangeError(`target.share must be a number strictly between 0 and 1, got ${String(share)}`);
  }
  requireNonNegative('target.withinSeconds', withinSeconds);

  if (arrivalsPerHour === 0) {
    return { agents: 0, erlangs: 0, serviceLevel: 1, probabilityOfWaiting: 0, averageSpeedOfAnswerSeconds: 0, occupancy: 0 };
  }

  const erlangs = (arrivalsPerHour * handlingSeconds) / SECONDS_PER_HOUR;
  // Only N > A gives a stable queue; start there. Because the Erlang B recursion walks N upwards anyway,
  // the search carries B along instead of recomputing it per candidate: O(answer) steps in total.
  const firstStable = Math.floor(erlangs) + 1;
  if (firstStable > MAX_AGENTS) throw capExceeded(erlangs);
  let b = erlangB(firstStable - 1, erlangs);
  for (let agents = firstStable; agents <= MAX_AGENTS; agents++) {
    b = erlangBStep(agents, erlangs, b);
    const c = erlangCFromB(agents, erlangs, b);
    const level = serviceLevelFromC(agents, erlangs, c, withinSeconds, handlingSeconds);
    if (level >= share) {
      return {
        agents,
        erlangs,
        serviceLevel: level,
        probabilityOfWaiting: c,
        averageSpeedOfAnswerSeconds: (c * handlingSeconds) / (agents - erlangs),
        occupancy: erlangs / agents,
      };
    }
  }
  throw capExceeded(erlangs);
}

// ---------------------------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------------------------

/**
 * Erlang B (blocking probability) by the recursion B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)).
 * The textbook form A^N/N! / Σ A^k/k! overflows doubles past N ≈ 170 (and loses precision well before);
 * every value in the recursion stays in [0, 1], so it is exact enough for thousands of agents.
 */
function erlangB(agents: number, erlangs: number): number {
  let b = 1;
  for (let n = 1; n <= agents; n++) b = erlangBStep(n, erlangs, b);
  return b;
}

function erlangBStep(n: number, erlangs: number, previous: number): number {
  const ab = erlangs * previous;
  return ab / (n + ab);
}

/** C = N·B / (N − A·(1 − B)), the standard identity between the loss and the delay formula; needs N > A. */
function erlangCFromB(agents: number, erlangs: number, b: number): number {
  return (agents * b) / (agents - erlangs * (1 - b));
}

/** Waits of delayed calls are exponential with rate (N − A)/AHT, hence the tail e^{−(N−A)·T/AHT}. */
function serviceLevelFromC(agents: number, erlangs: number, c: number, targetSeconds: number, handlingSeconds: number): number {
  return 1 - c * Math.exp((-(agents - erlangs) * targetSeconds) / handlingSeconds);
}

function capExceeded(erlangs: number): RangeError {
  return new RangeError(`offered load of ${erlangs} erlangs needs more than ${MAX_AGENTS} agents; check the units of arrivalsPerHour and handlingSeconds`);
}

function requireAgents(agents: number): void {
  // The recursion, and staffing itself, counts whole agents.
  if (typeof agents !== 'number' || !Number.isInteger(agents) || agents < 0) {
    throw new RangeError(`agents must be a non-negative whole number, got ${String(agents)}`);
  }
}

function requireNonNegative(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${String(value)}`);
  }
}

/** Handling time divides the wait-tail exponent, so zero is as meaningless as negative. */
function requirePositive(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite number > 0, got ${String(value)}`);
  }
}
