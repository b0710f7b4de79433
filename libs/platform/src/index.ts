export * from './config';
export * from './tokens';
export * from './logging';
export * from './metrics';
export * from './health';
export * from './http-errors.filter';
export * from './platform.module';
export * from './bootstrap';
