import { Inject, Injectable } from '@nestjs/common';
import { status as GrpcStatus, Metadata } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiKeys } from './api-keys';

export const API_KEY_HEADER = 'x-api-key';
export const INTAKE_CALLERS_OPTIONS = Symbol('INTAKE_CALLERS_OPTIONS');

export interface CallingSystemsOptions {
  apiKeys: ApiKeys;
  /** Submissions per second per source system (sustained); bursts up to twice that. */
  ratePerSecond: number;
}

/** Who is calling, whether they may act as the source system they name, and whether they are over their rate. */
@Injectable()
export class CallingSystems {
  private readonly limiter: RateLimiterMemory;

  constructor(@Inject(INTAKE_CALLERS_OPTIONS) private readonly options: CallingSystemsOptions) {
    this.limiter = new RateLimiterMemory({ points: options.ratePerSecond * 2, duration: 2 });
  }

  authenticate(metadata: Metadata): string {
    const [key] = metadata.get(API_KEY_HEADER);
    const source = this.options.apiKeys.identify(typeof key === 'string' ? key : undefined);
    if (!source) {
      throw new RpcException({ code: GrpcStatus.UNAUTHENTICATED, message: `missing or unknown API key (metadata ${API_KEY_HEADER})` });
    }
    return source;
  }

  authorize(caller: string, sourceSystem: string): void {
    if (caller !== sourceSystem) {
      throw new RpcException({
        code: GrpcStatus.PERMISSION_DENIED,
        message: `the API key of ${caller} may not submit as source_system ${sourceSystem}`,
      });
    }
  }

  async admit(caller: string): Promise<void> {
    try {
      await this.limiter.consume(caller);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      throw new RpcException({
        code: GrpcStatus.RESOURCE_EXHAUSTED,
        message: `rate limit of ${this.options.ratePerSecond}/s for ${caller} exceeded; retry in ${e.msBeforeNext} ms`,
      });
    }
  }
}
