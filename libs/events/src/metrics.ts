import { Counter, Gauge, register } from 'prom-client';

function counter(name: string, help: string, labelNames: string[]): Counter {
  return (register.getSingleMetric(name) as Counter) ?? new Counter({ name, help, labelNames });
}
function gauge(name: string, help: string, labelNames: string[]): Gauge {
  return (register.getSingleMetric(name) as Gauge) ?? new Gauge({ name, help, labelNames });
}

/**
 * What the backbone's consumers report on every service's /metrics (default prom-client registry):
 * they count here themselves, so no caller can forget to.
 */
export const consumerMetrics = {
  deadLettered: counter('callcenter_events_dead_lettered_total', 'Events parked on a dead-letter topic', ['group', 'topic', 'reason']),
  viewRefused: counter(
    'callcenter_view_events_refused_total',
    'Events an in-memory view (triage queue, dispatch board, analytics, live feed) refused and skipped: not an envelope, a foreign producer, invalid, or its handler threw',
    ['view', 'topic', 'reason'],
  ),
  lag: gauge('callcenter_consumer_lag', 'Events on a topic not yet committed by a consumer group (sum over partitions), sampled by the group’s members', [
    'group',
    'topic',
  ]),
};
