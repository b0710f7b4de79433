export * from './past-state-viewed.event';
export * from './event-timeline';
