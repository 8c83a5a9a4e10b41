import type { InjectionToken } from '../common/types.js';
import { HttpAdapterHost } from '../http/http-adapter.js';

/**
 * What the platform gives every module beside DI's own providers: the HTTP
 * adapter's host, injectable before any server exists (the application sets
 * its adapter later). A new one per container: each application has its own.
 */
export function platformValues(): Array<readonly [InjectionToken, unknown]> {
  return [[HttpAdapterHost, new HttpAdapterHost()]];
}
