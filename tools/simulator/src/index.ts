/** The simulator's data for other tools and the benches: its catalogue, PRNG, traffic, roster and history generators. */
export * from './traffic/catalogue';
export * from './traffic/generate';
export * from './traffic/history';
export * from './traffic/prng';
export * from './traffic/units';
