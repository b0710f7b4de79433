import { CanActivate, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ReadModels } from '../model/read-models';

/**
 * Analytics listens at once but answers only from a model that has caught up: until then every
 * query is 503 with a JSON body saying so and how far the warm-up has read.
 */
@Injectable()
export class WarmingUpGuard implements CanActivate {
  constructor(private readonly models: ReadModels) {}

  canActivate(): boolean {
    if (this.models.ready) return true;
    throw new ServiceUnavailableException({
      code: 'WARMING_UP',
      message: 'analytics is warming up: its read models have not caught up yet',
      warmingUp: this.models.warmingUp(),
    });
  }
}
