import { randomUUID } from 'node:crypto';
import { createParamDecorator, ExecutionContext, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
import type { KafkaLogger } from '@callcenter/events';

export const CORRELATION_HEADER = 'x-correlation-id';
const SAFE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The caller's correlation id if it is a sane one, else a new one. */
export function correlationIdFrom(given: unknown): string {
  return typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
}

/** Structured JSON logs; each HTTP request carries a correlation id (taken from the caller or made). */
export function loggingParams(service: string, level: string): Params {
  return {
    pinoHttp: {
      level,
      base: { service },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      customAttributeKeys: { reqId: 'correlationId' },
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const id = correlationIdFrom(req.headers[CORRELATION_HEADER]);
        res.setHeader(CORRELATION_HEADER, id);
        return id;
      },
      autoLogging: { ignore: (req) => /^\/(health|metrics)/.test(req.url ?? '') },
      redact: ['req.headers.authorization', 'req.headers["x-api-key"]'],
    },
  };
}

/** Routes kafkajs and backbone logs into the service's JSON log. */
export function kafkaLogger(context: string): KafkaLogger {
  const logger = new Logger(context);
  const fmt = (message: string, details?: unknown) => (details ? `${message} ${JSON.stringify(details)}` : message);
  return {
    debug: (m, d) => logger.debug(fmt(m, d)),
    log: (m, d) => logger.log(fmt(m, d)),
    warn: (m, d) => logger.warn(fmt(m, d)),
    error: (m, d) => logger.error(fmt(m, d)),
  };
}

/** The request's correlation id (the one pino-http took from the caller or made), for command metadata. */
export const CorrelationId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<IncomingMessage & { id?: unknown }>();
  return typeof request.id === 'string' ? request.id : correlationIdFrom(request.headers[CORRELATION_HEADER]);
});
