import { Logger } from '../common/logger.js';
import { describeThrown } from '../common/describe.js';

/** What is left of one turn's budget. A task takes one unit per piece of work. */
export interface Slice {
  left: number;
}

/** Work that can be done a piece at a time: a session's flush, a channel's fan-out. */
export interface SlicedTask {
  /** Does work while `slice.left > 0`, taking one unit per piece; returns true when nothing is left to do. */
  run(slice: Slice): boolean;
}

/** Units of work per event-loop turn: each is at most one system call, so this bounds a turn's length. */
export const SLICE_UNITS = 1024;

const logger = new Logger('SSE');

/**
 * Runs queued tasks on the next turns of the event loop, at most `units` pieces
 * of work per turn, first come first served. A task that runs out of budget
 * goes to the back of the line, so one huge channel never starves the rest.
 * Deferring to the next turn also lets a burst of writes leave together.
 *
 * There is one per process (`scheduler`): the event loop is per process, and so
 * is the time a turn may take.
 */
export class SliceScheduler {
  private queue: SlicedTask[] = [];
  private head = 0;
  private scheduled = false;
  private readonly slice: Slice = { left: 0 };
  private readonly turn = () => this.runTurn();

  constructor(private readonly units = SLICE_UNITS) {}

  /** Queues a task. A task queues itself once, and again only after it has reported being done. */
  schedule(task: SlicedTask): void {
    this.queue.push(task);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.turn);
  }

  /** Tasks waiting, for stats and tests. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  private runTurn(): void {
    const slice = this.slice;
    slice.left = this.units;
    while (slice.left > 0 && this.head < this.queue.length) {
      const task = this.queue[this.head]!;
      this.queue[this.head++] = undefined!;
      if (!this.runTask(task, slice)) this.queue.push(task);
    }
    this.queue = this.head === this.queue.length ? [] : this.queue.slice(this.head);
    this.head = 0;
    if (this.queue.length > 0) setImmediate(this.turn);
    else this.scheduled = false;
  }

  /** One task's failure must neither stop the others nor wedge the queue: it is logged and dropped. */
  private runTask(task: SlicedTask, slice: Slice): boolean {
    try {
      return task.run(slice);
    } catch (error) {
      logger.error('a scheduled SSE task failed; the others go on', describeThrown(error).stack);
      return true;
    }
  }
}

/** The process's scheduler, shared by every app's sessions and every hub's fan-out. */
export const scheduler = new SliceScheduler();
