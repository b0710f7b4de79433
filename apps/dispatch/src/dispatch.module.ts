import { DynamicModule, Module } from '@nestjs/common';
import { TOPICS } from '@callcenter/events';
import { PlatformModule } from '@callcenter/platform';
import { DispatchConfig } from './dispatch.config';

@Module({})
export class DispatchModule {
  static forRoot(config: DispatchConfig): DynamicModule {
    return {
      module: DispatchModule,
      imports: [PlatformModule.forService({ service: 'dispatch', config, topic: TOPICS.dispatch, consumes: [TOPICS.triage] })],
    };
  }
}
