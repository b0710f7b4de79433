// The public entry point of the citizens' portal for tools outside apps/ (the import-boundary rule in
// eslint.config.mjs lets bench, tools and scripts import an app only through this file).
export { PortalConfig } from './portal.config';
export { PortalModule } from './portal.module';
// What bench/portal measures in process: a citizen's report checked and turned into intake's SubmitReport.
export { checkCitizenReport, toSubmitRequest } from './report/citizen-report';
