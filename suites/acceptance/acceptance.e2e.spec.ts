import { restClient, servicesForSpec, testToken } from '@callcenter/testing';
import { runSimulation } from '../../tools/simulator/src/simulate';

/**
 * Acceptance: a simulated hour of call-center traffic, with operator, dispatcher and unit bots,
 * through all four services; afterwards every accepted report is in every read model exactly once
 * and analytics reconciles with the simulator's ledger. ACCEPTANCE_SPEED / ACCEPTANCE_RATE make it
 * heavier (bench/suites).
 */
const SPEED = Number(process.env.ACCEPTANCE_SPEED ?? 240); // an hour in 15 s
const RATE = Number(process.env.ACCEPTANCE_RATE ?? 120); // reports per hour, on average over a day
const PORT = { intake: 13071, triage: 13072, dispatch: 13073, analytics: 13074 };
const GRPC_PORT = 15101;

describe('acceptance: a simulated hour end to end', () => {
  const spec = servicesForSpec('accept', PORT, { env: { LOG_LEVEL: 'error' }, intakeGrpc: GRPC_PORT });

  it('accepts every report once, carries each to its expected end, and analytics reconciles with the ledger', async () => {
    const result = await runSimulation({
      period: '1h',
      speed: SPEED,
      reportsPerHour: RATE,
      seed: 20261128,
      start: '2026-11-28T12:00:00Z', // 19:00 in Jakarta: the evening peak
      intake: `127.0.0.1:${GRPC_PORT}`,
      intakeHttpUrl: `http://127.0.0.1:${PORT.intake}`,
      triageUrl: `http://127.0.0.1:${PORT.triage}`,
      dispatchUrl: `http://127.0.0.1:${PORT.dispatch}`,
      analyticsUrl: `http://127.0.0.1:${PORT.analytics}`,
      bots: true,
      operators: 8,
      units: 30,
      drain: '2h',
      verify: true,
      log: null,
    });
    const { summary, analytics } = result;
    process.stdout.write(
      `acceptance: ${summary.sent} sent, ${summary.acknowledged} acknowledged, ${summary.uniqueReports} reports, settled ${summary.settled}, ` +
        `unsettled ${summary.unsettled}, decisions ${JSON.stringify(summary.decisions)}, analytics matched ${analytics?.matched}\n`,
    );
    expect(summary.sent).toBeGreaterThan(0);
    expect(summary.acknowledged).toBe(summary.sent);
    expect(summary.uniqueReports).toBe(summary.acknowledged);
    expect(analytics?.lost).toEqual([]);
    expect(analytics?.extra).toBe(0);
    expect(analytics?.matched).toBe(true);

    // Every accepted report exactly once in every read model.
    const reportIds = result.entries.map((e) => e.submission.reportId).filter((id): id is string => !!id);
    expect(new Set(reportIds).size).toBe(summary.acknowledged);
    const opened = await spec
      .database('triage')
      .collection('event_commits')
      .countDocuments({ _id: { $in: reportIds.map((id) => `${id}#0`) } as any });
    expect(opened).toBe(reportIds.length);
    const analyst = restClient(`http://127.0.0.1:${PORT.analytics}`, testToken('an-accept', ['analyst']));
    for (const id of reportIds) {
      const { status, body } = await analyst.get(`/api/v1/reports/${id}/timeline`);
      expect(status).toBe(200);
      expect(body.events.filter((e: any) => e.type === 'ReportReceived')).toHaveLength(1);
      expect(body.events.filter((e: any) => e.type === 'TriageCaseOpened')).toHaveLength(1);
    }
  });
});
