export * from './errors';
export * from './reference-data';
export * from './proto';
export * from './intake/submit-report.dto';
