import { eventually, grpcCall, intakeMetadata, restClient, sampleReport, servicesForSpec, testToken, uniqueName } from '@callcenter/testing';

const INTAKE_HTTP = 14301;
const INTAKE_GRPC = 14361;
const TRIAGE_HTTP = 14302;
const TRIAGE = `http://127.0.0.1:${TRIAGE_HTTP}`;
const DAY_MS = 86_400_000;
const REPORTS = 200;
/** The development key of the SMS gateway (INTAKE_API_KEYS default). */
const SMS_GATEWAY_KEY = 'dev-key-sms-gateway-0001';

/**
 * Issue 18, "Time, right": an SMS gateway that was down for a week flushes its backlog at once.
 * 200 reports of one week's incidents at one junction reach triage within a minute; the duplicate
 * candidates triage suggests must pair only reports that happened around the same time.
 */
describe('triage duplicate candidates for a backlog flushed at once (intake and triage as processes)', () => {
  const env = {
    TRIAGE_DUPLICATE_RADIUS_METERS: '500',
    TRIAGE_DUPLICATE_WINDOW_MINUTES: '30',
    TRIAGE_SAME_CALLER_MINUTES: '10',
  };
  const spec = servicesForSpec('e2e', { intake: INTAKE_HTTP, triage: TRIAGE_HTTP }, { env, intakeGrpc: INTAKE_GRPC });
  const operator = restClient(TRIAGE, testToken('op-backlog', ['operator']));

  it('suggests no duplicate across days, and still pairs reports of the same incident', async () => {
    // One junction, away from where other tests put their reports.
    const spot = { latitude: -6.2 - Math.random() * 0.05, longitude: 106.8 + Math.random() * 0.05 };
    const weekAgo = Date.now() - 8 * DAY_MS;
    const tag = uniqueName('backlog');
    const phones = Array.from({ length: 6 }, (_, i) => `+6281377${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}${i}`);
    const planned = Array.from({ length: REPORTS }, (_, i) => {
      // 7 days x 4 incidents a day, hours apart; each incident's callers within 20 minutes.
      const day = i % 7;
      const incident = Math.floor(i / 7) % 4;
      const occurredAt = weekAgo + day * DAY_MS + (2 + incident * 5) * 3_600_000 + ((i * 37) % 20) * 60_000;
      return sampleReport({
        source_system: 'sms-gateway',
        external_id: `${tag}-${i}`,
        channel: 'SMS',
        category_hint: 'GANGGUAN_KETERTIBAN',
        description: 'tawuran remaja di perempatan, lempar2an batu',
        reporter: { name: null, phone: phones[i % phones.length], anonymous: false },
        location: { latitude: spot.latitude + ((i * 7) % 15) / 10_000, longitude: spot.longitude + ((i * 11) % 15) / 10_000, address: 'perempatan' },
        occurred_at: { seconds: String(Math.floor(occurredAt / 1000)), nanos: 0 },
        people_injured: 0,
      });
    });

    const started = Date.now();
    const occurredOf = new Map<string, number>();
    for (let i = 0; i < planned.length; i += 20) {
      const answers = await Promise.all(
        planned.slice(i, i + 20).map((r) => grpcCall<any>(spec.grpcIntake, 'SubmitReport', r, intakeMetadata(SMS_GATEWAY_KEY))),
      );
      answers.forEach((a, j) => occurredOf.set(a.report_id, Number(planned[i + j].occurred_at.seconds) * 1000));
    }
    expect(Date.now() - started).toBeLessThan(60_000); // the whole backlog arrives within a minute

    const cases = await Promise.all(
      [...occurredOf.keys()].map(
        async (reportId) =>
          (
            await eventually(
              () => operator.get(`/api/v1/reports/${reportId}`),
              (r) => r.status === 200,
              60_000,
            )
          ).body,
      ),
    );
    const dayOf = (reportId: string) => Math.floor(((occurredOf.get(reportId) as number) - weekAgo) / DAY_MS);
    const pairs = cases.flatMap((c) =>
      (c.suggestion.duplicateCandidates as { reportId: string; minutesApart: number }[]).map((d) => ({ of: c.reportId as string, ...d })),
    );
    const ours = pairs.filter((p) => occurredOf.has(p.reportId));
    expect(ours.length).toBeGreaterThan(0); // callers of one incident still find each other
    expect(pairs.filter((p) => !occurredOf.has(p.reportId) || dayOf(p.reportId) !== dayOf(p.of))).toEqual([]);
    expect(Math.max(...ours.map((p) => p.minutesApart))).toBeLessThanOrEqual(30);
  }, 150_000);
});
