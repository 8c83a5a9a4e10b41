import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { setOwn } from '../prototype-methods.js';

/**
 * Base classes for the web engine's request and response: Node's
 * `EventEmitter` and `Readable` with their state made on first use. A plain
 * GET never listens to its request or response nor reads a body, and making
 * that state is a good part of the engine's cost per request on Deno and Bun.
 * So these constructors make nothing, instances are emitters and Readables by
 * their prototype (`instanceof` holds), and:
 *
 * - an emitter's listener table is made by the first `on`/`once`, as Node's
 *   own methods do for an emitter without one (checked on Node, Deno, Bun);
 * - a Readable's state is made by the first read of `_readableState` (where
 *   every Readable method starts), which runs Readable's own constructor on
 *   the instance, as its subclasses always have: Node's, Deno's and Bun's
 *   `Readable` are plain functions, and it keeps listeners already added.
 */
export const LazyEmitter = lazyBase(EventEmitter, {});

export const LazyReadable = lazyBase(Readable, {
  _readableState: {
    configurable: true,
    get(this: Readable) {
      // Readable's constructor assigns `_readableState`, which the setter below turns into the instance's own property.
      (Readable as unknown as (this: Readable) => void).call(this);
      return (this as unknown as { _readableState: unknown })._readableState;
    },
    set(this: Readable, value: unknown) {
      setOwn(this, '_readableState', value);
    },
  },
});

/** A constructor that does nothing, whose instances inherit `base`'s prototype plus `extra`. */
function lazyBase<T extends abstract new (...args: never[]) => unknown>(base: T, extra: PropertyDescriptorMap): T {
  const Lazy = function LazyBase() {} as unknown as T;
  Lazy.prototype = Object.create(base.prototype, { constructor: { value: Lazy, writable: true, configurable: true }, ...extra });
  Object.setPrototypeOf(Lazy, base);
  return Lazy;
}
