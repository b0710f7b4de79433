import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram, register } from 'prom-client';
import { consumerMetrics } from '@callcenter/events';

/** Event backbone counters, on every service's /metrics (default prom-client registry). */
export const backboneMetrics = {
  appended: new Counter({ name: 'callcenter_events_appended_total', help: 'Events appended to this service’s event store', labelNames: ['type'] }),
  published: new Counter({ name: 'callcenter_events_published_total', help: 'Events the outbox relay published to Kafka' }),
  consumed: new Counter({ name: 'callcenter_events_consumed_total', help: 'Events handled by this service’s consumers', labelNames: ['group', 'type'] }),
  /** Counted by the consumers themselves (libs/events), labelled group, topic and reason. */
  deadLettered: consumerMetrics.deadLettered,
  /** Committed lag per consumer group and topic, sampled by the groups' members (libs/events). */
  consumerLag: consumerMetrics.lag,
  /** Where the outbox relay's rounds spend their time: finding unpublished predecessors, Kafka's acknowledgement, marking them published. */
  relayRound: new Histogram({
    name: 'callcenter_outbox_relay_round_seconds',
    help: 'Outbox relay rounds by phase: prepare (predecessors looked up), kafka (send to acknowledgement), mark (published marks written)',
    labelNames: ['phase'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  }),
};

/** Latency buckets for request handling: 5 ms … 10 s. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const requestMetrics = {
  http: new Histogram({
    name: 'callcenter_http_request_duration_seconds',
    help: 'HTTP requests by method, route template (unmatched: "unmatched") and status code',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
  }),
  grpc: new Histogram({
    name: 'callcenter_grpc_server_handling_seconds',
    help: 'gRPC calls by full method name and status code (OK, INVALID_ARGUMENT, …), streams from start to status',
    labelNames: ['method', 'code'],
    buckets: LATENCY_BUCKETS,
  }),
};

/** 1 while the process serves (its `up` is Prometheus' own; this one names the service and version). */
export const serviceUp = new Gauge({ name: 'callcenter_service_up', help: 'The service process is up and serving', labelNames: ['version'] });

/**
 * Express middleware timing every request by its route template (`/api/v1/reports/:id`, never the
 * id itself, so the series stay few). Requests no route matched share `unmatched`.
 */
export function httpMetricsMiddleware() {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = requestMetrics.http.startTimer();
    res.once('finish', () => {
      const template = req.route?.path;
      const route = typeof template === 'string' ? `${req.baseUrl ?? ''}${template}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

/** Names of gRPC status codes (grpc-js `status` enum), so the label reads `NOT_FOUND`, not `5`. */
const GRPC_CODES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];
export function grpcCodeName(code: number | undefined): string {
  return GRPC_CODES[code ?? 2] ?? String(code);
}

/** The metrics registry every service serves at /metrics. */
export const metricsRegistry = register;

/**
 * A gauge computed when Prometheus scrapes (from in-memory state: a queue, a board, a read model).
 * Registering it again (a module built twice in one process) replaces the earlier one.
 */
export function scrapedGauge(name: string, help: string, read: () => number | undefined): Gauge {
  register.removeSingleMetric(name);
  return new Gauge({
    name,
    help,
    collect() {
      const value = read();
      if (value !== undefined) this.set(value);
    },
  });
}
