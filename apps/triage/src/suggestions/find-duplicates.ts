import { Category, haversineMeters, incidentTime } from '@callcenter/contracts';

/** What duplicate detection needs to know about a report; coordinates may be missing. */
export interface RecentReport {
  reportId: string;
  category: Category;
  latitude: number | null;
  longitude: number | null;
  callerRef: string | null;
  /** ISO 8601, UTC. */
  receivedAt: string;
  /** When the reporter says it happened (ISO 8601, UTC), if they said; used when plausible (`incidentTime`). */
  occurredAt?: string | null;
}

export interface DuplicateRules {
  radiusMeters: number;
  windowMinutes: number;
  sameCallerMinutes: number;
  /** At most this many candidates; 10 when not given. */
  limit?: number;
}

export interface DuplicateCandidate {
  reportId: string;
  reason: 'NEARBY_SAME_CATEGORY' | 'SAME_CALLER';
  /** Whole metres; null when either report has no location. */
  distanceMeters: number | null;
  /** Between when the two happened (`incidentTime`), absolute, to 0.1 minute. */
  minutesApart: number;
}

const DEFAULT_LIMIT = 10;
const MS_PER_MINUTE = 60_000;

function location(report: RecentReport): { latitude: number; longitude: number } | null {
  return report.latitude === null || report.longitude === null ? null : { latitude: report.latitude, longitude: report.longitude };
}

/**
 * Reports the operator should look at before treating this one as a new incident: the same kind of
 * incident close by around the same time (several callers, one fire), or the same caller calling
 * again shortly after, whatever they reported. Only suggestions; the operator links or ignores them.
 * "Around the same time" is by when each happened (`incidentTime`), not when it reached us.
 * Bounds are inclusive. A report whose time cannot be read is never a candidate.
 */
export function findDuplicateCandidates(report: RecentReport, recent: Iterable<RecentReport>, rules: DuplicateRules): DuplicateCandidate[] {
  const here = location(report);
  const happenedAt = incidentTime(report);
  const seen = new Set<string>([report.reportId]);
  const candidates: DuplicateCandidate[] = [];

  for (const other of recent) {
    // A projection may hand the same report twice, and may include this one.
    if (seen.has(other.reportId)) continue;
    seen.add(other.reportId);

    const minutes = Math.abs(incidentTime(other) - happenedAt) / MS_PER_MINUTE;
    const there = location(other);
    const distance = here && there ? haversineMeters(here, there) : null;

    const nearby = other.category === report.category && distance !== null && distance <= rules.radiusMeters && minutes <= rules.windowMinutes;
    const sameCaller = report.callerRef !== null && other.callerRef === report.callerRef && minutes <= rules.sameCallerMinutes;
    if (!nearby && !sameCaller) continue;

    candidates.push({
      reportId: other.reportId,
      // Nearby and same category says more about it being the same incident than who called.
      reason: nearby ? 'NEARBY_SAME_CATEGORY' : 'SAME_CALLER',
      distanceMeters: distance === null ? null : Math.round(distance),
      minutesApart: Math.round(minutes * 10) / 10,
    });
  }

  return candidates
    .sort((a, b) => a.minutesApart - b.minutesApart || (a.distanceMeters ?? Infinity) - (b.distanceMeters ?? Infinity) || a.reportId.localeCompare(b.reportId))
    .slice(0, Math.max(0, rules.limit ?? DEFAULT_LIMIT));
}
