import { Counter } from 'prom-client';

/** Event backbone counters, on every service's /metrics (default prom-client registry). */
export const backboneMetrics = {
  appended: new Counter({ name: 'callcenter_events_appended_total', help: 'Events appended to this service’s event store', labelNames: ['type'] }),
  published: new Counter({ name: 'callcenter_events_published_total', help: 'Events the outbox relay published to Kafka' }),
  consumed: new Counter({ name: 'callcenter_events_consumed_total', help: 'Events handled by this service’s consumers', labelNames: ['group', 'type'] }),
  deadLettered: new Counter({ name: 'callcenter_events_dead_lettered_total', help: 'Events parked on a dead-letter topic', labelNames: ['group'] }),
};
