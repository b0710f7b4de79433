import type { Category, Channel } from '@callcenter/contracts';
import { defineEvent } from '../event-registry';

/**
 * A calling system submitted a report and intake stored it. Stream: the report (streamId = reportId).
 * `reporter` is personal data: only roles that need it may be shown it.
 *
 * Schema version 2 seals the personal fields (reporter name and phone, description, address) with
 * the report's data key (personal-data/sealed.ts): each is a `pd1:…` string, opened through the
 * PersonalDataVault, "[dihapus]" once erased. Version 1 carried them in clear; it is read as it is
 * (the vault returns a value that is not sealed unchanged).
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

/** The same fields; `reporter.name`, `reporter.phone`, `description` and `location.address` sealed. */
export type ReportReceivedV2 = ReportReceivedV1;

export const ReportReceived = defineEvent<ReportReceivedV2>()('ReportReceived', {
  schemaVersion: 2,
  // Plaintext of version 1 is a valid value of version 2 (not sealed: shown as it is).
  upcasters: { 1: (data: ReportReceivedV1) => data },
});
