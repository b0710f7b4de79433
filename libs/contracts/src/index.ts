export * from './errors';
export * from './reference-data';
