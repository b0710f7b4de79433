import type { CapCertainty, CapSeverity, CapUrgency, Category } from '@callcenter/contracts';
import { defineEvent } from '../event-registry';

/**
 * A supervisor decided an incident warrants a public warning (a large fire, a road closure), or
 * revised the one it has. Stream: `public-warnings`, the Polres's register of public warnings (one
 * stream, so the public CAP feed reads them all at once). Everything here is published to anyone:
 * the supervisor's own words and an area, never the report's description, address or reporter.
 */
export interface PublicWarningIssuedV1 {
  incidentId: string;
  reportId: string;
  category: Category;
  headline: string;
  description: string;
  instruction: string | null;
  severity: CapSeverity;
  urgency: CapUrgency;
  certainty: CapCertainty;
  /** Where the public is warned: the supervisor's words, and a circle around the incident (rounded to ~100 m). */
  area: { description: string; latitude: number; longitude: number; radiusKm: number };
}

export const PublicWarningIssued = defineEvent<PublicWarningIssuedV1>()('PublicWarningIssued');
