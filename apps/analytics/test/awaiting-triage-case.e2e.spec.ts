/**
 * "Reports received but not opened by triage within a minute", end to end: the built analytics
 * service reads a ReportReceived whose triage case never comes (as when triage dead-letters it or
 * is down), its /metrics gauge counts it, a real Prometheus scraping that gauge with
 * infra/prometheus/alerts.yml holds ReportsNotOpenedByTriage active, and the case opening clears it.
 * Ports 14510 (analytics) and 14511 (Prometheus).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReportReceived, toKafkaMessage, TOPICS, TriageCaseOpened } from '@callcenter/events';
import { envelopeOf, eventually, RunningService, startPrometheus, startService, TestPrometheus, testKafka, uniqueName } from '@callcenter/testing';

const HTTP_PORT = 14510;
const PROMETHEUS_PORT = 14511;

async function awaiting(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${HTTP_PORT}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('callcenter_reports_awaiting_triage_case'));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
}

describe('reports received but not opened by triage within a minute: gauge and alert', () => {
  let analytics: RunningService;
  let prometheus: TestPrometheus | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'callcenter-awaiting-'));

  beforeAll(async () => {
    analytics = await startService('analytics', HTTP_PORT, { MONGODB_DB_PREFIX: uniqueName('awaiting').replace(/-/g, '_') });
  }, 120_000);
  afterAll(async () => {
    prometheus?.stop();
    await analytics?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts a report without a case after a minute, pages through Prometheus, and clears once triage opens the case', async () => {
    const before = await eventually(awaiting, (n) => Number.isFinite(n));
    const reportId = randomUUID();
    const receivedAt = new Date(Date.now() - 2 * 60_000);
    const trackingCode = `LP-${reportId.slice(0, 6).toUpperCase()}`;
    const location = { latitude: -6.23, longitude: 106.85, address: null, district: null };
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({
      topic: TOPICS.intake,
      messages: [
        toKafkaMessage(
          envelopeOf(
            ReportReceived,
            {
              reportId,
              trackingCode,
              sourceSystem: 'hotline-110',
              externalId: `awaiting-${reportId}`,
              channel: 'HOTLINE',
              reporter: { name: null, phone: null, anonymous: true },
              categoryHint: null,
              description: 'Kebakaran gudang',
              location,
              occurredAt: null,
              peopleInjured: 0,
              peopleInvolved: 1,
              receivedAt: receivedAt.toISOString(),
            },
            { streamId: reportId, streamVersion: 1, producer: 'intake', at: receivedAt },
          ),
        ),
      ],
    });
    expect(await eventually(awaiting, (n) => n === before + 1, 30_000, 500)).toBe(before + 1);

    // A real Prometheus with the project's rules sees it and holds the alert active.
    prometheus = startPrometheus({ dir, port: PROMETHEUS_PORT, target: `127.0.0.1:${HTTP_PORT}`, service: 'analytics' });
    const alertState = async () => {
      try {
        const body = (await (await fetch(`${prometheus!.url}/api/v1/alerts`)).json()) as any;
        return body.data.alerts.find((a: any) => a.labels.alertname === 'ReportsNotOpenedByTriage')?.state ?? 'inactive';
      } catch {
        return 'unreachable';
      }
    };
    expect(await eventually(alertState, (s) => s === 'pending' || s === 'firing', 30_000, 500)).toMatch(/pending|firing/);

    // Triage opens the case: the report no longer counts.
    await producer.send({
      topic: TOPICS.triage,
      messages: [
        toKafkaMessage(
          envelopeOf(
            TriageCaseOpened,
            {
              reportId,
              trackingCode,
              sourceSystem: 'hotline-110',
              channel: 'HOTLINE',
              receivedAt: receivedAt.toISOString(),
              description: 'Kebakaran gudang',
              categoryHint: null,
              location: { latitude: -6.23, longitude: 106.85, address: null, reportedDistrict: null },
              district: 'TEBET',
              peopleInjured: 0,
              peopleInvolved: 1,
              callerRef: null,
              suggestion: {
                category: 'KEBAKARAN',
                priority: 'P1',
                reasons: [],
                duplicateCandidates: [],
                lowTrust: { flagged: false, prankRejections: 0, reason: null },
              },
            },
            { streamId: reportId, streamVersion: 1, producer: 'triage' },
          ),
        ),
      ],
    });
    await producer.disconnect();
    expect(await eventually(awaiting, (n) => n === before, 30_000, 500)).toBe(before);
    if (before === 0) expect(await eventually(alertState, (s) => s === 'inactive', 30_000, 500)).toBe('inactive');
  }, 120_000);
});
