export * from './unit-capabilities';
export * from './recommend-units';
