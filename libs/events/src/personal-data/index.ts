export * from './sealed';
export * from './key-store';
export * from './personal-data-vault';
export * from './reporter-data-erased.event';
export * from './dead-letter-payload';
