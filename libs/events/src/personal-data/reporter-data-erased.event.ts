import { defineEvent } from '../event-registry';

/**
 * An admin erased reporters' personal data (UU 27/2022): the data keys of these reports were
 * destroyed, so their sealed fields read "[dihapus]" everywhere. Who is the event's actor, when its
 * time. Stream: the erasure (`erasure-<erasureId>`) on the triage topic; it never carries the phone
 * number it was asked for. Consumers that do not know it ignore it.
 */
export interface ReporterDataErasedV1 {
  erasureId: string;
  /** What the admin named: one report, or every report of a phone number. */
  by: 'REPORT' | 'PHONE';
  reportIds: string[];
  reason: string;
}

export const ReporterDataErased = defineEvent<ReporterDataErasedV1>()('ReporterDataErased');

/**
 * Someone was shown a report's reporter identity (name, phone). The viewer is the event's actor.
 * Stream: the view (`identity-view-<uuid>`) on the triage topic, so it does not move the case's
 * version an operator acts on.
 */
export interface ReporterIdentityViewedV1 {
  reportId: string;
  /** Why they may see it: they hold the case's claim, or they are a supervisor. */
  basis: 'CLAIM_HOLDER' | 'SUPERVISOR';
}

export const ReporterIdentityViewed = defineEvent<ReporterIdentityViewedV1>()('ReporterIdentityViewed');

/** Audit events about personal data; they name no report stream of their own. */
export const PERSONAL_DATA_EVENT_TYPES: ReadonlySet<string> = new Set([ReporterDataErased.type, ReporterIdentityViewed.type]);
export const erasureStreamId = (erasureId: string) => `erasure-${erasureId}`;
export const identityViewStreamId = (viewId: string) => `identity-view-${viewId}`;
