// The public entry point of the triage service for tools outside apps/ (the import-boundary rule in
// eslint.config.mjs lets bench, tools and scripts import an app only through this file).
export { TriageConfig } from './triage.config';
export { TriageModule } from './triage.module';
