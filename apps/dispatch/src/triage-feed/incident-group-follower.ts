import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Collection, Db } from 'mongodb';
import { incidentIdFor } from '@callcenter/contracts';
import { CommandMetadata, EventEnvelope, evolveGroupMembership, GroupMembership, Projected, projectOnce } from '@callcenter/events';
import { MONGO_DB } from '@callcenter/platform';
import { FollowIncidentGroup } from '../incident/incident.commands';

type Meta = Omit<CommandMetadata, 'now'>;

/**
 * Keeps incidents in step with triage's incident groups. The merge of B into A's group and the
 * forward of A are on different streams, so they reach dispatch in either order (and at once, on
 * different partitions): each side writes first (the membership, the incident) and then looks at the
 * other, so whichever comes second records the merge on the incident. The incident commands are
 * idempotent, so both doing it is harmless.
 */
@Injectable()
export class IncidentGroupFollower {
  private readonly memberships: Collection<Projected<GroupMembership>>;
  private indexed?: Promise<string>;

  constructor(
    @Inject(MONGO_DB) db: Db,
    private readonly commands: CommandBus,
  ) {
    this.memberships = db.collection('incident_group_members');
  }

  /** A ReportMarkedDuplicate or ReportSplitFromGroup of triage. */
  async follow(event: EventEnvelope): Promise<void> {
    await (this.indexed ??= this.memberships.createIndex({ groupOf: 1, state: 1 }));
    await projectOnce(this.memberships, event.streamId, event, evolveGroupMembership);
    // The membership as it stands now (a redelivered merge after a split stays split).
    const membership = await this.memberships.findOne({ _id: event.streamId });
    if (membership) await this.sync(membership, { actor: event.actor, correlationId: event.correlationId, causationId: event.eventId });
  }

  /** After the incident of `reportId` opened: the reports merged into its group before it did. */
  async attachMembers(reportId: string, meta: Meta): Promise<void> {
    for (const membership of await this.memberships.find({ groupOf: reportId, state: 'MERGED' }).toArray()) await this.sync(membership, meta);
  }

  private async sync(m: GroupMembership, meta: Meta): Promise<void> {
    const command =
      m.state === 'MERGED'
        ? ({ type: 'MergeReport', reportId: m.reportId, mergedAt: m.mergedAt, mergedBy: m.mergedBy } as const)
        : ({ type: 'SplitReport', reportId: m.reportId, splitAt: m.splitAt!, splitBy: m.splitBy!, reason: m.splitReason ?? '' } as const);
    await this.commands.execute(new FollowIncidentGroup(incidentIdFor(m.groupOf), command, meta));
  }
}
