import { REPORT_STATES, ReportState, reporterMessageInEnglish } from '@callcenter/contracts';
import type { Lang } from '../report/citizen-report';

/** The reporter-facing states intake produces (proto ReportState). */
export type CitizenState = ReportState;

/** Intake's stored Indonesian message, or its English from the shared table (an unknown one as intake wrote it). */
export function messageIn(message: string, lang: Lang): string {
  return lang === 'id' ? message : reporterMessageInEnglish(message);
}

export interface CitizenStep {
  state: CitizenState;
  at: string;
  message: string;
}

/** What the portal shows about a report: state, time and intake's reporter-safe message. Nothing else. */
export interface CitizenStatus {
  trackingCode: string;
  state: CitizenState;
  receivedAt: string | null;
  final: boolean;
  timeline: CitizenStep[];
}

const iso = (t: { seconds?: string | number; nanos?: number } | null | undefined) =>
  t && t.seconds !== undefined ? new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString() : null;

const stateOf = (s: unknown): CitizenState => ((REPORT_STATES as readonly string[]).includes(String(s)) ? (s as CitizenState) : 'RECEIVED');

/**
 * Pure: intake's ReportStatus (proto, snake_case) to the citizen's view. Picks fields one by one, so
 * whatever intake adds later (ids, sources) never reaches the internet by accident; the report id stays inside.
 */
export function toCitizenStatus(status: any, lang: Lang): CitizenStatus {
  return {
    trackingCode: String(status.tracking_code ?? ''),
    state: stateOf(status.state),
    receivedAt: iso(status.received_at),
    final: status.final === true,
    timeline: (status.timeline ?? []).map((s: any) => ({ state: stateOf(s.state), at: iso(s.at) ?? '', message: messageIn(String(s.message ?? ''), lang) })),
  };
}

/** Tracking codes as people type them: letters, digits, spaces and dashes (intake reads them leniently). */
export const TRACKING_CODE_INPUT = /^[0-9A-Za-z][0-9A-Za-z -]{8,18}[0-9A-Za-z]$/;
