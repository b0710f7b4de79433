import { NotFound, reportIdFor } from '@callcenter/contracts';
import { rejectionOf, sampleReport } from '@callcenter/testing';
import { toSubmitReportDto } from '../grpc/wire';
import { intakeInProcess } from '../in-process.testing';
import { SubmitReport } from '../report/report.commands';
import { ReportStatusQuery } from './report-status.queries';

// ReportStatusQuery on Nest's QueryBus over the in-memory event store and a stand-in status read
// model (in-process.testing.ts); the projection from Kafka is the e2e tests' (apps/intake/test).

const worlds: { app: { close(): Promise<void> } }[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.app.close()));
});

/** A report accepted by intake and not yet projected (the status consumer lags). */
async function withReport() {
  const world = await intakeInProcess();
  worlds.push(world);
  const receipt = await world.commands.execute(new SubmitReport(await toSubmitReportDto(sampleReport({ external_id: 'app-9' })), 'c-1'));
  return { ...world, receipt };
}

describe('ReportStatusQuery', () => {
  it('answers a report not yet projected from its stored ReportReceived, by id only to the system that submitted it', async () => {
    const { queries, receipt } = await withReport();
    const view = await queries.execute(new ReportStatusQuery({ reportId: receipt.reportId }, 'mobile-app'));
    expect(view).toMatchObject({
      reportId: receipt.reportId,
      trackingCode: receipt.trackingCode,
      sourceSystem: 'mobile-app',
      receivedAt: receipt.receivedAt,
      state: 'RECEIVED',
      final: false,
      timeline: [{ state: 'RECEIVED', at: receipt.receivedAt, message: expect.any(String) }],
    });
    expect(await rejectionOf(queries.execute(new ReportStatusQuery({ reportId: receipt.reportId }, 'hotline-110')))).toBeInstanceOf(NotFound);
    const unknown = reportIdFor('mobile-app', 'never-sent');
    expect(await rejectionOf(queries.execute(new ReportStatusQuery({ reportId: unknown }, 'mobile-app')))).toBeInstanceOf(NotFound);
  });

  it('answers by tracking code whoever holds it, through the reservation before the projection has it', async () => {
    const { queries, receipt } = await withReport();
    expect(await queries.execute(new ReportStatusQuery({ trackingCode: receipt.trackingCode }, 'web-portal'))).toMatchObject({
      reportId: receipt.reportId,
      state: 'RECEIVED',
    });
    expect(await rejectionOf(queries.execute(new ReportStatusQuery({ trackingCode: 'ZZZZZ-99999' }, 'web-portal')))).toBeInstanceOf(NotFound);
  });

  it('answers from the projection once it has the report, its tracking code filled from the store if the projection lacks it', async () => {
    const { queries, receipt, views } = await withReport();
    const at = new Date(Date.parse(receipt.receivedAt) + 60_000).toISOString();
    // Only triage's part projected so far: the reporter's view has no source system or tracking code yet.
    views.set(receipt.reportId, {
      reportId: receipt.reportId,
      trackingCode: null,
      sourceSystem: null,
      receivedAt: null,
      state: 'IN_TRIAGE',
      timeline: [{ state: 'IN_TRIAGE', at, message: 'diproses' }],
      final: false,
    });
    expect(await queries.execute(new ReportStatusQuery({ reportId: receipt.reportId }, 'mobile-app'))).toMatchObject({
      state: 'IN_TRIAGE',
      trackingCode: receipt.trackingCode,
    });
    expect(await rejectionOf(queries.execute(new ReportStatusQuery({ reportId: receipt.reportId }, 'hotline-110')))).toBeInstanceOf(NotFound);
  });
});
