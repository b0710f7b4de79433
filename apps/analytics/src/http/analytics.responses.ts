/**
 * What analytics' routes answer in JSON, as the OpenAPI document shows it (and the shared REST
 * client, libs/api-client, is typed from). Each class `implements` the query's own return type, so a
 * field added there and not here fails the type-check; the tables inside (counts by dimension, rows
 * per hour or district) are typed by the queries and documented as objects.
 */
import { ApiProperty } from '@nestjs/swagger';
import { TIME_BASES, type TimeBasis } from '@callcenter/contracts';
import type { TimelineEntry } from '../model/analytics-model';
import type { RebuildProgress } from '../model/read-models';
import type { durations, hotspots, load, overview, reports, staffing, volume, workload } from '../queries/analytics-queries';

type Volume = ReturnType<typeof volume>;
type Load = ReturnType<typeof load>;
type Staffing = ReturnType<typeof staffing>;
type Hotspots = ReturnType<typeof hotspots>;
type Workload = ReturnType<typeof workload>;
type ReportPage = ReturnType<typeof reports>;
type Overview = ReturnType<typeof overview>;
type Measure = ReturnType<typeof durations>[number];

const OBJECT = { type: 'object', additionalProperties: true } as const;
const COUNTS = { type: 'object', additionalProperties: { type: 'number' }, description: 'count per value' } as const;
const ROWS = (description: string) => ({ type: 'array', items: OBJECT, description }) as const;
const BASIS = { enum: TIME_BASES, description: 'the time reports are placed by: when received, or when they happened' };
const JAKARTA = { type: String, nullable: true, description: 'Asia/Jakarta local time, with its offset' };

export class TimelineEventBody implements TimelineEntry {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty(JAKARTA) atLocal: string | null;
  @ApiProperty({ example: 'ReportReceived' }) type: string;
  @ApiProperty() actor: string;
  @ApiProperty({ example: 'intake' }) producer: string;
  @ApiProperty({ description: 'the report, incident or unit whose stream it is on' }) streamId: string;
  @ApiProperty() streamVersion: number;
  @ApiProperty({ ...OBJECT, description: 'the event data; the description only for commanders' }) data: Record<string, unknown>;
}

export class ReportTimelineBody {
  @ApiProperty({ format: 'uuid' }) reportId: string;
  @ApiProperty({ description: 'the read-model generation answering' }) generation: number;
  @ApiProperty({ type: [TimelineEventBody], description: 'every event of the report from every service, in order' }) events: TimelineEventBody[];
}

export class OverviewBody implements Overview {
  @ApiProperty(JAKARTA) at: string | null;
  @ApiProperty({ ...OBJECT, description: 'open reports: total, byState, byPriority, byDistrict' }) open: Overview['open'];
  @ApiProperty({ ...OBJECT, description: 'open reports past their triage or dispatch target' }) overdue: Overview['overdue'];
  @ApiProperty() breachesLastHour: number;
  @ApiProperty({ ...COUNTS, description: 'units available, committed, busy, off duty' }) units: Overview['units'];
  @ApiProperty({ ...OBJECT, description: "today's arrivals by hour beside the same weekday's typical" }) today: Overview['today'];
}

export class ReportRowBody {
  @ApiProperty({ format: 'uuid' }) reportId: string;
  @ApiProperty(JAKARTA) receivedAt: string | null;
  @ApiProperty({ ...JAKARTA, description: 'as the reporter stated it' }) occurredAt: string | null;
  @ApiProperty({ type: String, nullable: true }) channel: string | null;
  @ApiProperty({ type: String, nullable: true }) category: string | null;
  @ApiProperty({ type: String, nullable: true }) priority: string | null;
  @ApiProperty({ type: String, nullable: true }) district: string | null;
  @ApiProperty() state: string;
  @ApiProperty({ type: String, nullable: true }) rejectionReason: string | null;
}

export class ReportPageBody implements Omit<ReportPage, 'items'> {
  @ApiProperty(BASIS) basis: TimeBasis;
  @ApiProperty() total: number;
  @ApiProperty() offset: number;
  @ApiProperty() limit: number;
  @ApiProperty({ type: [ReportRowBody], description: 'newest first; never personal data' }) items: ReportRowBody[];
}

export class VolumeBody implements Volume {
  @ApiProperty(BASIS) basis: TimeBasis;
  @ApiProperty() total: number;
  @ApiProperty(ROWS('per day: day, total, byCategory, byChannel, byDistrict')) overTime: Volume['overTime'];
  @ApiProperty(OBJECT) notActionableByChannel: Volume['notActionableByChannel'];
  @ApiProperty(OBJECT) notActionableByDistrict: Volume['notActionableByDistrict'];
  @ApiProperty(COUNTS) byState: Volume['byState'];
  @ApiProperty(COUNTS) byCategory: Volume['byCategory'];
  @ApiProperty(COUNTS) byChannel: Volume['byChannel'];
  @ApiProperty(COUNTS) byDistrict: Volume['byDistrict'];
  @ApiProperty(COUNTS) byPriority: Volume['byPriority'];
  @ApiProperty(COUNTS) rejectionReasons: Volume['rejectionReasons'];
  @ApiProperty({ ...OBJECT, description: 'rejected, duplicates, adviceOnly, pranks and their shares' }) notActionable: Volume['notActionable'];
  @ApiProperty({ ...COUNTS, description: 'reports merged into an incident group now, and split out of one' }) incidentGroups: Volume['incidentGroups'];
}

export class DurationMeasureBody implements Measure {
  @ApiProperty({ type: String, example: 'receivedToDispatched' }) measure: Measure['measure'];
  @ApiProperty() count: number;
  @ApiProperty({ type: Number, nullable: true }) p50Seconds: number | null;
  @ApiProperty({ type: Number, nullable: true }) p90Seconds: number | null;
  @ApiProperty({ type: Number, nullable: true }) p99Seconds: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'the priority target it is measured against' }) target: Measure['target'];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'share within target per priority' }) withinTargetShare: Record<
    string,
    number
  >;
}

export class DurationsBody {
  @ApiProperty({ enum: ['received'] }) basis: 'received';
  @ApiProperty({ type: [DurationMeasureBody] }) measures: DurationMeasureBody[];
}

export class LoadBody implements Load {
  @ApiProperty({ enum: ['received'] }) basis: 'received';
  @ApiProperty({ type: String, example: 'Asia/Jakarta' }) timeZone: Load['timeZone'];
  @ApiProperty(ROWS('hour, arrivals')) arrivalsByHourOfDay: Load['arrivalsByHourOfDay'];
  @ApiProperty(ROWS('day (SUN…SAT), arrivals')) arrivalsByDayOfWeek: Load['arrivalsByDayOfWeek'];
  @ApiProperty(ROWS('day (SUN…SAT), hours: arrivals per hour of day')) arrivalsByDayAndHour: Load['arrivalsByDayAndHour'];
  @ApiProperty(ROWS('queue depth over time')) queueDepth: Load['queueDepth'];
  @ApiProperty(ROWS('the busiest hours')) peaks: Load['peaks'];
}

export class StaffingBody implements Staffing {
  @ApiProperty({ enum: ['received'] }) basis: 'received';
  @ApiProperty({ type: String, example: 'Asia/Jakarta' }) timeZone: Staffing['timeZone'];
  @ApiProperty({ ...OBJECT, description: 'share answered within withinSeconds' }) serviceLevel: Staffing['serviceLevel'];
  @ApiProperty() days: number;
  @ApiProperty(ROWS('per hour of day: arrivalsPerHour, averageHandlingSeconds, operatorsNeeded, expectedServiceLevel, operatorsActive'))
  hours: Staffing['hours'];
}

export class HotspotsBody implements Hotspots {
  @ApiProperty(BASIS) basis: TimeBasis;
  @ApiProperty() cellDegrees: number;
  @ApiProperty(ROWS('per district: total and by category')) byDistrict: Hotspots['byDistrict'];
  @ApiProperty(ROWS('the busiest grid cells: latitude, longitude, total, by category')) topCells: Hotspots['topCells'];
}

export class WorkloadBody implements Workload {
  @ApiProperty({ enum: ['received'] }) basis: 'received';
  @ApiProperty(ROWS('per operator: claimed, decided, averageHandlingSeconds …')) operators: Workload['operators'];
  @ApiProperty(ROWS('per unit: assigned, resolved …')) units: Workload['units'];
}

export class RebuildProgressBody implements RebuildProgress {
  @ApiProperty() generation: number;
  @ApiProperty({ enum: ['RUNNING', 'SWITCHED', 'FAILED'] }) state: RebuildProgress['state'];
  @ApiProperty() done: number;
  @ApiProperty() total: number;
  @ApiProperty() eventsPerSecond: number;
  @ApiProperty({ type: Number, nullable: true }) etaSeconds: number | null;
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
}

export class RebuildStatusBody {
  @ApiProperty() currentGeneration: number;
  @ApiProperty({ type: RebuildProgressBody, nullable: true, description: 'the running or last rebuild' }) rebuild: RebuildProgressBody | null;
}

export class PublicStatsBody {
  @ApiProperty({ format: 'date-time' }) generatedAt: string;
  @ApiProperty({ example: 'Asia/Jakarta' }) timeZone: string;
  @ApiProperty({ ...OBJECT, description: 'cells under the threshold are suppressed (shown as `small`), and `hidden` where they could be worked out' })
  suppression: Record<string, unknown>;
  @ApiProperty(ROWS('per month: counts by category and district, response-time percentiles')) months: Record<string, unknown>[];
}
