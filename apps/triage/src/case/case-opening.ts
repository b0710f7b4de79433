import { District, districtNamed, haversineMeters, Jurisdiction, nearestDistrict } from '@callcenter/contracts';
import type { ReportReceivedV1, TriageCaseOpenedV1 } from '@callcenter/events';
import { DuplicateCandidate, lowTrustFlag, ModelSuggestion, RecentReport, ReportForSuggestion } from '../suggestions';

/** Farther than this from every district centre, a report is probably outside the jurisdiction. */
export const OUT_OF_JURISDICTION_METERS = 10_000;

/** What the classification model reads of a received report (its description opened). */
export function reportForSuggestion(report: ReportReceivedV1, description: string): ReportForSuggestion {
  return { categoryHint: report.categoryHint, description, channel: report.channel, peopleInjured: report.peopleInjured };
}

/** How a report is compared with the recent ones for duplicates, once its category is suggested. */
export function recentReportFrom(report: ReportReceivedV1, category: RecentReport['category'], callerRef: string | null): RecentReport {
  const { latitude, longitude } = report.location;
  return { reportId: report.reportId, category, latitude, longitude, callerRef, receivedAt: report.receivedAt, occurredAt: report.occurredAt };
}

/**
 * The district a report is in: the one the reporter named, else the nearest to its coordinates (with
 * the reason the operator reads, warning when it is probably out of the jurisdiction), else none.
 */
export function districtOfReport(jurisdiction: Jurisdiction, location: ReportReceivedV1['location']): { district: District | null; reason: string | null } {
  const named = districtNamed(jurisdiction, location.district);
  if (named) return { district: named, reason: null };
  const { latitude, longitude } = location;
  if (latitude === null || longitude === null) return { district: null, reason: null };
  const point = { latitude, longitude };
  const nearest = nearestDistrict(jurisdiction, point);
  const meters = haversineMeters(point, nearest);
  const km = (meters / 1000).toFixed(1);
  return {
    district: nearest,
    reason:
      meters > OUT_OF_JURISDICTION_METERS
        ? `location is ${km} km from the nearest district (${nearest.name}): possibly out of jurisdiction`
        : `district ${nearest.name} from the coordinates`,
  };
}

/** Everything a case's opening is decided from, gathered by the consumer. */
export interface CaseOpeningInput {
  report: ReportReceivedV1;
  callerRef: string | null;
  classification: ModelSuggestion;
  duplicateCandidates: DuplicateCandidate[];
  prankRejections: number;
}

export interface CaseOpeningRules {
  jurisdiction: Jurisdiction;
  prankThreshold: number;
}

/** The case a report opens, with the suggestions an operator starts from. */
export function caseOpenedFrom(input: CaseOpeningInput, rules: CaseOpeningRules): TriageCaseOpenedV1 {
  const { report, callerRef, classification, duplicateCandidates } = input;
  const { latitude, longitude } = report.location;
  const { district, reason: districtReason } = districtOfReport(rules.jurisdiction, report.location);
  const lowTrust = lowTrustFlag(input.prankRejections, rules.prankThreshold);
  const reasons = [...classification.reasons];
  if (districtReason) reasons.push(districtReason);
  if (lowTrust.reason) reasons.push(lowTrust.reason);
  return {
    reportId: report.reportId,
    trackingCode: report.trackingCode,
    sourceSystem: report.sourceSystem,
    channel: report.channel,
    receivedAt: report.receivedAt,
    occurredAt: report.occurredAt,
    description: report.description,
    categoryHint: report.categoryHint,
    location: { latitude, longitude, address: report.location.address, reportedDistrict: report.location.district },
    district: district?.code ?? null,
    peopleInjured: report.peopleInjured,
    peopleInvolved: report.peopleInvolved,
    callerRef,
    suggestion: {
      category: classification.category,
      priority: classification.priority,
      reasons,
      duplicateCandidates,
      lowTrust,
      categories: classification.categories,
      words: classification.words,
    },
    suggestionModel: classification.modelVersion,
  };
}
