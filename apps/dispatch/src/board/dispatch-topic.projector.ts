import { Inject, Injectable } from '@nestjs/common';
import { Collection, Db } from 'mongodb';
import { dispatchEvents, EventEnvelope, EventRegistry, INCIDENT_EVENT_TYPES, projectOnce, Projected, TOPICS } from '@callcenter/events';
import { MONGO_DB, ServiceConsumer } from '@callcenter/platform';
import { Incident } from '../incident/incident.decider';
import { Unit } from '../unit/unit.decider';
import { evolveOpenIncidentSnapshot, evolveUnitSnapshot } from './board-snapshot.projection';
import { OPEN_INCIDENTS_SNAPSHOT, UNITS_SNAPSHOT } from './dispatch-board.service';

export const DISPATCH_PROJECTOR_GROUP = 'dispatch-read-models';

/** Keeps the stored snapshots the board starts from. Instances share the partitions. */
@Injectable()
export class DispatchTopicProjector extends ServiceConsumer {
  private readonly units: Collection<Projected<Unit>>;
  private readonly incidents: Collection<Projected<Incident>>;

  constructor(@Inject(MONGO_DB) db: Db) {
    super({ group: DISPATCH_PROJECTOR_GROUP, topics: [TOPICS.dispatch], registry: new EventRegistry(dispatchEvents), streamsConcurrently: 50 });
    this.units = db.collection(UNITS_SNAPSHOT);
    this.incidents = db.collection(OPEN_INCIDENTS_SNAPSHOT);
  }

  protected async handle(event: EventEnvelope) {
    if (INCIDENT_EVENT_TYPES.has(event.type)) await projectOnce(this.incidents, event.streamId, event, evolveOpenIncidentSnapshot);
    else await projectOnce(this.units, event.streamId, event, evolveUnitSnapshot);
  }
}
