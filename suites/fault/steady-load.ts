import * as grpc from '@grpc/grpc-js';
import { grpcCall, sampleReport } from '@callcenter/testing';

/** What a calling system retries on (intake down, the broker or database away): anything else is a refusal and fails the suite. */
const TRANSIENT = [grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED, grpc.status.INTERNAL, grpc.status.UNKNOWN];

/**
 * A calling system's steady load on intake for the fault suites: `rate` reports a second for `seconds`, each report
 * (`report(i)`, its external id `<tag>-<i>`) retried with the same external id every `retryMs` until it is
 * acknowledged. `done` resolves when the last has its answer; `acknowledged` maps external id → report id.
 */
export function steadyLoad(client: grpc.Client, o: { tag: string; rate: number; seconds: number; retryMs: number; report: (i: number) => object }) {
  const acknowledged = new Map<string, string>();
  const counts = { sent: 0, retries: 0 };
  const submit = async (i: number) => {
    const externalId = `${o.tag}-${i}`;
    const report = sampleReport({ ...o.report(i), external_id: externalId });
    for (;;) {
      try {
        return void acknowledged.set(externalId, (await grpcCall<{ report_id: string }>(client, 'SubmitReport', report)).report_id);
      } catch (e) {
        if (!TRANSIENT.includes((e as grpc.ServiceError).code)) throw e;
        counts.retries++;
        await new Promise((r) => setTimeout(r, o.retryMs));
      }
    }
  };
  const done = (async () => {
    const [end, inFlight] = [Date.now() + o.seconds * 1000, [] as Promise<void>[]];
    while (Date.now() < end) {
      inFlight.push(submit(counts.sent++));
      await new Promise((r) => setTimeout(r, 1000 / o.rate));
    }
    await Promise.all(inFlight);
  })();
  return { acknowledged, counts, done };
}
