import { DynamicModule, Module } from '@nestjs/common';
import { TOPICS } from '@callcenter/events';
import { PlatformModule } from '@callcenter/platform';
import { IntakeConfig } from './intake.config';

@Module({})
export class IntakeModule {
  static forRoot(config: IntakeConfig): DynamicModule {
    return {
      module: IntakeModule,
      imports: [PlatformModule.forService({ service: 'intake', config, topic: TOPICS.intake, consumes: [TOPICS.triage, TOPICS.dispatch] })],
    };
  }
}
