import { status as GrpcStatus, Metadata } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { MongoNetworkError, MongoServerSelectionError } from 'mongodb';
import { KafkaJSConnectionError } from 'kafkajs';
import { firstValueFrom, from, toArray } from 'rxjs';
import { IllegalState, NotFound, ValidationFailed } from '@callcenter/contracts';
import { toGrpcError } from './grpc-errors.filter';
import { ReportIntakeGrpcController } from './report-intake.grpc.controller';
import { SubmitReport } from '../report/report.commands';
import { InFlightSubmissions } from './in-flight';

describe('toGrpcError', () => {
  it('answers an outage of the database or Kafka as UNAVAILABLE, which clients retry', () => {
    for (const outage of [
      new MongoNetworkError('connection refused'),
      new MongoServerSelectionError('Server selection timed out after 30000 ms', { type: 'Unknown', servers: new Map() } as any),
      new KafkaJSConnectionError('Connection timeout'),
    ]) {
      expect(toGrpcError(outage)).toEqual({ code: GrpcStatus.UNAVAILABLE, message: expect.stringContaining('retry') });
    }
  });

  it('keeps INTERNAL for what is neither the vocabulary nor an outage, and says nothing of it', () => {
    expect(toGrpcError(new TypeError('x is undefined'))).toEqual({ code: GrpcStatus.INTERNAL, message: 'internal error' });
  });

  it('maps the vocabulary as before', () => {
    expect(toGrpcError(new ValidationFailed([{ field: 'description', message: 'too short' }]))).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      violations: [{ field: 'description', message: 'too short' }],
    });
    expect(toGrpcError(new NotFound('report', 'r1')).code).toBe(GrpcStatus.NOT_FOUND);
    expect(toGrpcError(new IllegalState('RULE', 'no')).code).toBe(GrpcStatus.FAILED_PRECONDITION);
    expect(toGrpcError(new RpcException({ code: GrpcStatus.PERMISSION_DENIED, message: 'no' })).code).toBe(GrpcStatus.PERMISSION_DENIED);
  });
});

describe('SubmitReports when the store fails (controller with fakes; the real outage is not reproduced)', () => {
  const item = (externalId: string, description = 'Kecelakaan lalu lintas di perempatan, dua motor') => ({
    source_system: 'mobile-app',
    external_id: externalId,
    channel: 'MOBILE_APP',
    reporter: { anonymous: true },
    description,
    location: { district: 'Coblong' },
  });
  const callers = { authenticate: () => 'mobile-app', admit: async () => undefined, authorize: () => undefined };
  const controller = (submit: (dto: any) => Promise<any>) =>
    new ReportIntakeGrpcController(callers as any, { execute: (command: SubmitReport) => submit(command.dto) } as any, {} as any, {} as any, {
      inFlight: new InFlightSubmissions({ perConnection: 100, perProcess: 100 }),
      maxWatchesPerCaller: 1,
      watchMaxMs: 1_000,
    });

  it('answers the failed item UNAVAILABLE and goes on with the others', async () => {
    const grpc = controller(async (dto) => {
      if (dto.external_id === 'down') throw new MongoNetworkError('connection reset by peer');
      if (dto.external_id === 'bug') throw new TypeError('boom');
      return { reportId: `id-${dto.external_id}`, trackingCode: '7KQ2M-94XHD', receivedAt: '2026-11-28T02:00:00.000Z', duplicate: false };
    });
    const answers = await firstValueFrom(grpc.submitReports(from([item('a'), item('down'), item('bug'), item('b')]), new Metadata()).pipe(toArray()));
    const byId = Object.fromEntries(answers.map((a: any) => [a.external_id, a]));
    expect(answers).toHaveLength(4);
    expect(byId.a).toMatchObject({ report_id: 'id-a', duplicate: false });
    expect(byId.b).toMatchObject({ report_id: 'id-b' });
    expect(byId.down.error).toMatchObject({ code: 'UNAVAILABLE' });
    expect(byId.bug.error).toEqual({ code: 'INTERNAL', message: 'internal error', violations: [] });
  });
});
