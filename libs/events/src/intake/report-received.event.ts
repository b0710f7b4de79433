import type { Category, Channel } from '@callcenter/contracts';
import { defineEvent } from '../event-registry';

/**
 * A calling system submitted a report and intake stored it. Stream: the report (streamId = reportId).
 * `reporter` is personal data: only roles that need it may be shown it.
 */
export interface ReportReceivedV1 {
  reportId: string;
  trackingCode: string;
  sourceSystem: string;
  externalId: string;
  channel: Channel;
  reporter: { name: string | null; phone: string | null; anonymous: boolean };
  categoryHint: Category | null;
  description: string;
  location: { latitude: number | null; longitude: number | null; address: string | null; district: string | null };
  /** When the reporter says it happened (UTC ISO-8601), if they said. */
  occurredAt: string | null;
  peopleInjured: number;
  peopleInvolved: number;
  receivedAt: string;
  /**
   * `sha256:<hex>` of the canonical JSON of what was submitted (everything above but the ids and
   * times intake gave it), so a reused external id with other content is told from a repeat.
   * Absent on reports received before it was kept.
   */
  contentHash?: string;
}

export const ReportReceived = defineEvent<ReportReceivedV1>()('ReportReceived');
