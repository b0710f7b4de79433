import { defineEvent } from '../event-registry';

/**
 * An admin switched the model triage suggests with (issue 18). Who is the event's actor, when its
 * time. Stream: `suggestion-model` on the triage topic, one for the whole service, so it never
 * moves a case's version; every triage instance loads `toVersion` when it sees the event, and one
 * that starts takes the latest. It names no report: readers of report streams ignore it.
 */
export interface SuggestionModelActivatedV1 {
  /** The version suggesting until now (null when none had been activated by an event). */
  fromVersion: string | null;
  toVersion: string;
  reason: string;
}

export const SuggestionModelActivated = defineEvent<SuggestionModelActivatedV1>()('SuggestionModelActivated');

export const SUGGESTION_MODEL_STREAM_ID = 'suggestion-model';
