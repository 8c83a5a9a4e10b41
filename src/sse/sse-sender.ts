import { HttpException } from '../common/exceptions.js';
import { Logger } from '../common/logger.js';
import { describeThrown, isInstance } from '../common/describe.js';
import { Errors } from '../errors.js';
import type { Response } from '../common/interfaces.js';
import type { HttpExecutionContext } from '../http/execution-context.js';
import type { Sender } from '../http/route-pipeline.js';
import { isAsyncIterable, isObservableLike, isWebReadable, type ObservableLike } from '../common/stream-detection.js';
import { isAttachable, SSE_ATTACH, type SseAttachable } from './attachable.js';
import { EncodedEvent } from './encoded-event.js';
import type { SSEMessageEvent } from './message-event.js';
import type { SseLimits } from './options.js';
import type { SseRuntime } from './runtime.js';
import { SseSession } from './session.js';
import { declaresCheck, SSE_EVENT_CHECK, type EventCheck } from './contract/event-check.js';

const logger = new Logger('SSE');

/**
 * The sender of an `@Sse` route, built once per route. It checks what the
 * handler returned before the stream starts (so a wrong value is a plain 500),
 * then attaches the source's session to the connection (a stream or a hub
 * subscription has one already; for other sources it is made here) and
 * connects the source to it. With `check` (a route whose contract validates),
 * what the route's sources yield is checked event by event, and a
 * `getSSEStream()` it returns must check its own writes against the same
 * contract; the writer is chosen here, so a route without one pays nothing.
 */
export function createSseSender(
  runtime: SseRuntime,
  limits: SseLimits,
  handlerName: string,
  options: { numberIds?: boolean; check?: EventCheck; route?: string } = {},
): Sender {
  const check = options.check;
  const write = check === undefined ? writeItem : checkedWriter(check);
  const route = options.route ?? handlerName;
  return (ctx: HttpExecutionContext, result: unknown) => {
    if (isAttachable(result)) {
      if (check !== undefined) requireCheckedStream(result, check, handlerName);
      const session = result[SSE_ATTACH]();
      if (session.opening) return openWhenReady(runtime, session, session.opening, ctx.response, limits, route);
      runtime.attach(session, ctx.response, limits, route);
      return;
    }
    const pump = pumpFor(result, options.numberIds === true, write);
    if (!pump) throw Errors.SSE_RESULT(handlerName, describe(result));
    const session = new SseSession();
    runtime.attach(session, ctx.response, limits, route);
    try {
      pump(session);
    } catch (error) {
      // The stream has started (an Observable's subscribe threw, say): report it on the stream.
      failStream(session, error);
    }
  };
}

/**
 * On a validating route, a `getSSEStream()` stream must already check its
 * writes against the route's contract: those written before the handler
 * returned are encoded and queued, past checking here. One that does not is
 * refused (a 500) and ended, so its `cancel` stops whatever feeds it. A hub
 * subscription carries events checked (or not) where they were published.
 */
function requireCheckedStream(result: SseAttachable, check: EventCheck, handlerName: string): void {
  if (!declaresCheck(result)) return;
  const own = result[SSE_EVENT_CHECK]();
  if (own !== undefined && own.contract === check.contract) {
    // Its later errors name the route, as the route's own do.
    own.where = check.where;
    return;
  }
  const session = result[SSE_ATTACH]();
  // One that already answers another request is left alone (it is refused as such anyway).
  if (!session.attached) session.close('error');
  throw Errors.SSE_CONTRACT_MISMATCH(
    handlerName,
    own === undefined ? 'a getSSEStream() stream made without validating a contract' : 'a getSSEStream() stream checked against another contract',
  );
}

/**
 * A hub subscription whose channels are not read yet opens once they are. A
 * client that leaves meanwhile ends the session at once, so its subscription
 * lets go of the channels without waiting for them.
 */
async function openWhenReady(
  runtime: SseRuntime,
  session: SseSession,
  ready: Promise<void>,
  response: Response,
  limits: SseLimits,
  route: string,
): Promise<void> {
  const left = () => session.disconnected();
  response.once('close', left);
  try {
    await ready;
  } finally {
    response.off('close', left);
  }
  runtime.attach(session, response, limits, route);
}

type Pump = (session: SseSession) => void;
/** How a pump writes one item it was given: `writeItem`, or, on a validating route, the same after the contract's check. */
type ItemWriter = (session: SseSession, item: unknown) => boolean;

function pumpFor(result: unknown, numberIds: boolean, write: ItemWriter): Pump | undefined {
  if (isObservableLike(result)) return (session) => pumpObservable(session, result as ObservableLike<SSEMessageEvent>, numberIds, write);
  if (isWebReadable(result)) return (session) => void pumpReader(session, result.getReader(), write);
  if (isAsyncIterable(result)) return (session) => void pumpIterator(session, (result as AsyncIterable<SSEMessageEvent>)[Symbol.asyncIterator](), write);
  return undefined;
}

/** Ends a stream that failed after it started: log, tell the client with a safe message, end. */
export function failStream(session: SseSession, error: unknown): void {
  if (!session.isOpen) return;
  const http = isInstance(error, HttpException);
  const safe = http ? error.message : 'Internal server error';
  if (!http) {
    const { message, stack } = describeThrown(error);
    logger.error(`SSE source failed: ${message}`, stack);
  }
  session.write({ event: 'error', data: { message: safe } });
  session.close('error');
}

/** Writes an event, or a raw chunk of bytes/text from a plain stream. Encoding errors end the stream. */
function writeItem(session: SseSession, item: unknown): boolean {
  if (typeof item === 'string') return session.send(EncodedEvent.of(item));
  // A copy: the source may reuse its buffer once it has handed it over.
  if (item instanceof Uint8Array) return session.send(new EncodedEvent(Buffer.from(item)));
  return session.write(item as SSEMessageEvent);
}

/** `writeItem` behind a contract's check: an event that breaks it throws (ending the stream), and raw text or bytes cannot be checked. */
function checkedWriter(check: EventCheck): ItemWriter {
  return (session, item) => {
    if (typeof item === 'string' || item instanceof Uint8Array)
      throw Errors.SSE_EVENT_INVALID(
        check.where,
        undefined,
        'raw text or bytes cannot be checked against an event contract: yield event objects { event, data }',
      );
    check.check(item);
    return session.write(item as SSEMessageEvent);
  };
}

/**
 * With `numberIds` (nestCompatible), an event without an `id` gets the next
 * number of this stream, 1, 2, 3…, as NestJS numbers them.
 */
function pumpObservable(session: SseSession, observable: ObservableLike<SSEMessageEvent>, numberIds: boolean, write: ItemWriter): void {
  let done = false;
  let lastId = 0;
  const subscription = observable.subscribe({
    next: (event) => {
      try {
        if (numberIds && typeof event === 'object' && event !== null && (event.id === undefined || event.id === '')) event = { ...event, id: String(++lastId) };
        write(session, event);
      } catch (error) {
        failStream(session, error);
      }
    },
    error: (error) => failStream(session, error),
    complete: () => session.close('end'),
  });
  const unsubscribe = () => {
    if (done) return;
    done = true;
    if (typeof subscription === 'function') subscription();
    else if (typeof subscription?.unsubscribe === 'function') subscription.unsubscribe();
  };
  if (!session.isOpen) unsubscribe();
  else session.onClose(unsubscribe);
}

async function pumpIterator(session: SseSession, iterator: AsyncIterator<unknown>, write: ItemWriter): Promise<void> {
  session.onClose(() => {
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  });
  try {
    while (session.isOpen) {
      const step = await iterator.next();
      if (step.done || !session.isOpen) break;
      if (!write(session, step.value)) await session.drained();
    }
    session.close('end');
  } catch (error) {
    failStream(session, error);
  }
}

async function pumpReader(session: SseSession, reader: ReadableStreamDefaultReader<unknown>, write: ItemWriter): Promise<void> {
  session.onClose(() => {
    void Promise.resolve(reader.cancel()).catch(() => undefined);
  });
  try {
    while (session.isOpen) {
      const { done, value } = await reader.read();
      if (done || !session.isOpen) break;
      if (!write(session, value)) await session.drained();
    }
    session.close('end');
  } catch (error) {
    failStream(session, error);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return typeof value;
}
