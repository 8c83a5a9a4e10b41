import { Errors } from '../errors.js';
import type * as PromClientModule from 'prom-client';

export type PromClient = typeof PromClientModule;

/** prom-client is an optional peer, loaded when the metrics module starts (a `require()` in the CommonJS build). */
export async function loadPromClient(): Promise<PromClient> {
  try {
    const mod = (await import('prom-client')) as PromClient & { default?: PromClient };
    return mod.Registry ? mod : mod.default!;
  } catch {
    throw Errors.OPTIONAL_DEPENDENCY('SseMetricsModule (streamnest/metrics)', 'prom-client');
  }
}
