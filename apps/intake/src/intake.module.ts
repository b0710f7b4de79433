import { DynamicModule, Module } from '@nestjs/common';
import { EventRegistry, intakeEvents, TOPICS } from '@callcenter/events';
import { PlatformModule } from '@callcenter/platform';
import { ApiKeys } from './callers/api-keys';
import { CallingSystems, INTAKE_CALLERS_OPTIONS } from './callers/calling-systems';
import { ReportIntakeGrpcController } from './grpc/report-intake.grpc.controller';
import { EdgeLimits, INTAKE_EDGE_LIMITS } from './grpc/edge-limits';
import { InFlightSubmissions } from './grpc/in-flight';
import { INTAKE_HANDLERS } from './intake.handlers';
import { IntakeConfig } from './intake.config';
import { TrackingCodeReservations } from './report/tracking-code-reservations';
import { ReportStatusConsumer } from './status/report-status.consumer';
import { ReportStatusStore } from './status/report-status.store';

@Module({})
export class IntakeModule {
  static forRoot(config: IntakeConfig): DynamicModule {
    return {
      module: IntakeModule,
      imports: [
        PlatformModule.forService({
          service: 'intake',
          config,
          topic: TOPICS.intake,
          consumes: [TOPICS.triage, TOPICS.dispatch],
          registry: new EventRegistry(intakeEvents),
          // Accepting a report needs the database only: start and be ready without Kafka.
          lazyKafka: true,
        }),
      ],
      controllers: [ReportIntakeGrpcController],
      providers: [
        {
          provide: INTAKE_CALLERS_OPTIONS,
          useValue: {
            apiKeys: ApiKeys.parse(config.INTAKE_API_KEYS),
            ratePerSecond: config.INTAKE_RATE_LIMIT_PER_SECOND,
            statusRatePerSecond: config.INTAKE_STATUS_RATE_LIMIT_PER_SECOND,
          },
        },
        {
          provide: INTAKE_EDGE_LIMITS,
          useValue: {
            inFlight: new InFlightSubmissions({ perConnection: config.INTAKE_MAX_IN_FLIGHT_PER_CONNECTION, perProcess: config.INTAKE_MAX_IN_FLIGHT }),
            maxWatchesPerCaller: config.INTAKE_MAX_WATCHES_PER_CALLER,
            watchMaxMs: config.INTAKE_WATCH_MAX_SECONDS * 1000,
          } satisfies EdgeLimits,
        },
        CallingSystems,
        TrackingCodeReservations,
        ReportStatusStore,
        ReportStatusConsumer,
        ...INTAKE_HANDLERS,
      ],
    };
  }
}
