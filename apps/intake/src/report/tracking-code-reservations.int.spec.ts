import { MongoClient } from 'mongodb';
import { EventRegistry, IntakeEnvelope, intakeEvents, MongoEventStore, MongoKeyStore, PersonalDataVault } from '@callcenter/events';
import { sampleReport, testMongo, uniqueDbName } from '@callcenter/testing';
import { toSubmitReportDto } from '../grpc/wire';
import { SubmitReport, SubmitReportHandler } from './report.commands';
import { TrackingCodeReservations, TrackingCodeSource } from './tracking-code-reservations';

/** A broken random source: hands out the same few codes over and over. */
function repeatingCodes(codes: string[]): TrackingCodeSource {
  let i = 0;
  return () => codes[i++ % codes.length];
}

describe('tracking codes are reserved before the report is stored (real database)', () => {
  let mongo: MongoClient;
  const dbName = uniqueDbName('it_codes');

  beforeAll(async () => {
    mongo = await testMongo();
  });
  afterAll(async () => {
    await mongo.db(dbName).dropDatabase();
    await mongo.close();
  });

  const handlerWith = async (source: TrackingCodeSource) => {
    const db = mongo.db(dbName);
    const store = new MongoEventStore(db, { producer: 'intake', topic: 'unused', registry: new EventRegistry(intakeEvents) });
    await store.ensureIndexes();
    const reservations = new TrackingCodeReservations(db, source);
    await reservations.onModuleInit();
    return { store, handler: new SubmitReportHandler(store, reservations, new PersonalDataVault(new MongoKeyStore(db), 'unit-test-secret-0123456789')) };
  };

  it('never gives two reports one code, however often the source repeats, even when they race', async () => {
    const codes = ['7KQ2M-94XHD', '7KQ2M-94XHD', 'AAAAA-AAAAA', '7KQ2M-94XHD', 'BBBBB-BBBBB', 'CCCCC-CCCCC', 'DDDDD-DDDDD', 'EEEEE-EEEEE'];
    const { store, handler } = await handlerWith(repeatingCodes(codes));
    const reports = await Promise.all(Array.from({ length: 6 }, () => toSubmitReportDto(sampleReport())));
    const receipts = await Promise.all(reports.map((dto) => handler.execute(new SubmitReport(dto, 'c-1'))));
    const stored = await Promise.all(receipts.map((r) => store.readStream(r.reportId)));
    const storedCodes = stored.map((s) => (s.events[0] as IntakeEnvelope).data.trackingCode);
    expect(new Set(storedCodes).size).toBe(reports.length);
    expect(receipts.map((r) => r.trackingCode)).toEqual(storedCodes);
  });

  it('gives a repeat of a submission the code it reserved the first time', async () => {
    const { handler } = await handlerWith(repeatingCodes(['FFFFF-00001', 'FFFFF-00002', 'FFFFF-00003']));
    const dto = await toSubmitReportDto(sampleReport());
    const first = await handler.execute(new SubmitReport(dto, 'c-1'));
    const again = await Promise.all([handler.execute(new SubmitReport(dto, 'c-2')), handler.execute(new SubmitReport(dto, 'c-3'))]);
    expect(again.map((r) => [r.trackingCode, r.duplicate])).toEqual([
      [first.trackingCode, true],
      [first.trackingCode, true],
    ]);
  });

  it('refuses to store a report when the source gives only taken codes, rather than share one', async () => {
    const { handler } = await handlerWith(repeatingCodes(['GGGGG-00001']));
    await handler.execute(new SubmitReport(await toSubmitReportDto(sampleReport()), 'c-1'));
    const second = await toSubmitReportDto(sampleReport());
    await expect(handler.execute(new SubmitReport(second, 'c-2'))).rejects.toThrow(/no free tracking code/);
  });
});
