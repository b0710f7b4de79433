/**
 * What dispatch's routes answer, as the OpenAPI document shows it (and the shared REST client,
 * libs/api-client, is typed from). Each class `implements` the shape the service builds
 * (views.ts, recommend-units.ts, cap.ts), so a field added there and not here fails the type-check.
 */
import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { CATEGORIES, INCIDENT_STATUSES, PRIORITIES, RESOLUTION_OUTCOMES, UNIT_STATUSES, UNIT_TYPES, type Category, type Priority } from '@callcenter/contracts';
import type { CapMessage } from '../handoff/cap';
import type { Incident } from '../incident/incident.decider';
import type { Recommendation } from '../recommendation/recommend-units';
import type { Unit } from '../unit/unit.decider';
import { incidentView, unitView } from './views';

type IncidentView = ReturnType<typeof incidentView>;
type UnitView = ReturnType<typeof unitView>;
const OBJECT = { type: 'object', additionalProperties: true } as const;

export class UnitCommitmentBody {
  @ApiProperty({ format: 'uuid' }) incidentId: string;
  @ApiProperty({ format: 'uuid' }) reportId: string;
  @ApiProperty({ format: 'date-time', description: 'committed since' }) since: string;
}

export class UnitViewBody implements UnitView {
  @ApiProperty({ example: 'PATROL-01', description: 'the call sign' }) unitId: string;
  @ApiProperty({ example: 'PATROL-01' }) callSign: string;
  @ApiProperty({ enum: UNIT_TYPES }) type: UnitView['type'];
  @ApiProperty({ type: [String] }) capabilities: UnitView['capabilities'];
  @ApiProperty({ example: 'TEBET' }) homeDistrict: string;
  @ApiProperty({ enum: UNIT_STATUSES }) status: Unit['status'];
  @ApiProperty() onShift: boolean;
  @ApiProperty({ ...OBJECT, nullable: true, description: 'the latest reported position: latitude, longitude' }) position: UnitView['position'];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) positionAt: string | null;
  @ApiProperty({ type: UnitCommitmentBody, nullable: true, description: 'the incident it is committed to' }) currentIncident: UnitCommitmentBody | null;
  @ApiProperty() version: number;
}

export class UnitPageBody {
  @ApiProperty() total: number;
  @ApiProperty({ type: [UnitViewBody] }) items: UnitViewBody[];
}

export class IncidentAssignmentBody {
  @ApiProperty() unitId: string;
  @ApiProperty() callSign: string;
  @ApiProperty({ format: 'date-time', description: 'the unit must acknowledge by then, or the assignment times out' }) acknowledgeBy: string;
  @ApiProperty({ description: 'assigned by the automatic P1 dispatch' }) automatic: boolean;
}

export class ResolutionBody {
  @ApiProperty({ enum: RESOLUTION_OUTCOMES }) outcome: NonNullable<Incident['resolution']>['outcome'];
  @ApiProperty() summary: string;
}

export class MergedReportBody {
  @ApiProperty({ format: 'uuid' }) reportId: string;
  @ApiProperty({ format: 'date-time' }) mergedAt: string;
  @ApiProperty() mergedBy: string;
}

export class IncidentViewBody implements IncidentView {
  @ApiProperty({ format: 'uuid' }) incidentId: string;
  @ApiProperty({ format: 'uuid' }) reportId: string;
  @ApiProperty({ example: 'K7Q2M-94XHD' }) trackingCode: string;
  @ApiProperty({ enum: INCIDENT_STATUSES }) status: Incident['status'];
  @ApiProperty({ enum: PRIORITIES }) priority: Priority;
  @ApiProperty({ enum: CATEGORIES }) category: Category;
  @ApiProperty({ type: String, nullable: true }) district: IncidentView['district'];
  @ApiProperty({ ...OBJECT, description: 'latitude, longitude, address' }) location: IncidentView['location'];
  @ApiProperty() peopleInjured: number;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
  @ApiProperty({ format: 'date-time' }) forwardedAt: string;
  @ApiProperty() ageSeconds: number;
  @ApiProperty({ type: IncidentAssignmentBody, nullable: true }) assignment: IncidentAssignmentBody | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when its priority says a unit must be assigned' }) dispatchDueAt:
    string | null;
  @ApiProperty() overdue: boolean;
  @ApiProperty({ type: ResolutionBody, nullable: true }) resolution: ResolutionBody | null;
  @ApiProperty({ type: [MergedReportBody], description: 'other reports of this incident, merged by triage' }) mergedReports: MergedReportBody[];
  @ApiProperty() version: number;
}

export class RecommendationBody implements Recommendation {
  @ApiProperty() unitId: string;
  @ApiProperty() callSign: string;
  @ApiProperty({ enum: UNIT_TYPES }) type: Recommendation['type'];
  @ApiProperty({ description: 'whole metres, great-circle' }) distanceMeters: number;
  @ApiProperty({ description: "whole seconds at the unit type's speed" }) etaSeconds: number;
  @ApiProperty() workload: number;
  @ApiProperty({ description: 'false when the distance is from the home district centre' }) positionKnown: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'the capability that qualifies it when its type alone does not; null when its type does' })
  qualifiedBy: string | null;
  @ApiProperty({ type: [String], description: 'short explanations, most important first' }) reasons: string[];
}

export class IncidentTimelineEntryBody {
  @ApiProperty() version: number;
  @ApiProperty({ example: 'UnitAssigned' }) type: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty() actor: string;
  @ApiProperty(OBJECT) data: Record<string, unknown>;
}

export class IncidentDetailBody extends IncidentViewBody {
  @ApiProperty() description: string;
  @ApiProperty({ type: [String], description: 'units that declined or timed out on it' }) excludedUnitIds: string[];
  @ApiProperty({ type: [RecommendationBody], description: 'the units recommended now, best first' }) recommendations: RecommendationBody[];
  @ApiProperty({ type: [IncidentTimelineEntryBody] }) timeline: IncidentTimelineEntryBody[];
}

export class IncidentPageBody {
  @ApiProperty() total: number;
  @ApiProperty({
    type: 'array',
    items: { oneOf: [{ $ref: getSchemaPath(IncidentViewBody) }, { $ref: getSchemaPath(IncidentDetailBody) }] },
    description: 'IncidentView each; with ?reportId= the one incident in full (IncidentDetail)',
  })
  items: (IncidentViewBody | IncidentDetailBody)[];
}

export class CapMessageBody implements CapMessage {
  @ApiProperty() identifier: string;
  @ApiProperty({ description: 'CAP time, Asia/Jakarta offset' }) sent: string;
  @ApiProperty({ enum: ['Alert', 'Update', 'Cancel'] }) msgType: CapMessage['msgType'];
  @ApiProperty({ format: 'uuid' }) incidentId: string;
  @ApiProperty({ type: [String], description: '`sender,identifier,sent` of the messages this one follows' }) references: string[];
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ ...OBJECT, nullable: true, description: 'headline, description, instruction, severity, urgency, certainty, area' }) info: CapMessage['info'];
}

export class CapMessagesBody {
  @ApiProperty({ type: [CapMessageBody], description: "the incident's CAP messages, oldest first" }) messages: CapMessageBody[];
}

export class RebuiltFromBody {
  @ApiProperty({ type: String, nullable: true }) checkpoint: string | null;
  @ApiProperty() eventsFolded: number;
}

export class PastBoardBody {
  @ApiProperty({ format: 'date-time', description: 'the moment shown' }) at: string;
  @ApiProperty({ type: UnitPageBody }) units: UnitPageBody;
  @ApiProperty({ type: IncidentPageBody }) incidents: IncidentPageBody;
  @ApiProperty({ type: RebuiltFromBody }) rebuiltFrom: RebuiltFromBody;
}
