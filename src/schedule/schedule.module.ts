import { Module } from '../common/module.decorator.js';
import type { DynamicModule } from '../common/types.js';
import { ScheduleExplorer } from './schedule.explorer.js';
import { SCHEDULE_MODULE_OPTIONS, type ScheduleModuleOptions } from './schedule-options.js';
import { SchedulerRegistry } from './scheduler.registry.js';

/** Runs the application's @Cron(), @Interval() and @Timeout() methods, and provides SchedulerRegistry everywhere. */
@Module({})
export class ScheduleModule {
  static forRoot(options: ScheduleModuleOptions = {}): DynamicModule {
    return {
      module: ScheduleModule,
      global: true,
      providers: [{ provide: SCHEDULE_MODULE_OPTIONS, useValue: options ?? {} }, SchedulerRegistry, ScheduleExplorer],
      exports: [SchedulerRegistry],
    };
  }
}
