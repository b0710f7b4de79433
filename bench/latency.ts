import * as hdr from 'hdr-histogram-js';

/** Latencies in milliseconds, summarised. */
export interface Summary {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

/** Milliseconds → p50/p99/max through an HDR histogram (recorded in µs, 3 significant digits). */
export function summarise(values: number[]): Summary {
  const histogram = hdr.build({ numberOfSignificantValueDigits: 3 });
  for (const v of values) histogram.recordValue(Math.max(0, Math.round(v * 1000))); // µs
  const at = (p: number) => histogram.getValueAtPercentile(p) / 1000;
  return { n: values.length, p50: at(50), p99: at(99), max: histogram.maxValue / 1000 };
}
