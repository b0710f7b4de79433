import { DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { dispatchEvents, EventRegistry, TOPICS } from '@callcenter/events';
import { OpenPersonalDataInterceptor, PlatformModule, timelineProvider } from '@callcenter/platform';
import { DispatchBoardService } from './board/dispatch-board.service';
import { DispatchTopicProjector } from './board/dispatch-topic.projector';
import { DispatchConfig } from './dispatch.config';
import { auditEvents } from '@callcenter/events';
import { MONGO_DB } from '@callcenter/platform';
import type { Db } from 'mongodb';
import { boardAtFold } from './audit/board-at.fold';
import { DispatchAudit } from './audit/dispatch-audit';
import { DispatchAuditHttpController } from './audit/dispatch-audit.http.controller';
import { DISPATCH_TIMELINE, DispatchTimelineRecorder } from './audit/dispatch-timeline';
import { PositionTrail } from './audit/position-trail';
import { DispatchRules } from './dispatch.rules';
import { Dispatching } from './dispatching';
import { DISPATCH_HANDLERS } from './dispatch.handlers';
import { IncidentsHttpController } from './http/incidents.http.controller';
import { UnitsHttpController } from './http/units.http.controller';
import { UnitPositions } from './positions/unit-positions';
import { DispatchTimers } from './timers/dispatch-timers';
import { HandoffHttpController } from './handoff/handoff.http.controller';
import { Handoffs } from './handoff/handoffs';
import { OpenIncidentConsumer } from './triage-feed/open-incident.consumer';
import { IncidentGroupFollower } from './triage-feed/incident-group-follower';

@Module({})
export class DispatchModule {
  static forRoot(config: DispatchConfig): DynamicModule {
    return {
      module: DispatchModule,
      imports: [
        PlatformModule.forService({
          service: 'dispatch',
          config,
          topic: TOPICS.dispatch,
          consumes: [TOPICS.triage],
          registry: new EventRegistry([...dispatchEvents, ...auditEvents]),
        }),
      ],
      controllers: [UnitsHttpController, IncidentsHttpController, HandoffHttpController, DispatchAuditHttpController],
      providers: [
        { provide: DispatchRules, useValue: new DispatchRules(config) },
        UnitPositions,
        DispatchBoardService,
        Dispatching,
        ...DISPATCH_HANDLERS,
        DispatchTopicProjector,
        IncidentGroupFollower,
        OpenIncidentConsumer,
        DispatchTimers,
        Handoffs,
        timelineProvider(DISPATCH_TIMELINE, 'dispatch_audit', boardAtFold, config),
        { provide: PositionTrail, inject: [MONGO_DB], useFactory: (db: Db) => new PositionTrail(db) },
        DispatchTimelineRecorder,
        DispatchAudit,
        // The description and address come sealed from triage: opened in every answer (docs/privacy.md).
        { provide: APP_INTERCEPTOR, useClass: OpenPersonalDataInterceptor },
      ],
    };
  }
}
