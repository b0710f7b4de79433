import { ServiceUnavailableException } from '@nestjs/common';
import type { ReadModels } from '../model/read-models';
import { WarmUp } from '../model/read-models';
import { WarmingUpGuard } from './warming-up.guard';

describe('analytics while warming up', () => {
  it('answers 503 WARMING_UP with how far it has read, then lets queries through once ready', () => {
    const models = { ready: false, warmingUp: () => ({ startedFrom: 'snapshot', done: 10, total: 40 }) };
    const guard = new WarmingUpGuard(models as unknown as ReadModels);
    let refusal: unknown;
    try {
      guard.canActivate();
    } catch (e) {
      refusal = e;
    }
    expect(refusal).toBeInstanceOf(ServiceUnavailableException);
    expect((refusal as ServiceUnavailableException).getStatus()).toBe(503);
    expect((refusal as ServiceUnavailableException).getResponse()).toMatchObject({
      code: 'WARMING_UP',
      warmingUp: { startedFrom: 'snapshot', done: 10, total: 40 },
    });
    models.ready = true;
    expect(guard.canActivate()).toBe(true);
  });

  it('is not ready for /health/ready until the read models have caught up', () => {
    const gate = new WarmUp();
    gate.status = () => ({ startedFrom: 'offset 0', done: 5, total: 9 });
    expect(gate.state()).toEqual({ ready: false, warmingUp: { startedFrom: 'offset 0', done: 5, total: 9 } });
    gate.ready = true;
    expect(gate.state()).toEqual({ ready: true });
  });
});
