import { Logger, type LoggerService, type LogLevel } from '../common/logger.js';
import { describeThrown } from '../common/describe.js';
import { Errors } from '../errors.js';
import type { DynamicModule, InjectionToken, Type } from '../common/types.js';
import type { Container } from '../di/container.js';
import { callHook } from '../di/lifecycle.js';
import type { ModuleRefGetOptions } from '../di/module-ref.js';
import type { ContextId } from '../di/request-context.js';
import { guardFatalErrors } from './fatal-errors.js';

const DEFAULT_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/**
 * An application without HTTP: the container, the lifecycle hooks and the
 * shutdown policy. `NestFactory.createApplicationContext()` returns one, for
 * scripts, workers and CLIs; `NestApplication` and the testing module build on it.
 */
export class NestApplicationContext {
  protected readonly logger = new Logger('NestApplication');
  private initialised = false;
  private closing: Promise<void> | undefined;
  private readonly shutdownListeners = new Map<string, () => void>();
  private unguardFatalErrors: (() => void) | undefined;

  constructor(
    protected readonly container: Container,
    protected readonly shutdownTimeout = 10_000,
  ) {}

  /** Runs onModuleInit and onApplicationBootstrap, once. */
  async init(): Promise<this> {
    if (this.initialised) return this;
    this.initialised = true;
    await callHook(this.container, 'onModuleInit');
    await this.afterModuleInit();
    await callHook(this.container, 'onApplicationBootstrap');
    return this;
  }

  /** Between the two init hooks: where an HTTP application builds its routes. */
  protected async afterModuleInit(): Promise<void> {}

  /** A provider or controller by token: anywhere (the default, as in NestJS), or with `strict`, in the root module only; `each` gives every one. */
  get<T = any>(token: InjectionToken<T>, options?: ModuleRefGetOptions & { each?: false }): T;
  get<T = any>(token: InjectionToken<T>, options: ModuleRefGetOptions & { each: true }): T[];
  get<T = any>(token: InjectionToken<T>, options: ModuleRefGetOptions = {}): T | T[] {
    return this.rootRef().get(token, { strict: options.strict === true, each: options.each } as ModuleRefGetOptions & { each: true });
  }

  /** A scoped (request or transient) provider's instance in `contextId` (a new context when none); a singleton as it is. */
  resolve<T = any>(token: InjectionToken<T>, contextId?: ContextId, options?: ModuleRefGetOptions & { each?: false }): Promise<T>;
  resolve<T = any>(token: InjectionToken<T>, contextId: ContextId | undefined, options: ModuleRefGetOptions & { each: true }): Promise<T[]>;
  resolve<T = any>(token: InjectionToken<T>, contextId?: ContextId, options: ModuleRefGetOptions = {}): Promise<T | T[]> {
    return this.rootRef().resolve(token, contextId, { strict: options.strict === true, each: options.each } as ModuleRefGetOptions & { each: true });
  }

  /** Ties `request` to `contextId`, so REQUEST resolves to it there. */
  registerRequestByContextId<T extends object = any>(request: T, contextId: ContextId): void {
    this.rootRef().registerRequestByContextId(request, contextId);
  }

  private rootRef() {
    return this.container.moduleRef(this.container.root);
  }

  /** The view from one module: `app.select(CatsModule).get(CatsService, { strict: true })`. */
  select(module: Type | DynamicModule): { get<T = any>(token: InjectionToken<T>, options?: ModuleRefGetOptions & { each?: false }): T } {
    const type = typeof module === 'function' ? module : module.module;
    const node = this.container.modules.find((m) => m.metatype === type);
    if (!node) throw Errors.UNKNOWN_MODULE(type?.name ?? String(type));
    const ref = this.container.moduleRef(node);
    return { get: (token, options = { strict: true }) => ref.get(token, { ...options, each: false }) };
  }

  /** Replaces the logger, as `logger` in the options would have. */
  useLogger(logger: LoggerService | LogLevel[] | boolean): void {
    Logger.configure(logger);
  }

  /** Accepted for NestJS compatibility: logs are never buffered here. */
  flushLogs(): void {}

  /**
   * Closes the app on SIGTERM, SIGINT and SIGHUP (or the signals given), running
   * the shutdown hooks, then ends the process by the same signal.
   *
   * It also sets the policy for errors nobody caught (an `uncaughtException`,
   * or an `unhandledRejection` from a promise the app left floating): the error
   * is logged as fatal, the app closes gracefully (streams get their `retry:`
   * hint, so clients move to another instance), and the process exits with
   * code 1, as Node would have, minus the abrupt cut. If the app installs its
   * own listener for those events, that listener decides instead. The policy is
   * one for the whole process, whatever the number of apps: platform/fatal-errors.ts.
   */
  enableShutdownHooks(signals: readonly string[] = DEFAULT_SIGNALS): this {
    for (const signal of signals) {
      this.listenProcess(signal, () => {
        this.close(signal)
          .catch((error) => this.logger.error('shutdown failed', describeThrown(error).stack))
          .finally(() => process.kill(process.pid, signal));
      });
    }
    this.unguardFatalErrors ??= guardFatalErrors(this, this.shutdownTimeout);
    return this;
  }

  private listenProcess(signal: string, listener: () => void): void {
    if (this.shutdownListeners.has(signal)) return;
    this.shutdownListeners.set(signal, listener);
    process.on(signal, listener);
  }

  /** Shuts down once: whatever the application serves stops first, then onModuleDestroy, beforeApplicationShutdown and onApplicationShutdown. */
  close(signal?: string): Promise<void> {
    this.closing ??= this.shutdown(signal);
    return this.closing;
  }

  /** What stops before the shutdown hooks run: an HTTP application closes its server here. */
  protected async stopServing(): Promise<void> {}

  private async shutdown(signal?: string): Promise<void> {
    // Signals are not listened for while closing; fatal errors still are, until the end (a second one exits at once).
    for (const [name, listener] of this.shutdownListeners) process.off(name, listener);
    this.shutdownListeners.clear();
    try {
      await this.stopServing();
      await callHook(this.container, 'onModuleDestroy');
      await callHook(this.container, 'beforeApplicationShutdown', signal);
      await callHook(this.container, 'onApplicationShutdown', signal);
    } finally {
      this.unguardFatalErrors?.();
      this.unguardFatalErrors = undefined;
    }
  }
}
