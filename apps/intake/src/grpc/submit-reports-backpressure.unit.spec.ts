import { Metadata } from '@grpc/grpc-js';
import { Subject } from 'rxjs';
import { InFlightSubmissions } from './in-flight';
import { ReportIntakeGrpcController } from './report-intake.grpc.controller';

describe('SubmitReports bounds what it holds (controller with fakes)', () => {
  const item = (externalId: string) => ({
    source_system: 'mobile-app',
    external_id: externalId,
    channel: 'MOBILE_APP',
    reporter: { anonymous: true },
    description: 'Kecelakaan lalu lintas di perempatan, dua motor',
    location: { district: 'Coblong' },
  });
  const callers = { authenticate: () => 'mobile-app', admit: async () => undefined, authorize: () => undefined };
  const call = { getPeer: () => 'ipv4:127.0.0.1:50000' };

  it('answers items past the bound UNAVAILABLE at once, and a cancelled stream gives back every slot it held', async () => {
    const inFlight = new InFlightSubmissions({ perConnection: 3, perProcess: 100 });
    const never = new Promise<never>(() => undefined); // the database hangs
    const controller = new ReportIntakeGrpcController(callers as any, { execute: () => never } as any, {} as any, {} as any, {
      inFlight,
      maxWatchesPerCaller: 1,
      watchMaxMs: 1_000,
    });
    const requests = new Subject<any>();
    const answers: any[] = [];
    const subscription = controller.submitReports(requests, new Metadata(), call).subscribe((a) => answers.push(a));
    for (let i = 0; i < 10; i++) requests.next(item(`x${i}`));
    await new Promise((r) => setImmediate(r));
    expect(inFlight.inFlight).toBe(3);
    expect(answers.map((a) => [a.external_id, a.error?.code])).toEqual(Array.from({ length: 7 }, (_, i) => [`x${i + 3}`, 'UNAVAILABLE']));
    subscription.unsubscribe(); // the caller cancels
    expect(inFlight.inFlight).toBe(0);
  });
});
