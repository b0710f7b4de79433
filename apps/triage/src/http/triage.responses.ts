/**
 * What triage's routes answer, as the OpenAPI document shows it (and the shared REST client,
 * libs/api-client, is typed from). Each class `implements` the service's own type, so a field added
 * there and not here fails the type-check; nested shapes the service owns are typed by its types and
 * documented as objects.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CATEGORIES, CHANNELS, PRIORITIES, type Category, type Channel, type Priority } from '@callcenter/contracts';
import type { PastCase, PastQueue } from '../audit/triage-audit';
import type { CaseDetail, TimelineEntry } from '../case/triage-cases';
import type { CaseStatus, TriageCase } from '../case/triage-case.decider';
import type { ReporterIdentity } from '../callers/callers.store';
import type { ErasureReceipt } from '../erasure/reporter-erasure';
import type { IncidentGroupView } from '../incident-groups/incident-groups';
import type { QueueItem, QueueStats } from '../queue/queue-index';
import type { SuggestionModelActivationReceipt } from '../suggestions/suggestion-model-activation';

const CASE_STATUSES: CaseStatus[] = ['QUEUED', 'IN_TRIAGE', 'ESCALATED', 'REJECTED', 'DUPLICATE', 'ADVICE_GIVEN', 'FORWARDED'];
const OBJECT = { type: 'object', additionalProperties: true } as const;

export class ClaimBody {
  @ApiProperty() operatorId: string;
  @ApiPropertyOptional({ type: String, nullable: true }) operatorName?: string | null;
  @ApiPropertyOptional({ format: 'date-time' }) claimedAt?: string;
  @ApiProperty({ format: 'date-time' }) leaseExpiresAt: string;
}

export class QueueFlagsBody {
  @ApiProperty({ description: 'the caller had reports rejected as pranks' }) lowTrust: boolean;
  @ApiProperty({ description: 'open reports close in place and time' }) possibleDuplicates: number;
}

export class QueueItemBody implements QueueItem {
  @ApiProperty({ format: 'uuid' }) reportId: string;
  @ApiProperty({ example: 'K7Q2M-94XHD' }) trackingCode: string;
  @ApiProperty({ enum: CASE_STATUSES }) status: CaseStatus;
  @ApiProperty({ enum: PRIORITIES }) priority: Priority;
  @ApiProperty({ enum: CATEGORIES }) category: Category;
  @ApiProperty({ description: 'an operator has classified it (else category and priority are suggestions)' }) classified: boolean;
  @ApiProperty({ type: String, nullable: true }) district: string | null;
  @ApiProperty({ enum: CHANNELS }) channel: Channel;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
  @ApiProperty() waitingSeconds: number;
  @ApiProperty({ format: 'date-time', description: 'when its priority says it must be triaged' }) dueAt: string;
  @ApiProperty() overdue: boolean;
  @ApiProperty() escalated: boolean;
  @ApiProperty({ type: ClaimBody, nullable: true }) claim: ClaimBody | null;
  @ApiProperty({ type: QueueFlagsBody }) flags: QueueFlagsBody;
  @ApiProperty({ description: 'the first words of the description ("[dihapus]" once erased)' }) summary: string;
  @ApiProperty() peopleInjured: number;
  @ApiProperty({ description: 'the case version, for If-Match' }) version: number;
}

export class QueuePageBody {
  @ApiProperty() total: number;
  @ApiProperty({ type: [QueueItemBody] }) items: QueueItemBody[];
  @ApiProperty() offset: number;
  @ApiProperty() limit: number;
  @ApiProperty({ format: 'date-time', description: 'the moment the page is for (GET /audit/queue?at= answers the same later)' }) at: string;
}

export class TimelineEntryBody implements TimelineEntry {
  @ApiProperty() version: number;
  @ApiProperty({ example: 'TriageCaseClaimed' }) type: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty() actor: string;
  @ApiProperty(OBJECT) data: Record<string, unknown>;
}

export class CaseReportBody implements Omit<CaseDetail['report'], 'location'> {
  @ApiProperty() description: string;
  @ApiProperty({ type: String, nullable: true }) categoryHint: string | null;
  @ApiProperty({ ...OBJECT, description: 'latitude, longitude, address, district as reported' }) location: TriageCase['report']['location'];
  @ApiProperty({ type: String, nullable: true }) suggestedDistrict: string | null;
  @ApiProperty() peopleInjured: number;
  @ApiProperty() peopleInvolved: number;
  @ApiProperty() sourceSystem: string;
}

export class CaseDetailBody extends QueueItemBody implements CaseDetail {
  @ApiProperty({ type: CaseReportBody }) report: CaseDetail['report'];
  @ApiProperty({ ...OBJECT, nullable: true, description: "the operator's category, priority and district" }) classification: TriageCase['classification'];
  @ApiProperty({ ...OBJECT, description: 'suggested category and priority, with the duplicate candidates now' }) suggestion: CaseDetail['suggestion'];
  @ApiProperty({ ...OBJECT, nullable: true, description: 'always null: GET /reports/{reportId}/reporter shows the identity' }) reporter: null;
  @ApiProperty({ description: 'whether this person may reveal the reporter (holds the claim, or supervises)' }) reporterVisible: boolean;
  @ApiProperty({ ...OBJECT, nullable: true, description: 'the incident group it leads or is merged into' }) group: IncidentGroupView | null;
  @ApiProperty({ type: [TimelineEntryBody] }) timeline: TimelineEntryBody[];
}

export class ReporterIdentityBody implements ReporterIdentity {
  @ApiProperty({ format: 'uuid' }) reportId: string;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ type: String, nullable: true, example: '+6281234567890' }) phone: string | null;
}

export class OldestWaitingBody {
  @ApiProperty({ format: 'uuid' }) reportId: string;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
  @ApiProperty() waitingSeconds: number;
  @ApiProperty({ enum: PRIORITIES }) priority: Priority;
}

export class QueueStatsBody implements QueueStats {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty() open: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { P1: 0, P2: 3, P3: 7, P4: 1 } }) depthByPriority: Record<Priority, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { QUEUED: 8, IN_TRIAGE: 2, ESCALATED: 1 } })
  byStatus: QueueStats['byStatus'];
  @ApiProperty({ type: OldestWaitingBody, nullable: true }) oldestWaiting: OldestWaitingBody | null;
  @ApiProperty() overdue: number;
  @ApiProperty() operatorsActive: number;
  @ApiProperty({ type: [String] }) activeOperatorIds: string[];
}

export class RebuiltFromBody {
  @ApiProperty({ type: String, nullable: true, description: 'the checkpoint the rebuild started from' }) checkpoint: string | null;
  @ApiProperty({ description: 'events folded after it' }) eventsFolded: number;
}

export class PastQueueBody implements PastQueue {
  @ApiProperty({ format: 'date-time', description: 'the moment shown' }) at: string;
  @ApiProperty() total: number;
  @ApiProperty({ type: [QueueItemBody] }) items: QueueItemBody[];
  @ApiProperty() offset: number;
  @ApiProperty() limit: number;
  @ApiProperty({ type: RebuiltFromBody }) rebuiltFrom: RebuiltFromBody;
}

export class PastCaseBody extends QueueItemBody implements PastCase {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: CaseReportBody }) report: PastCase['report'];
  @ApiProperty({ ...OBJECT, nullable: true }) classification: TriageCase['classification'];
  @ApiProperty(OBJECT) suggestion: PastCase['suggestion'];
  @ApiProperty({ type: [TimelineEntryBody], description: 'up to `at`' }) timeline: TimelineEntryBody[];
}

export class ErasureReceiptBody implements ErasureReceipt {
  @ApiProperty({ format: 'uuid' }) erasureId: string;
  @ApiProperty({ enum: ['REPORT', 'PHONE'] }) by: 'REPORT' | 'PHONE';
  @ApiProperty({ type: [String], format: 'uuid' }) reportIds: string[];
  @ApiProperty() reason: string;
  @ApiProperty({ format: 'date-time' }) erasedAt: string;
  @ApiProperty() erasedBy: string;
}

export class SuggestionModelActivationBody implements SuggestionModelActivationReceipt {
  @ApiProperty({ type: String, nullable: true }) fromVersion: string | null;
  @ApiProperty() toVersion: string;
  @ApiProperty() reason: string;
  @ApiProperty({ format: 'date-time' }) activatedAt: string;
  @ApiProperty() activatedBy: string;
}
