import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayEncodings } from '#internal/sse/hub/replay-encodings.js';
import { EncodedEvent } from '#internal/sse/encoded-event.js';

test('replay encodings: each id is encoded once while it is kept, and the cache stays within its bytes', () => {
  const cache = new ReplayEncodings(1000);
  let encodings = 0;
  const encode = (text: string) => () => {
    encodings++;
    return EncodedEvent.of(text);
  };
  const first = cache.get('1', encode('a'.repeat(400)));
  assert.equal(cache.get('1', encode('ignored')), first, 'the same bytes for the next client');
  cache.get('2', encode('b'.repeat(400)));
  cache.get('3', encode('c'.repeat(400)));
  assert.equal(encodings, 3);
  // 1,200 bytes passed the bound: the oldest, '1', went.
  cache.get('1', encode('a'.repeat(400)));
  assert.equal(encodings, 4);
  // An event larger than the whole cache is encoded but never kept.
  cache.get('big', encode('x'.repeat(5000)));
  cache.get('big', encode('x'.repeat(5000)));
  assert.equal(encodings, 6);
});
