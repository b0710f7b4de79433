import { MongoClient } from 'mongodb';
import { EventRegistry, intakeEvents, MongoEventStore, MongoKeyStore, PersonalDataVault } from '@callcenter/events';
import { sampleReport, testMongo, uniqueName } from '@callcenter/testing';
import { toSubmitReportDto } from '../grpc/wire';
import { SubmitReportHandler } from './submit-report.handler';
import { TrackingCodeReservations, TrackingCodeSource } from './tracking-code-reservations';

/** A broken random source: hands out the same few codes over and over. */
function repeatingCodes(codes: string[]): TrackingCodeSource {
  let i = 0;
  return () => codes[i++ % codes.length];
}

describe('tracking codes are reserved before the report is stored (real database)', () => {
  let mongo: MongoClient;
  const dbName = uniqueName('it_codes').replace(/-/g, '_');

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
    return new SubmitReportHandler(store, reservations, new PersonalDataVault(new MongoKeyStore(db), 'unit-test-secret-0123456789'));
  };

  it('never gives two reports one code, however often the source repeats, even when they race', async () => {
    const codes = ['7KQ2M-94XHD', '7KQ2M-94XHD', 'AAAAA-AAAAA', '7KQ2M-94XHD', 'BBBBB-BBBBB', 'CCCCC-CCCCC', 'DDDDD-DDDDD', 'EEEEE-EEEEE'];
    const handler = await handlerWith(repeatingCodes(codes));
    const reports = await Promise.all(Array.from({ length: 6 }, () => toSubmitReportDto(sampleReport())));
    const receipts = await Promise.all(reports.map((dto) => handler.submit(dto, 'c-1')));
    const stored = await Promise.all(receipts.map((r) => handler.received(r.reportId)));
    const storedCodes = stored.map((s) => s!.trackingCode);
    expect(new Set(storedCodes).size).toBe(reports.length);
    expect(receipts.map((r) => r.trackingCode)).toEqual(storedCodes);
  });

  it('gives a repeat of a submission the code it reserved the first time', async () => {
    const handler = await handlerWith(repeatingCodes(['FFFFF-00001', 'FFFFF-00002', 'FFFFF-00003']));
    const dto = await toSubmitReportDto(sampleReport());
    const first = await handler.submit(dto, 'c-1');
    const again = await Promise.all([handler.submit(dto, 'c-2'), handler.submit(dto, 'c-3')]);
    expect(again.map((r) => [r.trackingCode, r.duplicate])).toEqual([
      [first.trackingCode, true],
      [first.trackingCode, true],
    ]);
  });

  it('refuses to store a report when the source gives only taken codes, rather than share one', async () => {
    const handler = await handlerWith(repeatingCodes(['GGGGG-00001']));
    await handler.submit(await toSubmitReportDto(sampleReport()), 'c-1');
    const second = await toSubmitReportDto(sampleReport());
    await expect(handler.submit(second, 'c-2')).rejects.toThrow(/no free tracking code/);
  });
});
