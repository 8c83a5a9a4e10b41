import type { SseWarning } from '../../warnings.js';
import type { SseRuntime, SseStats } from '../runtime.js';
import { SseMonitor } from './sse-monitor.js';

/** A page of the SSE dashboard, as the doctor checks it. */
export interface DashboardMount {
  path: string;
  guarded: boolean;
}

/**
 * What one application knows about its own streams, injectable like
 * `HttpAdapterHost` (a platform value, one per app): the runtime's counters,
 * the monitor metrics and the dashboard share, and the doctor's warnings.
 * Nothing is metered until something asks for `monitor()`.
 */
export class SseInsights {
  private runtime: SseRuntime | undefined;
  private monitorRef: SseMonitor | undefined;
  /** What the SSE doctor found when the app started listening (see docs/ERRORS.md, "Warnings"). */
  warnings: readonly SseWarning[] = [];
  /** Dashboards mounted in this app, for the doctor's check that each has a guard. */
  readonly dashboards: DashboardMount[] = [];

  /** The application hands over its runtime when it is made (an application context without HTTP has none). */
  bind(runtime: SseRuntime): void {
    this.runtime = runtime;
    if (this.monitorRef) runtime.monitorWith(this.monitorRef);
  }

  /** The app's SSE counters, or undefined in an application context without HTTP. */
  stats(): SseStats | undefined {
    return this.runtime?.stats();
  }

  /** The monitor, made (and the app's streams metered from then on) at the first call: at start-up, by the modules that need it. */
  monitor(): SseMonitor {
    if (!this.monitorRef) {
      this.monitorRef = new SseMonitor();
      this.runtime?.monitorWith(this.monitorRef);
    }
    return this.monitorRef;
  }
}
