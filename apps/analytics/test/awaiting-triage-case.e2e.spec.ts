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
import { EventEnvelope, ReportReceived, toKafkaMessage, TOPICS, TriageCaseOpened } from '@callcenter/events';
import {
  envelopeOf,
  eventually,
  openedCaseData,
  receivedReportData,
  RunningService,
  startPrometheus,
  startService,
  testKafka,
  TestPrometheus,
  uniqueDbName,
} from '@callcenter/testing';

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
    analytics = await startService('analytics', HTTP_PORT, { MONGODB_DB_PREFIX: uniqueDbName('awaiting') });
  }, 120_000);
  afterAll(async () => {
    prometheus?.stop();
    await analytics?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts a report without a case after a minute, pages through Prometheus, and clears once triage opens the case', async () => {
    const producer = testKafka().producer();
    await producer.connect();
    const receivedAt = new Date(Date.now() - 2 * 60_000).toISOString();
    const received = (reportId: string) =>
      envelopeOf(
        ReportReceived,
        receivedReportData({ reportId, receivedAt, description: 'Kebakaran gudang', reporter: { name: null, phone: null, anonymous: true } }),
        {
          streamId: reportId,
          streamVersion: 1,
          producer: 'intake',
          at: new Date(receivedAt),
        },
      );
    const opened = (reportId: string) =>
      envelopeOf(TriageCaseOpened, openedCaseData({ reportId, receivedAt }, { category: 'KEBAKARAN', priority: 'P1' }), {
        streamId: reportId,
        streamVersion: 1,
        producer: 'triage',
      });
    /**
     * Publishes the event for each report in turn until one moves the gauge by exactly `delta` from what it read just
     * before; returns how many it published. Other suites' reports on the shared topics age into the window (or get
     * their case) at any moment, which spoils an attempt, so each attempt has a report of its own.
     */
    const moves = async (reportIds: string[], event: (id: string) => EventEnvelope, topic: string, delta: number) => {
      for (const [i, reportId] of reportIds.entries()) {
        const before = await eventually(awaiting, (n) => Number.isFinite(n));
        await producer.send({ topic, messages: [toKafkaMessage(event(reportId))] });
        if ((await eventually(awaiting, (n) => n !== before, 30_000, 100)) === before + delta) return i + 1;
      }
      throw new Error(`no single event moved the gauge by exactly ${delta} (${reportIds.length} attempts)`);
    };
    const reports = [randomUUID(), randomUUID(), randomUUID()];
    const published = await moves(reports, received, TOPICS.intake, +1);
    for (const reportId of reports.slice(published)) await producer.send({ topic: TOPICS.intake, messages: [toKafkaMessage(received(reportId))] });

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

    // Triage opens the cases: each no longer counts.
    const opening = await moves(reports, opened, TOPICS.triage, -1);
    for (const reportId of reports.slice(opening)) await producer.send({ topic: TOPICS.triage, messages: [toKafkaMessage(opened(reportId))] });
    await producer.disconnect();
    // The gauge counts every report of the last hour on the shared topics: another suite's report still
    // waiting for its case keeps the alert up, and then the clearing cannot be seen here (said, not skipped silently).
    const left = await awaiting();
    if (left === 0) expect(await eventually(alertState, (s) => s === 'inactive', 30_000, 500)).toBe('inactive');
    else console.warn(`awaiting-triage-case: ${left} other reports still wait for a case on the shared topics; the alert's clearing was not checked`);
  }, 120_000);
});
