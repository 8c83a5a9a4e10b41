// The client's SSE parser against the rules of ../shared/SSE-SPEC.md (the WHATWG
// parsing steps), each input fed whole, split in two at every byte, and one byte
// at a time: a chunk boundary anywhere (inside CRLF, inside a UTF-8 character,
// inside a field name) must change nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEventParser } from '#internal/client/event-parser.js';

type Output = ['event', string, string, string] | ['id', string] | ['retry', number];

/** What the parser reports for `bytes` fed as `chunks`: events (id, type, data), id-only blocks, retries. */
function run(chunks: Uint8Array[], lastEventId = ''): Output[] {
  const out: Output[] = [];
  const feed = createEventParser(
    lastEventId,
    (id, type, data) => out.push(data === undefined ? ['id', id] : ['event', id, type, data]),
    (ms) => out.push(['retry', ms]),
  );
  for (const chunk of chunks) feed(chunk);
  return out;
}

function splits(bytes: Uint8Array): Array<{ how: string; chunks: Uint8Array[] }> {
  const ways = [{ how: 'whole', chunks: [bytes] }];
  for (let i = 1; i < bytes.length; i++) ways.push({ how: `split at byte ${i}`, chunks: [bytes.subarray(0, i), bytes.subarray(i)] });
  ways.push({ how: 'byte by byte', chunks: [...bytes].map((b) => Uint8Array.of(b)) });
  return ways;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

const CASES: Array<{ rule: string; input: string | Uint8Array; expect: Output[]; lastEventId?: string }> = [
  { rule: '1. LF ends lines', input: 'data: a\n\n', expect: [['event', '', 'message', 'a']] },
  { rule: '1. CRLF ends lines', input: 'data: a\r\n\r\n', expect: [['event', '', 'message', 'a']] },
  {
    rule: '1. a lone CR ends lines',
    input: 'data: a\r\rdata: b\r\r',
    expect: [
      ['event', '', 'message', 'a'],
      ['event', '', 'message', 'b'],
    ],
  },
  { rule: '1. CR then LF is one line end, not a blank line', input: 'data: a\r\ndata: b\r\n\r\n', expect: [['event', '', 'message', 'a\nb']] },
  {
    rule: '1. mixed line ends in one stream',
    input: 'id: 1\rdata: a\n\r\nid: 2\r\ndata: b\r\r',
    expect: [
      ['event', '1', 'message', 'a'],
      ['event', '2', 'message', 'b'],
    ],
  },
  { rule: '2. one leading BOM is dropped', input: Uint8Array.of(0xef, 0xbb, 0xbf, ...utf8('data: a\n\n')), expect: [['event', '', 'message', 'a']] },
  {
    rule: '2. a second BOM corrupts the first field name, so that event is lost',
    input: Uint8Array.of(0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, ...utf8('data: lost\n\ndata: kept\n\n')),
    expect: [
      ['id', ''],
      ['event', '', 'message', 'kept'],
    ],
  },
  { rule: '2. multi-byte characters survive any split', input: 'data: café ☕ 𝄞\n\n', expect: [['event', '', 'message', 'café ☕ 𝄞']] },
  {
    rule: '2. a charset parameter changes nothing: bytes are UTF-8',
    input: Uint8Array.of(...utf8('data: '), 0xe9, 0x0a, 0x0a),
    expect: [['event', '', 'message', '\ufffd']],
  },
  { rule: '3. data lines are joined with LF', input: 'data: a\ndata: b\ndata: c\n\n', expect: [['event', '', 'message', 'a\nb\nc']] },
  {
    rule: '3. U+2028, U+2029 and U+0085 are not line ends',
    input: 'data: a\u2028b\u2029c\u0085d\n\n',
    expect: [['event', '', 'message', 'a\u2028b\u2029c\u0085d']],
  },
  { rule: '4. at most one space after the colon is stripped', input: 'data:  x\n\n', expect: [['event', '', 'message', ' x']] },
  { rule: '4. no space after the colon is fine', input: 'data:x\n\n', expect: [['event', '', 'message', 'x']] },
  { rule: '4. a tab after the colon is kept', input: 'data:\tx\n\n', expect: [['event', '', 'message', '\tx']] },
  { rule: '5. `data:` alone gives an event with empty data', input: 'data:\n\n', expect: [['event', '', 'message', '']] },
  { rule: '5. `data` with no colon is a field with an empty value', input: 'data\n\n', expect: [['event', '', 'message', '']] },
  {
    rule: '5. a block with no data line dispatches no event',
    input: 'event: x\n\ndata: y\n\n',
    expect: [
      ['id', ''],
      ['event', '', 'message', 'y'],
    ],
  },
  { rule: '5. a data value of LF takes two data lines', input: 'data:\ndata:\n\n', expect: [['event', '', 'message', '\n']] },
  { rule: '6. an unfinished event at the end is dropped, and so is its id', input: 'data: a\n\nid: 9\ndata: b\n', expect: [['event', '', 'message', 'a']] },
  { rule: '7. an empty event name means message', input: 'event:\ndata: a\n\n', expect: [['event', '', 'message', 'a']] },
  { rule: '7. event names are case-sensitive and kept as sent', input: 'event: Progress\ndata: a\n\n', expect: [['event', '', 'Progress', 'a']] },
  {
    rule: '7. the event name does not carry over to the next event',
    input: 'event: x\ndata: a\n\ndata: b\n\n',
    expect: [
      ['event', '', 'x', 'a'],
      ['event', '', 'message', 'b'],
    ],
  },
  {
    rule: '8. an id with NUL is ignored',
    input: 'id: 1\ndata: a\n\nid: 2\0\ndata: b\n\n',
    expect: [
      ['event', '1', 'message', 'a'],
      ['event', '1', 'message', 'b'],
    ],
  },
  {
    rule: '8. `id:` empty resets the last id',
    input: 'id: 1\ndata: a\n\nid:\ndata: b\n\n',
    expect: [
      ['event', '1', 'message', 'a'],
      ['event', '', 'message', 'b'],
    ],
  },
  {
    rule: '8. the id carries over to later events without one',
    input: 'id: 7\ndata: a\n\ndata: b\n\n',
    expect: [
      ['event', '7', 'message', 'a'],
      ['event', '7', 'message', 'b'],
    ],
  },
  {
    rule: '8. an id-only block still sets the last id',
    input: 'id: 5\n\ndata: a\n\n',
    expect: [
      ['id', '5'],
      ['event', '5', 'message', 'a'],
    ],
  },
  { rule: '8. the last id from before (a reconnect) carries over', input: 'data: a\n\n', lastEventId: 'prev-3', expect: [['event', 'prev-3', 'message', 'a']] },
  { rule: '8. an id keeps its spaces but the first after the colon', input: 'id:  a b \ndata: x\n\n', expect: [['event', ' a b ', 'message', 'x']] },
  {
    rule: '9. retry in ASCII digits is read in base 10',
    input: 'retry: 2500\n\n',
    expect: [
      ['retry', 2500],
      ['id', ''],
    ],
  },
  { rule: '9. retry 0 is valid', input: 'retry: 0\n', expect: [['retry', 0]] },
  { rule: '9. anything else in retry is ignored', input: 'retry: 1.5\nretry: -1\nretry: 10x\nretry:\nretry: 1e3\nretry: \uff11\nretry: 0x10\n', expect: [] },
  { rule: '10. comments are ignored, heartbeats too', input: ': hello\n:\ndata: a\n: between\n\n', expect: [['event', '', 'message', 'a']] },
  { rule: '11. unknown and uppercase fields are ignored', input: 'Data: no\nfoo: bar\nDATA: no\ndata: yes\n\n', expect: [['event', '', 'message', 'yes']] },
  { rule: '11. a field named with a space is not data', input: 'data : x\n\n', expect: [['id', '']] },
  { rule: 'a colon in the value is kept', input: 'data: a: b:c\n\n', expect: [['event', '', 'message', 'a: b:c']] },
];

for (const { rule, input, expect, lastEventId } of CASES) {
  test(`parser: ${rule}`, () => {
    const bytes = typeof input === 'string' ? utf8(input) : input;
    for (const { how, chunks } of splits(bytes)) assert.deepEqual(run(chunks, lastEventId), expect, how);
  });
}

test('parser: the last id buffer persists across many events, and the blocks come in order', () => {
  const input = utf8('id: a\ndata: 1\n\ndata: 2\n\nid: b\n\ndata: 3\n\nevent: e\nid: c\ndata: 4\n\n');
  for (const { how, chunks } of splits(input)) {
    assert.deepEqual(
      run(chunks),
      [
        ['event', 'a', 'message', '1'],
        ['event', 'a', 'message', '2'],
        ['id', 'b'],
        ['event', 'b', 'message', '3'],
        ['event', 'c', 'e', '4'],
      ],
      how,
    );
  }
});
