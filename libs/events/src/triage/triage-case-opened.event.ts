import type { Category, Channel, Priority } from '@callcenter/contracts';
import { defineEvent } from '../event-registry';

export interface DuplicateCandidateData {
  reportId: string;
  reason: 'NEARBY_SAME_CATEGORY' | 'SAME_CALLER';
  distanceMeters: number | null;
  minutesApart: number;
}

/** What triage suggested on arrival. Suggestions never decide: an operator does. */
export interface TriageSuggestionData {
  category: Category;
  priority: Priority;
  /** Why, in words the operator reads. */
  reasons: string[];
  duplicateCandidates: DuplicateCandidateData[];
  lowTrust: { flagged: boolean; prankRejections: number; reason: string | null };
  /** The three likeliest categories with the model's probability; absent before suggestions were learnt (issue 18). */
  categories?: { category: Category; score: number }[];
  /** The report's words that weighed most for the suggested category; absent before issue 18. */
  words?: string[];
}

/**
 * Triage took a received report into its queue. Stream: the report's triage case (streamId = reportId).
 * It carries what operators and later services need, but not the reporter's identity: that stays in
 * triage's own store. `callerRef` is a keyed hash of the phone number, so repeat callers can be
 * recognised without the number travelling.
 */
export interface TriageCaseOpenedV1 {
  reportId: string;
  trackingCode: string;
  sourceSystem: string;
  channel: Channel;
  receivedAt: string;
  /** When the reporter says it happened, as intake received it (null: not said); absent before issue 18. */
  occurredAt?: string | null;
  description: string;
  categoryHint: Category | null;
  location: { latitude: number | null; longitude: number | null; address: string | null; reportedDistrict: string | null };
  /** District code: the one the reporter named, else the nearest to the coordinates, else null. */
  district: string | null;
  peopleInjured: number;
  peopleInvolved: number;
  callerRef: string | null;
  suggestion: TriageSuggestionData;
  /** Version of the suggestion model that made `suggestion`, so the audit shows which model suggested what; absent before issue 18. */
  suggestionModel?: string;
}

export const TriageCaseOpened = defineEvent<TriageCaseOpenedV1>()('TriageCaseOpened');
