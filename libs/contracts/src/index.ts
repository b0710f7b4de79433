export * from './errors';
export * from './reference-data';
export * from './proto';
export * from './intake/submit-report.dto';
export * from './priority-targets';
export * from './jurisdiction';
export * from './geo';
export * from './triage/triage.dto';
