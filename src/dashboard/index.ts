/// <reference types="node" preserve="true" />
/**
 * streamnest/dashboard: a live page of the app's SSE streams, off unless
 * imported: `SseDashboardModule.forRoot({ path: '/_sse', guards: [AdminGuard] })`.
 */
export { SseDashboardModule, type SseDashboardOptions } from './sse-dashboard.module.js';
export type { DashboardSnapshot, DashboardSample } from './dashboard-sampler.js';
