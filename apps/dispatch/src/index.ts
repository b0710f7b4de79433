// The public entry point of the dispatch service for tools outside apps/ (the import-boundary rule in
// eslint.config.mjs lets bench, tools and scripts import an app only through this file).
export { DispatchConfig } from './dispatch.config';
export { DispatchModule } from './dispatch.module';
