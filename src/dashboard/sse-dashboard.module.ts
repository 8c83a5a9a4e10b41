import { Controller } from '../common/controller.decorator.js';
import { UseGuards, type Enhancer } from '../common/enhancer.decorators.js';
import { Inject } from '../common/injectable.decorator.js';
import type { CanActivate, ExecutionContext, Request } from '../common/interfaces.js';
import { Module } from '../common/module.decorator.js';
import { Get, Header } from '../common/route.decorators.js';
import type { DynamicModule, Type } from '../common/types.js';
import { printable } from '../common/describe.js';
import { Errors } from '../errors.js';
import { SseHub } from '../sse/hub/hub.js';
import { SseInsights } from '../sse/monitor/sse-insights.js';
import { Sse } from '../sse/sse.decorator.js';
import { getSSEStream } from '../sse/stream.js';
import { DASHBOARD_PAGE } from './dashboard-page.js';
import { DashboardSampler } from './dashboard-sampler.js';

export interface SseDashboardOptions {
  /** Where the page is served; its stream is at `<path>/stream`. Default '/_sse'. */
  path?: string;
  /**
   * Guards of both routes, as `@UseGuards()` takes them. The dashboard shows
   * channel names, clients' addresses and traffic: put it behind one (the
   * doctor warns, SN_WARN_SSE_DASHBOARD_OPEN, when it has neither guards nor `allow`).
   */
  guards?: Enhancer<CanActivate>[];
  /** A check of the request, for the simple cases: true lets it in, false answers 403. */
  allow?: (request: Request) => boolean | Promise<boolean>;
  /** Milliseconds between samples. Default 1 000. */
  intervalMs?: number;
  /** Minutes the charts span. Default 5. */
  historyMinutes?: number;
  /** Rows of the channel and slow-client tables. Default 10. */
  rows?: number;
}

/**
 * A live dashboard of the app's SSE streams (streamnest/dashboard), off
 * unless imported: connections, events per second and slow-client drops over
 * the last minutes, the busiest channels, the slowest clients, and the SSE
 * doctor's warnings. The page is one self-contained HTML document; it
 * updates from a stream of snapshots, itself an SSE route of the app.
 */
@Module({})
export class SseDashboardModule {
  static forRoot(options: SseDashboardOptions = {}): DynamicModule {
    const where = 'SseDashboardModule.forRoot()';
    const path = (options.path ?? '/_sse').replace(/\/+$/, '');
    if (!path.startsWith('/')) throw Errors.INVALID_ARGUMENT(where, "path must start with '/' and not be the root", printable(options.path));
    const intervalMs = positiveInteger(where, 'intervalMs', options.intervalMs ?? 1_000);
    const historyMinutes = positiveInteger(where, 'historyMinutes', options.historyMinutes ?? 5);
    const rows = positiveInteger(where, 'rows', options.rows ?? 10);
    if (options.allow !== undefined && typeof options.allow !== 'function')
      throw Errors.INVALID_ARGUMENT(where, 'allow must be a function (request) => boolean', printable(options.allow));
    const guards = [...(options.guards ?? []), ...(options.allow ? [allowGuard(options.allow)] : [])];
    const sampler = {
      provide: DashboardSampler,
      useFactory: (insights: SseInsights, hub: SseHub | undefined) => {
        insights.dashboards.push({ path, guarded: guards.length > 0 });
        return new DashboardSampler(insights, hub, { intervalMs, historySize: Math.max(2, Math.ceil((historyMinutes * 60_000) / intervalMs)), rows });
      },
      inject: [SseInsights, { token: SseHub, optional: true }],
    };
    return { module: SseDashboardModule, providers: [sampler], controllers: [dashboardController(path, guards)] };
  }
}

function positiveInteger(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw Errors.INVALID_ARGUMENT(where, `${name} must be a positive integer`, printable(value));
  return value;
}

function allowGuard(allow: NonNullable<SseDashboardOptions['allow']>): CanActivate {
  return { canActivate: (context: ExecutionContext) => allow(context.switchToHttp().getRequest<Request>()) };
}

function dashboardController(path: string, guards: Enhancer<CanActivate>[]): Type {
  @Controller()
  class SseDashboardController {
    constructor(@Inject(DashboardSampler) private readonly sampler: DashboardSampler) {}

    @Get(path)
    @Header('Content-Type', 'text/html; charset=utf-8')
    @Header('Cache-Control', 'no-store')
    @Header('Content-Security-Policy', "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'")
    page() {
      return DASHBOARD_PAGE;
    }

    @Get(`${path}/stream`)
    @Sse()
    stream() {
      let stop: (() => void) | undefined;
      const { write, body } = getSSEStream({ cancel: () => stop?.() });
      stop = this.sampler.watch((snapshot) => write({ event: 'snapshot', data: snapshot }));
      return body;
    }
  }
  if (guards.length > 0) UseGuards(...guards)(SseDashboardController);
  return SseDashboardController;
}
