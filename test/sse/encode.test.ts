import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeEvent, encodeComment, SseFieldError } from 'streamnest/sse-protocol';

test('an object is JSON on one data line, with id, event and retry before it', () => {
  assert.equal(
    encodeEvent({ data: { hello: 'world' }, event: 'myEvent', id: 1, retry: 5000 }),
    'event: myEvent\nid: 1\nretry: 5000\ndata: {"hello":"world"}\n\n',
  );
});

test('data is split on CRLF, CR and LF into one data line each, ending in LF only', () => {
  assert.equal(encodeEvent({ data: 'a\r\nb\rc\nd' }), 'data: a\ndata: b\ndata: c\ndata: d\n\n');
});

test('an empty string gives "data:", and a lone newline two empty data lines', () => {
  assert.equal(encodeEvent({ data: '' }), 'data:\n\n');
  assert.equal(encodeEvent({ data: '\n' }), 'data:\ndata:\n\n');
});

test('U+2028, U+2029 and U+0085 are not line breaks in SSE and stay inside the line', () => {
  assert.equal(encodeEvent({ data: 'a\u2028b\u2029c\u0085d' }), 'data: a\u2028b\u2029c\u0085d\n\n');
});

test('a leading space survives: exactly one separator space is written', () => {
  assert.equal(encodeEvent({ data: '  two spaces' }), 'data:   two spaces\n\n');
});

test('retry: 0 is valid and written', () => {
  assert.equal(encodeEvent({ retry: 0 }), 'retry: 0\n\n');
});

test('comments are prefixed line by line with a colon', () => {
  assert.equal(encodeEvent({ comment: 'one\ntwo', data: 'x' }), ': one\n: two\ndata: x\n\n');
  assert.equal(encodeComment(), ':\n\n');
  assert.equal(encodeComment('a\r\nb'), ': a\n: b\n\n');
});

test('no output ever contains CR or starts with a BOM', () => {
  const text = encodeEvent({ data: '\r\r\n\n\r', comment: '\r', event: 'e', id: 'i' });
  assert.ok(!text.includes('\r'));
  assert.ok(!text.startsWith('\uFEFF'));
});

for (const [name, event, field] of [
  ['an id with LF', { id: 'a\nb', data: 'x' }, 'id'],
  ['an id with CR', { id: 'a\rb', data: 'x' }, 'id'],
  ['an id with NUL', { id: 'a\0b', data: 'x' }, 'id'],
  ['a NaN id', { id: Number.NaN, data: 'x' }, 'id'],
  ['an event with LF', { event: 'a\nb', data: 'x' }, 'event'],
  ['an event with CR', { event: 'a\rb', data: 'x' }, 'event'],
  ['a negative retry', { retry: -1, data: 'x' }, 'retry'],
  ['a fractional retry', { retry: 1.5, data: 'x' }, 'retry'],
  ['a string retry', { retry: '100' as unknown as number, data: 'x' }, 'retry'],
  ['an unserialisable data', { data: (() => 1) as unknown as object }, 'data'],
] as const) {
  test(`${name} is refused with a TypeError that names the field "${field}"`, () => {
    assert.throws(
      () => encodeEvent(event as never),
      (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.ok(error instanceof SseFieldError);
        assert.equal((error as SseFieldError).field, field);
        assert.match((error as Error).message, new RegExp(`"${field}"`));
        return true;
      },
    );
  });
}

test("NestJS's MessageEvent `type` names the event, as `event` does; `event` wins when both are given; a bad `type` is refused like a bad `event`", () => {
  assert.equal(encodeEvent({ type: 'ping', data: 'x' }), 'event: ping\ndata: x\n\n');
  assert.equal(encodeEvent({ type: 'ping', event: 'pong', data: 'x' }), 'event: pong\ndata: x\n\n');
  assert.throws(
    () => encodeEvent({ type: 'a\nb', data: 'x' }),
    (error: SseFieldError) => error.field === 'event',
  );
});
