import { DynamicModule, Module } from '@nestjs/common';
import { TOPICS } from '@callcenter/events';
import { PlatformModule } from '@callcenter/platform';
import { TriageConfig } from './triage.config';

@Module({})
export class TriageModule {
  static forRoot(config: TriageConfig): DynamicModule {
    return {
      module: TriageModule,
      imports: [PlatformModule.forService({ service: 'triage', config, topic: TOPICS.triage, consumes: [TOPICS.intake] })],
    };
  }
}
