import { AlreadyExists, reportIdFor } from '@callcenter/contracts';
import { ERASED, IntakeEnvelope } from '@callcenter/events';
import { rejectionOf, sampleReport } from '@callcenter/testing';
import { toSubmitReportDto } from '../grpc/wire';
import { intakeInProcess } from '../in-process.testing';
import { SubmitReport } from './report.commands';

// SubmitReport on Nest's CommandBus over the in-memory event store (in-process.testing.ts); the real
// database's races are tracking-code-reservations.int.spec.ts', the gRPC edge is apps/intake/test's.

const worlds: { app: { close(): Promise<void> } }[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.app.close()));
});

async function setUp() {
  const world = await intakeInProcess();
  worlds.push(world);
  return world;
}

const submission = (overrides: Record<string, unknown> = {}) => toSubmitReportDto(sampleReport({ external_id: 'app-123', ...overrides }));
const storedEvent = async (world: Awaited<ReturnType<typeof setUp>>, reportId: string) => (await world.store.readStream(reportId)).events as IntakeEnvelope[];

describe('SubmitReport', () => {
  it("stores ReportReceived on the report's own stream, its personal fields sealed, and answers the receipt", async () => {
    const world = await setUp();
    const dto = await submission({ reporter: { name: ' Siti Aminah ', phone: '+6281234567890', anonymous: false } });
    const receipt = await world.commands.execute(new SubmitReport(dto, 'corr-1'));
    const reportId = reportIdFor('mobile-app', 'app-123');
    expect(receipt).toEqual({ reportId, trackingCode: '7KQ2M-00001', receivedAt: expect.any(String), duplicate: false });
    const [received, ...rest] = await storedEvent(world, reportId);
    expect(rest).toEqual([]);
    expect(received).toMatchObject({
      type: 'ReportReceived',
      streamVersion: 1,
      producer: 'intake',
      actor: 'mobile-app',
      correlationId: 'corr-1',
      data: { reportId, trackingCode: '7KQ2M-00001', receivedAt: receipt.receivedAt, sourceSystem: 'mobile-app', externalId: 'app-123' },
    });
    const { reporter, description, location } = received.data;
    expect(reporter.name).not.toContain('Siti');
    expect([world.open(reporter.name), world.open(reporter.phone)]).toEqual(['Siti Aminah', '+6281234567890']);
    expect(world.open(description)).toBe(dto.description);
    expect(world.open(location.address)).toBe('Jl. Dago 120');
  });

  it('appends at version 0 without reading the stream first: the append is the idempotency check', async () => {
    const world = await setUp();
    const reads = jest.spyOn(world.store, 'readStream');
    await world.commands.execute(new SubmitReport(await submission(), 'corr-1'));
    expect(reads).not.toHaveBeenCalled();
  });

  it('answers repeats of a submission, even concurrent ones, with the original ids and stores it once', async () => {
    const world = await setUp();
    const dto = await submission();
    const receipts = await Promise.all(['c-1', 'c-2', 'c-3'].map((cid) => world.commands.execute(new SubmitReport(dto, cid))));
    expect(receipts.filter((r) => !r.duplicate)).toHaveLength(1);
    const [first] = receipts.filter((r) => !r.duplicate);
    for (const r of receipts) expect(r).toEqual({ ...first, duplicate: r.duplicate });
    const again = await world.commands.execute(new SubmitReport(await submission({ description: `  ${dto.description}  ` }), 'c-4'));
    expect(again).toEqual({ ...first, duplicate: true }); // the same content, however its whitespace is
    expect(world.store.typesOf(first.reportId)).toEqual(['ReportReceived']);
  });

  it('refuses the same external id with other content (ALREADY_EXISTS naming the report), and records nothing', async () => {
    const world = await setUp();
    const first = await world.commands.execute(new SubmitReport(await submission(), 'c-1'));
    const refused = await rejectionOf(world.commands.execute(new SubmitReport(await submission({ people_injured: 4 }), 'c-2')));
    expect(refused).toBeInstanceOf(AlreadyExists);
    expect(refused).toMatchObject({ rule: 'EXTERNAL_ID_REUSED', existing: { reportId: first.reportId, trackingCode: first.trackingCode } });
    expect(world.store.typesOf(first.reportId)).toEqual(['ReportReceived']);
  });

  it("keeps no anonymous reporter's identity, and writes an erased report id's personal data as erased, never in clear", async () => {
    const world = await setUp();
    const anonymous = await world.commands.execute(
      new SubmitReport(await submission({ external_id: 'anon-1', reporter: { name: 'Siti', phone: '+6281234567890', anonymous: true } }), 'c-1'),
    );
    expect((await storedEvent(world, anonymous.reportId))[0].data.reporter).toEqual({ name: null, phone: null, anonymous: true });

    world.erased.add(reportIdFor('mobile-app', 'erased-1'));
    const erased = await world.commands.execute(new SubmitReport(await submission({ external_id: 'erased-1' }), 'c-2'));
    const { data } = (await storedEvent(world, erased.reportId))[0];
    expect([data.reporter.name, data.reporter.phone, data.description, data.location.address]).toEqual([ERASED, ERASED, ERASED, ERASED]);
  });
});
