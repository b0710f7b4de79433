import { Priority, PRIORITIES } from './reference-data';

/**
 * Service targets of one priority, in seconds from receipt: time to triage (a triage decision),
 * time to dispatch (a unit assigned) and time to arrive (a unit on scene). P4 is never dispatched.
 */
export interface PriorityTarget {
  triageSeconds: number;
  dispatchSeconds: number | null;
  arriveSeconds: number | null;
}

export type PriorityTargets = Record<Priority, PriorityTarget>;

export const DEFAULT_PRIORITY_TARGETS = 'P1=60/180/900,P2=180/600/1800,P3=600/1800/3600,P4=1800/-/-';

/**
 * Reads `P1=60/180/900,P2=…` (triage/dispatch/arrive seconds, `-` for none). Every priority must
 * be given, so a typo cannot leave one without a target.
 */
export function parsePriorityTargets(text: string): PriorityTargets {
  const targets: Partial<PriorityTargets> = {};
  const seconds = (s: string, what: string, priority: string) => {
    if (s === '-') return null;
    if (!/^\d+$/.test(s) || Number(s) < 1) throw new Error(`${priority}: ${what} must be whole seconds ≥ 1 or "-"`);
    return Number(s);
  };
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^(P[1-4])=([^/]+)\/([^/]+)\/([^/]+)$/.exec(part);
    if (!match) throw new Error(`"${part}" is not P<n>=<triage>/<dispatch>/<arrive>`);
    const [, priority, triage, dispatch, arrive] = match;
    const triageSeconds = seconds(triage, 'time to triage', priority);
    if (triageSeconds === null) throw new Error(`${priority}: time to triage is required`);
    targets[priority as Priority] = {
      triageSeconds,
      dispatchSeconds: seconds(dispatch, 'time to dispatch', priority),
      arriveSeconds: seconds(arrive, 'time to arrive', priority),
    };
  }
  const missing = PRIORITIES.filter((p) => !targets[p]);
  if (missing.length) throw new Error(`no target for ${missing.join(', ')}`);
  return targets as PriorityTargets;
}
