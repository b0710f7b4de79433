// The public entry point of the analytics service for tools outside apps/ (the import-boundary rule in
// eslint.config.mjs lets bench, tools and scripts import an app only through this file).
export { AnalyticsConfig } from './analytics.config';
export { AnalyticsModule } from './analytics.module';
// The read model the benchmarks fold in process (bench/analytics, bench/privacy).
export { AnalyticsModel } from './model/analytics-model';
