import { readFileSync } from 'node:fs';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { INTAKE_PROTO_PATH } from '@callcenter/contracts';
import { PLATFORM_CONFIG } from '@callcenter/platform';
import { PortalConfig } from '../portal.config';

const definition = loadSync(INTAKE_PROTO_PATH, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
const ReportIntake = (grpc.loadPackageDefinition(definition) as any).callcenter.intake.v1.ReportIntake;

export interface SubmitAnswer {
  report_id: string;
  tracking_code: string;
  received_at: { seconds: string; nanos: number };
  duplicate: boolean;
}

/** The portal as intake's calling system `web-portal`: its own API key on every call. */
@Injectable()
export class IntakeGateway implements OnApplicationShutdown {
  private readonly client: any;

  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PortalConfig) {
    const tls = config.PORTAL_INTAKE_TLS || !!config.PORTAL_INTAKE_CA_FILE;
    const credentials = tls
      ? grpc.credentials.createSsl(config.PORTAL_INTAKE_CA_FILE ? readFileSync(config.PORTAL_INTAKE_CA_FILE) : null)
      : grpc.credentials.createInsecure();
    this.client = new ReportIntake(config.PORTAL_INTAKE_GRPC, credentials);
  }

  private metadata(correlationId?: string): grpc.Metadata {
    const m = new grpc.Metadata();
    m.set('x-api-key', this.config.PORTAL_INTAKE_API_KEY);
    if (correlationId) m.set('x-correlation-id', correlationId);
    return m;
  }

  private unary<T>(method: string, request: unknown, correlationId?: string): Promise<T> {
    return new Promise((ok, fail) =>
      this.client[method](request, this.metadata(correlationId), { deadline: Date.now() + 10_000 }, (err: grpc.ServiceError | null, res: T) =>
        err ? fail(err) : ok(res),
      ),
    );
  }

  submit(request: unknown, correlationId?: string): Promise<SubmitAnswer> {
    return this.unary('SubmitReport', request, correlationId);
  }

  status(trackingCode: string): Promise<any> {
    return this.unary('GetReportStatus', { tracking_code: trackingCode });
  }

  /** WatchReport: the current status, then each change; ends when the report is final. */
  watch(trackingCode: string): grpc.ClientReadableStream<any> {
    return this.client.WatchReport({ tracking_code: trackingCode }, this.metadata());
  }

  onApplicationShutdown() {
    this.client.close();
  }
}

export const grpcCode = (e: unknown): number | undefined => (e as grpc.ServiceError)?.code;
export { grpc };
