import { DynamicModule, Module } from '@nestjs/common';
import { EventRegistry, intakeEvents, suggestionModelEvents, TOPICS, triageEvents } from '@callcenter/events';
import { PlatformModule, timelineProvider } from '@callcenter/platform';
import { CallersStore } from './callers/callers.store';
import { TriageCases } from './case/triage-cases';
import { TRIAGE_HANDLERS } from './triage.handlers';
import { ReporterErasure } from './erasure/reporter-erasure';
import { ReporterErasureHttpController } from './erasure/reporter-erasure.http.controller';
import { TriageCasesHttpController } from './http/triage-cases.http.controller';
import { IncidentGroups, IncidentGroupsConsumer } from './incident-groups/incident-groups';
import { OpenTriageCaseConsumer } from './intake-feed/open-triage-case.consumer';
import { TriageQueue } from './queue/triage-queue';
import { SuggestionModelActivation } from './suggestions/suggestion-model-activation';
import { SuggestionModelHttpController } from './suggestions/suggestion-model.http.controller';
import { TriageTopicProjector } from './queue/triage-topic.projector';
import { TriageTimers } from './timers/triage-timers';
import { TriageConfig } from './triage.config';
import { auditEvents } from '@callcenter/events';
import { openCasesFold } from './audit/open-cases.fold';
import { TriageAudit } from './audit/triage-audit';
import { TriageAuditHttpController } from './audit/triage-audit.http.controller';
import { TRIAGE_TIMELINE, TriageTimelineRecorder } from './audit/triage-timeline';
import { TriageRules } from './triage.rules';

@Module({})
export class TriageModule {
  static forRoot(config: TriageConfig): DynamicModule {
    return {
      module: TriageModule,
      imports: [
        PlatformModule.forService({
          service: 'triage',
          config,
          topic: TOPICS.triage,
          consumes: [TOPICS.intake, TOPICS.dispatch],
          registry: new EventRegistry([...triageEvents, ...suggestionModelEvents, ...intakeEvents, ...auditEvents]),
        }),
      ],
      controllers: [TriageCasesHttpController, ReporterErasureHttpController, SuggestionModelHttpController, TriageAuditHttpController],
      providers: [
        { provide: TriageRules, useValue: new TriageRules(config) },
        CallersStore,
        TriageQueue,
        TriageCases,
        ...TRIAGE_HANDLERS,
        TriageTopicProjector,
        OpenTriageCaseConsumer,
        TriageTimers,
        timelineProvider(TRIAGE_TIMELINE, 'triage_audit', openCasesFold, config),
        TriageTimelineRecorder,
        TriageAudit,
        ReporterErasure,
        SuggestionModelActivation,
        IncidentGroups,
        IncidentGroupsConsumer,
      ],
    };
  }
}
