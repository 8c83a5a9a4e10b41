import { isAttachable } from './sse-attach.js';
import { StreamableFile } from './streamable-file.js';
import { isAsyncIterable, isNodeReadable, isObservableLike, isPromiseLike, isWebReadable } from './stream-detection.js';

/**
 * True for a handler's result that is sent as a stream or is not a value yet:
 * a file, bytes, a Node or web stream, an Observable, an async iterable, an SSE
 * source, a promise. Interceptors that work on plain values (the class
 * serializer, the cache) leave these alone.
 */
export function isStreamedResult(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return (
    value instanceof StreamableFile ||
    value instanceof Uint8Array ||
    isNodeReadable(value) ||
    isWebReadable(value) ||
    isObservableLike(value) ||
    isAsyncIterable(value) ||
    isAttachable(value) ||
    isPromiseLike(value)
  );
}
