import { Inject, Injectable } from '@nestjs/common';
import { Collection, Db } from 'mongodb';
import {
  dispatchEvents,
  EventEnvelope,
  EventRegistry,
  evolveGroupMembership,
  GroupMembership,
  Projected,
  projectOnce,
  TOPICS,
  triageEvents,
  UnitArrivedV1,
} from '@callcenter/events';
import { MONGO_DB, ServiceConsumer } from '@callcenter/platform';
import { GroupIncident } from '../case/triage-case.decider';

export const INCIDENT_GROUPS_GROUP = 'triage-incident-groups';

/** When a unit first arrived at the incident of a report (dispatch's UnitArrived), by report id. */
interface Attendance {
  reportId: string;
  unitArrivedAt: string;
  unitId: string;
}

/** The incident group of a report as the case screen shows it. */
export interface IncidentGroupView {
  /** The group's first report (whose incident dispatch handles); the report itself when it is that one. */
  groupOf: string;
  /** The reports merged into it now, with who merged them and when. */
  members: Pick<GroupMembership, 'reportId' | 'mergedAt' | 'mergedBy'>[];
  /** Whether a supervisor may still split a member out (no unit on scene yet), and the arrival if not. */
  splittable: boolean;
  unitArrivedAt: string | null;
  unitId: string | null;
}

const evolveAttendance = (doc: Attendance | null, event: EventEnvelope): Attendance | null => {
  if (event.type !== 'UnitArrived' || doc) return doc; // the first arrival is the one the rule counts
  const d = event.data as UnitArrivedV1;
  return { reportId: d.reportId, unitArrivedAt: event.occurredAt, unitId: d.unitId };
};

/**
 * Incident groups as triage knows them: which report is merged into whose group (folded from the
 * triage topic, so every instance agrees) and whether a unit has reached the group's incident (from
 * dispatch's topic). Read models, a fraction of a second behind the events: a split judged just
 * before a UnitArrived reaches triage goes through, and dispatch records it on the incident anyway.
 */
@Injectable()
export class IncidentGroups {
  private readonly memberships: Collection<Projected<GroupMembership>>;
  private readonly attendance: Collection<Projected<Attendance>>;
  private indexed?: Promise<string>;

  constructor(@Inject(MONGO_DB) db: Db) {
    this.memberships = db.collection('incident_group_members');
    this.attendance = db.collection('incident_attendance');
  }

  /** Idempotent (projectOnce by stream version). */
  async apply(event: EventEnvelope): Promise<void> {
    if (event.type === 'ReportMarkedDuplicate' || event.type === 'ReportSplitFromGroup') {
      await (this.indexed ??= this.memberships.createIndex({ groupOf: 1, state: 1 }));
      await projectOnce(this.memberships, event.streamId, event, evolveGroupMembership);
    } else if (event.type === 'UnitArrived') {
      await projectOnce(this.attendance, (event.data as UnitArrivedV1).reportId, event, evolveAttendance);
    }
  }

  async incidentOf(groupOf: string): Promise<GroupIncident> {
    const a = await this.attendance.findOne({ _id: groupOf });
    return { unitArrivedAt: a?.unitArrivedAt ?? null, unitId: a?.unitId ?? null };
  }

  /** The group of a report merged into `mergedInto`, or led by `reportId`; null when it is in none. */
  async groupOf(reportId: string, mergedInto: string | undefined): Promise<IncidentGroupView | null> {
    const groupOf = mergedInto ?? reportId;
    const members = await this.memberships.find({ groupOf, state: 'MERGED' }).sort({ mergedAt: 1 }).toArray();
    if (!mergedInto && members.length === 0) return null;
    const incident = await this.incidentOf(groupOf);
    return {
      groupOf,
      members: members.map((m) => ({ reportId: m.reportId, mergedAt: m.mergedAt, mergedBy: m.mergedBy })),
      splittable: incident.unitArrivedAt === null,
      ...incident,
    };
  }
}

/** Keeps IncidentGroups from triage's own topic (merges, splits) and dispatch's (arrivals). */
@Injectable()
export class IncidentGroupsConsumer extends ServiceConsumer {
  constructor(private readonly groups: IncidentGroups) {
    super({
      group: INCIDENT_GROUPS_GROUP,
      topics: [TOPICS.triage, TOPICS.dispatch],
      registry: new EventRegistry([...triageEvents, ...dispatchEvents]),
      streamsConcurrently: 20,
    });
  }

  protected async handle(event: EventEnvelope) {
    await this.groups.apply(event);
  }
}
