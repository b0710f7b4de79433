import { REPORTLESS_TRIAGE_EVENT_TYPES, type EventEnvelope } from '@callcenter/events';
import type { Role } from '@callcenter/contracts';

/**
 * What the console pushes to a screen when something happened: which stream moved to which
 * version, never the event's data. The screen patches or re-reads that one row through the API,
 * which applies the person's role, so nothing personal travels on the live stream.
 */
export interface LiveEvent {
  source: 'triage' | 'dispatch';
  type: string;
  streamId: string;
  version: number;
  at: string;
  reportId: string | null;
  incidentId: string | null;
  unitId: string | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function toLiveEvent(source: LiveEvent['source'], event: EventEnvelope): LiveEvent {
  const data = (event.data ?? {}) as Record<string, unknown>;
  return {
    source,
    type: event.type,
    streamId: event.streamId,
    version: event.streamVersion,
    at: event.occurredAt,
    // Triage's streams are reports, but for its audit records of personal data and model switches (streams of their own).
    reportId: source === 'triage' && !REPORTLESS_TRIAGE_EVENT_TYPES.has(event.type) ? event.streamId : text(data.reportId),
    incidentId: text(data.incidentId),
    unitId: text(data.unitId) ?? (event.type.startsWith('Unit') && source === 'dispatch' && !data.incidentId ? event.streamId : null),
  };
}

export interface Viewer {
  id: string;
  roles: Role[];
}

/** A field unit's id is `unit:<call sign>`; its unit id on dispatch is the call sign. */
export const unitIdOf = (viewer: Viewer): string | null => (viewer.id.startsWith('unit:') ? viewer.id.slice('unit:'.length) : null);

/** Each role hears what its screens show; a unit only its own unit and assignments. */
export function visibleTo(viewer: Viewer, event: LiveEvent): boolean {
  const roles = new Set(viewer.roles);
  if (roles.has('supervisor') || roles.has('commander') || roles.has('analyst') || roles.has('admin')) return true;
  if (event.source === 'triage' && roles.has('operator')) return true;
  if (roles.has('dispatcher') && (event.source === 'dispatch' || event.type === 'ReportForwardedForDispatch')) return true;
  if (roles.has('unit') && event.source === 'dispatch') {
    const own = unitIdOf(viewer);
    return own !== null && (event.unitId === own || event.streamId === own);
  }
  return false;
}
