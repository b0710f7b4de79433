import { Injectable } from '@nestjs/common';
import { EventEnvelope, EventRegistry, ReportForwardedForDispatchV1, TOPICS, triageEvents } from '@callcenter/events';
import { CommandBus } from '@nestjs/cqrs';
import { ServiceConsumer } from '@callcenter/platform';
import { AutoAssignP1 } from '../assignment/assignment.commands';
import { OpenIncident } from '../incident/incident.commands';
import { IncidentGroupFollower } from './incident-group-follower';

export const INCIDENT_OPENER_GROUP = 'dispatch-incident-opener';

/**
 * Opens an incident for every report triage forwarded (and auto-assigns P1 when configured), and
 * follows triage's incident groups: a report merged into (or split out of) the group of an incident's report.
 */
@Injectable()
export class OpenIncidentConsumer extends ServiceConsumer {
  constructor(
    private readonly commands: CommandBus,
    private readonly groups: IncidentGroupFollower,
  ) {
    super({ group: INCIDENT_OPENER_GROUP, topics: [TOPICS.triage], registry: new EventRegistry(triageEvents), streamsConcurrently: 20 });
  }

  protected async handle(event: EventEnvelope) {
    if (event.type === 'ReportMarkedDuplicate' || event.type === 'ReportSplitFromGroup') return this.groups.follow(event);
    if (event.type !== 'ReportForwardedForDispatch') return;
    const f = event.data as ReportForwardedForDispatchV1;
    const meta = { actor: 'system', correlationId: event.correlationId, causationId: event.eventId };
    const { incident, opened } = await this.commands.execute(
      new OpenIncident(
        {
          reportId: f.reportId,
          trackingCode: f.trackingCode,
          category: f.category,
          priority: f.priority,
          district: f.district,
          location: f.location,
          description: f.description,
          peopleInjured: f.peopleInjured,
          receivedAt: f.receivedAt,
          forwardedAt: event.occurredAt,
        },
        meta,
      ),
    );
    await this.groups.attachMembers(f.reportId, meta);
    // Not only when this delivery opened it: a redelivery after a crash between the open and the
    // auto-assignment finds it open and never assigned, and assigns it then (AutoAssignP1 checks the rest).
    if (opened || !incident.everAssigned) await this.commands.execute(new AutoAssignP1(incident, meta));
  }
}
