import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LazyEmitter, LazyReadable } from '#internal/http/web/lazy-bases.js';

/**
 * The web engine's request and response make their emitter and stream state
 * only when used (src/http/web/lazy-bases.ts). They must then behave exactly
 * as Node's own classes, on Node, Deno and Bun alike.
 */

class Body extends LazyReadable {
  constructor(private readonly chunks: string[]) {
    super();
  }
  override _read(): void {
    const next = this.chunks.shift();
    this.push(next === undefined ? null : Buffer.from(next));
  }
}

class Emitter extends LazyEmitter {}

test('lazy readable: a Readable by its prototype, with no state until used', () => {
  const body = new Body(['a']);
  assert.ok(body instanceof Readable);
  assert.equal(Object.hasOwn(body, '_readableState'), false, 'nothing made by the constructor');
  assert.equal(body.readable, true);
  assert.equal(Object.hasOwn(body, '_readableState'), true, 'made on first use');
});

test('lazy readable: read to the end, with a listener added before the state was made', async () => {
  const body = new Body(['he', 'llo']);
  const events: string[] = [];
  body.on('close', () => events.push('close'));
  let text = '';
  for await (const chunk of body) text += chunk;
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(text, 'hello');
  assert.equal(body.readableEnded, true);
  assert.deepEqual(events, ['close']);
});

test('lazy readable: piped, and destroyed with an error its listener hears', async () => {
  const sink = new PassThrough();
  let piped = '';
  sink.on('data', (chunk) => {
    piped += chunk;
  });
  await pipeline(new Body(['x', 'y', 'z']), sink);
  assert.equal(piped, 'xyz');

  const broken = new Body(['never read']);
  const heard = new Promise<Error>((resolve) => broken.once('error', resolve));
  broken.destroy(new Error('cut'));
  assert.equal((await heard).message, 'cut');
  assert.equal(broken.destroyed, true);
});

test('lazy emitter: an EventEmitter by its prototype; listeners, once, removal and an unheard error as Node has them', () => {
  const emitter = new Emitter();
  assert.ok(emitter instanceof EventEmitter);
  assert.equal(emitter.emit('close'), false, 'no listener table yet: nothing heard');
  assert.equal(emitter.listenerCount('close'), 0);
  const heard: string[] = [];
  emitter.once('close', () => heard.push('once'));
  const drain = () => heard.push('drain');
  emitter.on('drain', drain);
  assert.equal(emitter.emit('close'), true);
  assert.equal(emitter.emit('close'), false, 'once runs once');
  emitter.emit('drain');
  emitter.off('drain', drain);
  emitter.emit('drain');
  assert.deepEqual(heard, ['once', 'drain']);
  assert.throws(() => emitter.emit('error', new Error('unheard')), /unheard/);
});
