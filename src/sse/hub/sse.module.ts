import { Controller } from '../../common/controller.decorator.js';
import { Inject } from '../../common/injectable.decorator.js';
import { Module } from '../../common/module.decorator.js';
import { Get } from '../../common/route.decorators.js';
import type { DynamicModule, Type } from '../../common/types.js';
import { SseHub } from './hub.js';
import { MemoryTransport, type MemoryTransportOptions } from './memory-transport.js';
import type { SseTransport } from './transport.js';
import type { HubOptions } from './hub-options.js';

export interface SseModuleOptions extends HubOptions {
  /** Where events are stored and shared: the embedded MemoryTransport by default, or `new RedisStreamsTransport(...)`. */
  transport?: SseTransport;
  /** History limits of the default memory transport. */
  history?: MemoryTransportOptions;
  /** Serve `hub.stats()` as JSON at this path (opt-in, e.g. '/sse/stats'). */
  statsPath?: string;
}

/** Provides the injectable `SseHub`, everywhere (the module is global). */
@Module({})
export class SseModule {
  static forRoot(options: SseModuleOptions = {}): DynamicModule {
    const hubProvider = {
      provide: SseHub,
      useFactory: async () => {
        const hub = new SseHub(options.transport ?? new MemoryTransport(options.history), options);
        await hub.start();
        return hub;
      },
    };
    return {
      module: SseModule,
      global: true,
      providers: [hubProvider],
      exports: [SseHub],
      controllers: options.statsPath ? [statsController(options.statsPath)] : [],
    };
  }
}

function statsController(path: string): Type {
  @Controller()
  class SseStatsController {
    constructor(@Inject(SseHub) private readonly hub: SseHub) {}

    @Get(path)
    stats() {
      return this.hub.stats();
    }
  }
  return SseStatsController;
}
