import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { SSEMessageEvent } from 'streamnest';
import { encodeEvent } from 'streamnest/sse-protocol';

/** What a spec-following client must hand back for a sent string: CR and CRLF become LF, lone surrogates U+FFFD. */
function expected(data: string): string {
  return data.replace(/\r\n|\r/g, '\n').toWellFormed();
}

/** Cuts bytes at the given offsets, decodes them as a browser does (streaming UTF-8), and parses. */
function parse(bytes: Uint8Array, cuts: number[]) {
  const events: EventSourceMessage[] = [];
  const retries: number[] = [];
  const errors: unknown[] = [];
  const parser = createParser({
    onEvent: (e) => events.push(e),
    onRetry: (r) => retries.push(r),
    onError: (e) => errors.push(e),
    maxBufferSize: 64 * 1024 * 1024,
  });
  const decoder = new TextDecoder('utf-8');
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let start = 0;
  for (const point of [...points, bytes.length]) {
    parser.feed(decoder.decode(bytes.subarray(start, point), { stream: true }));
    start = point;
  }
  parser.feed(decoder.decode());
  return { events, retries, errors };
}

const tricky = fc.constantFrom('\r', '\n', '\r\n', '\0', '\u2028', '\u2029', '\u0085', ' ', '  ', ':', '\uD800', '\uDFFF', '😀', '\uFEFF', 'data: x', 'é', '');
const text = fc.array(fc.oneof(fc.string({ unit: 'grapheme' }), tricky, fc.string({ unit: 'binary' })), { maxLength: 12 }).map((parts) => parts.join(''));
const safeId = fc.string({ unit: 'grapheme-ascii', maxLength: 20 }).filter((s) => !/[\r\n\0]/.test(s));
const eventName = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !/[\r\n]/.test(s));

const message = fc.record(
  {
    data: fc.oneof(text, fc.jsonValue().filter((v) => v !== null && typeof v === 'object') as fc.Arbitrary<object>),
    id: fc.option(fc.oneof(safeId, fc.nat()), { nil: undefined }),
    event: fc.option(eventName, { nil: undefined }),
    retry: fc.option(fc.nat(), { nil: undefined }),
    comment: fc.option(text, { nil: undefined }),
  },
  { requiredKeys: ['data'] },
);

test('every event survives our encoder and a real parser, cut at random byte offsets', () => {
  fc.assert(
    fc.property(fc.array(message, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 30 }), (messages, cuts) => {
      const wire = messages.map((m) => encodeEvent(m as SSEMessageEvent)).join('');
      assert.ok(!wire.includes('\r'), 'the encoder never emits CR');
      const { events, retries, errors } = parse(new TextEncoder().encode(wire), cuts);
      assert.deepEqual(errors, []);
      assert.equal(events.length, messages.length);
      messages.forEach((sent, i) => {
        const got = events[i]!;
        const data = typeof sent.data === 'string' ? sent.data : JSON.stringify(sent.data);
        assert.equal(got.data, expected(data));
        // The parser reports an empty event name as undefined; both mean "message".
        assert.equal(got.event ?? '', sent.event === undefined ? '' : expected(sent.event));
        // The parser reports each block's own id; carrying it over is the EventSource's job (tested with a real client).
        assert.equal(got.id, sent.id === undefined ? undefined : String(sent.id));
      });
      assert.deepEqual(
        retries,
        messages.filter((m) => m.retry !== undefined).map((m) => m.retry),
      );
    }),
    { numRuns: 400 },
  );
});

test('a lone CR at a chunk boundary is not mistaken for a line end followed by an empty line', () => {
  // We never emit CR, so whatever the cut, a CR in the data comes back as one LF and nothing else.
  const wire = new TextEncoder().encode(encodeEvent({ data: 'a\rb\r\nc' }) + encodeEvent({ data: 'next' }));
  for (let cut = 0; cut <= wire.length; cut++) {
    const { events } = parse(wire, [cut]);
    assert.deepEqual(
      events.map((e) => e.data),
      ['a\nb\nc', 'next'],
    );
  }
});

test('lines of 1 MB, emoji, NUL and empty objects come back intact', () => {
  const big = 'x'.repeat(1024 * 1024);
  const samples: SSEMessageEvent[] = [{ data: big }, { data: `${big}\n${big}` }, { data: '😀\0\u2028' }, { data: {} }, { data: [] }, { data: '' }];
  const wire = new TextEncoder().encode(samples.map((s) => encodeEvent(s)).join(''));
  const { events, errors } = parse(wire, [1, 7, 1024 * 1024 + 3, wire.length - 2]);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    events.map((e) => e.data),
    [big, `${big}\n${big}`, '😀\0\u2028', '{}', '[]', ''],
  );
});
