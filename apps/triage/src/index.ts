// The public entry point of the triage service for tools outside apps/ (the import-boundary rule in
// eslint.config.mjs lets bench, tools and scripts import an app only through this file).
export { TriageConfig } from './triage.config';
export { TriageModule } from './triage.module';
// The domain, read models and suggestion code the benchmarks measure in process (bench/triage, bench/audit, bench/privacy).
export { openCasesFold } from './audit/open-cases.fold';
export { callerRefOf, CallersStore } from './callers/callers.store';
export { effectivePriority, isOpen, triageCaseDecider, type TriageCase, type TriageCaseState, type TriageCommand } from './case/triage-case.decider';
export { ReporterErasure } from './erasure/reporter-erasure';
export { QUEUE_SNAPSHOT_COLLECTION } from './queue/triage-queue';
export { asLabelledReport, readCorpus } from './suggestions/corpus';
export { loadSuggestionModel, suggestClassification, trainSuggestionModel, type LabelledReport } from './suggestions';
