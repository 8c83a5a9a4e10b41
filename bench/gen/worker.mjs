// One load-generator process: holds up to ~15,000 SSE connections on raw `net`
// sockets, all from one source address, and counts events. Driven over IPC by
// gen/generator.mjs:
//
//   { id, cmd: 'connect', port, path, count, localAddress, batch, timeoutMs }
//        -> { held, errors, firstError }          opens `count` more streams
//   { id, doneId, cmd: 'arm', batch, expect, timeoutMs }  -> { armed: true } at once, then
//        { id: doneId, done: true, ... } when every open stream has received `expect`
//        events of that batch (or on timeout), with per-stream latencies
//   { id, cmd: 'close' }                          -> destroys every socket, exits
//
// Private channels (channels.mjs): `connect` may carry `users`, one id per
// stream to open (`count` is then their number), and a `path` with `{user}` in
// it, e.g. `/sse?user={user}`. Each stream then expects only its own user's
// events, numbered by that user (s=0, 1, …), at an unknown pace:
//
//   { id, cmd: 'flow-start', batch }   -> starts counting events of `batch`, per stream
//   { id, cmd: 'flow-count' }          -> { received } so far
//   { id, cmd: 'flow-end' }            -> { users, got, dead, outOfOrder, lats, first, last, cpuMs, wallMs }:
//                                         per stream its user and how many it got; the
//                                         publish-to-receive time of every event (µs)
//
// Every event the servers publish has data `t=<hrtime ns> b=<batch> s=<seq>`
// (possibly wrapped in quotes by a serializer). The receive time is taken once
// per socket read, on the same monotonic clock (process.hrtime.bigint()).
import net from 'node:net';

const conns = [];
let open = 0; // streams with a 200 text/event-stream response and no close yet
let errors = 0;
let firstError = '';
let armed = null; // { id, batch, expect, done, started, cpu, timer }
let flow = null; // { batch, received, outOfOrder, lats, first, last, started, cpu }

const RE = /t=(\d+) b=(\d+) s=(\d+)/;

function fail(c, why) {
  if (c.dead) return;
  c.dead = true;
  c.sock?.destroy();
  if (c.ok) open--;
  errors++;
  if (!firstError) firstError = why;
  c.settle?.();
  c.settle = null;
  if (armed && c.ok) checkDone();
}

function onEvent(c, block, now) {
  const m = RE.exec(block);
  if (m === null) return; // comments, heartbeats, greetings
  c.events++;
  if (flow !== null && Number(m[2]) === flow.batch) return onFlowEvent(c, m, now);
  if (armed === null || Number(m[2]) !== armed.batch) return;
  const seq = Number(m[3]);
  if (seq !== c.got) c.outOfOrder++;
  c.got++;
  if (c.got === 1) c.lat = Number(now - BigInt(m[1])) / 1e3; // µs
  c.last = now;
  if (c.got === armed.expect) {
    armed.done++;
    if (armed.done >= open) checkDone();
  } else if (c.got > armed.expect) armed.extra++;
}

/** One event of a private channel: its own sequence, so a gap, a repeat or a reorder shows. */
function onFlowEvent(c, m, now) {
  if (Number(m[3]) !== c.flowGot) flow.outOfOrder++;
  c.flowGot++;
  flow.received++;
  flow.lats.push(Math.round(Number(now - BigInt(m[1])) / 1e3));
  if (flow.first === 0n) flow.first = now;
  flow.last = now;
}

function feed(c, s, now) {
  c.ev += s;
  let i;
  while ((i = c.ev.indexOf('\n\n')) !== -1) {
    const block = c.ev.slice(0, i);
    c.ev = c.ev.slice(i + 2);
    onEvent(c, block, now);
  }
}

// A minimal chunked-transfer decoder: size line, data, CRLF, repeat.
function dechunk(c, s, now) {
  c.cbuf += s;
  for (;;) {
    if (c.cstate === 0) {
      const i = c.cbuf.indexOf('\r\n');
      if (i === -1) return;
      const size = parseInt(c.cbuf.slice(0, i), 16);
      c.cbuf = c.cbuf.slice(i + 2);
      if (!(size >= 0)) return fail(c, 'bad chunk size');
      if (size === 0) return fail(c, 'server ended the stream');
      c.remaining = size;
      c.cstate = 1;
    } else if (c.cstate === 1) {
      if (c.cbuf.length === 0) return;
      const take = Math.min(c.remaining, c.cbuf.length);
      feed(c, c.cbuf.slice(0, take), now);
      c.cbuf = c.cbuf.slice(take);
      c.remaining -= take;
      if (c.remaining !== 0) return;
      c.cstate = 2;
    } else {
      if (c.cbuf.length < 2) return;
      c.cbuf = c.cbuf.slice(2);
      c.cstate = 0;
    }
  }
}

function onData(c, s) {
  const now = process.hrtime.bigint();
  if (!c.ok) {
    c.hdr += s;
    const i = c.hdr.indexOf('\r\n\r\n');
    if (i === -1) return;
    const head = c.hdr.slice(0, i).toLowerCase();
    const rest = c.hdr.slice(i + 4);
    c.hdr = '';
    if (!head.startsWith('http/1.1 200')) return fail(c, `status: ${head.split('\r\n')[0]}`);
    if (!/\r\ncontent-type:\s*text\/event-stream/.test(head)) return fail(c, 'content-type is not text/event-stream');
    c.chunked = /\r\ntransfer-encoding:\s*chunked/.test(head);
    c.ok = true;
    open++;
    c.settle?.();
    c.settle = null;
    s = rest;
    if (s.length === 0) return;
  }
  if (c.chunked) dechunk(c, s, now);
  else feed(c, s, now);
}

function openOne(port, path, localAddress, timeoutMs, user) {
  return new Promise((resolve) => {
    const c = {
      user,
      flowGot: 0,
      sock: null,
      ok: false,
      dead: false,
      chunked: false,
      hdr: '',
      ev: '',
      cbuf: '',
      cstate: 0,
      remaining: 0,
      events: 0,
      got: 0,
      lat: -1,
      last: 0n,
      outOfOrder: 0,
      settle: null,
    };
    const timer = setTimeout(() => fail(c, 'no response headers in time'), timeoutMs);
    c.settle = () => {
      clearTimeout(timer);
      resolve();
    };
    const sock = net.connect({ port, host: '127.0.0.1', localAddress });
    c.sock = sock;
    conns.push(c);
    sock.setEncoding('latin1');
    sock.on('connect', () => {
      sock.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n`);
    });
    sock.on('data', (s) => onData(c, s));
    sock.on('error', (e) => fail(c, e.code ?? e.message));
    sock.on('close', () => fail(c, 'closed by server'));
  });
}

async function connect(m) {
  const before = errors;
  const start = Date.now();
  const count = m.users ? m.users.length : m.count;
  for (let done = 0; done < count; ) {
    const n = Math.min(m.batch, count - done);
    const batch = [];
    for (let i = 0; i < n; i++) {
      const user = m.users?.[done + i];
      const path = user === undefined ? m.path : m.path.replace('{user}', String(user));
      batch.push(openOne(m.port, path, m.localAddress, m.timeoutMs, user));
    }
    await Promise.all(batch);
    done += n;
  }
  return { held: open, errors: errors - before, totalErrors: errors, firstError, ms: Date.now() - start };
}

function checkDone() {
  if (armed === null) return;
  if (armed.done < open) return;
  finish(false);
}

function finish(timedOut) {
  const a = armed;
  if (a === null) return;
  armed = null;
  clearTimeout(a.timer);
  const cpu = process.cpuUsage(a.cpu);
  const wallMs = Number(process.hrtime.bigint() - a.started) / 1e6;
  const lats = [];
  let complete = 0,
    incomplete = 0,
    received = 0,
    last = 0n,
    outOfOrder = 0;
  for (const c of conns) {
    if (!c.ok) continue;
    received += c.got;
    outOfOrder += c.outOfOrder;
    if (c.dead) {
      if (c.got < a.expect) incomplete++;
      continue;
    }
    if (c.got === a.expect) complete++;
    else incomplete++;
    if (c.lat >= 0) lats.push(c.lat);
    if (c.last > last) last = c.last;
  }
  process.send({
    id: a.id,
    done: true,
    timedOut,
    complete,
    incomplete,
    received,
    extra: a.extra,
    outOfOrder,
    open,
    lats,
    last: String(last),
    cpuMs: (cpu.user + cpu.system) / 1e3,
    wallMs,
  });
}

process.on('message', async (m) => {
  try {
    if (m.cmd === 'connect') {
      process.send({ id: m.id, ...(await connect(m)) });
    } else if (m.cmd === 'arm') {
      for (const c of conns) {
        c.got = 0;
        c.lat = -1;
        c.last = 0n;
        c.outOfOrder = 0;
      }
      armed = { id: m.doneId, batch: m.batch, expect: m.expect, done: 0, extra: 0, started: process.hrtime.bigint(), cpu: process.cpuUsage(), timer: null };
      armed.timer = setTimeout(() => finish(true), m.timeoutMs);
      process.send({ id: m.id, armed: true });
      if (open === 0) finish(false);
    } else if (m.cmd === 'flow-start') {
      for (const c of conns) c.flowGot = 0;
      flow = { batch: m.batch, received: 0, outOfOrder: 0, lats: [], first: 0n, last: 0n, started: process.hrtime.bigint(), cpu: process.cpuUsage() };
      process.send({ id: m.id, started: true });
    } else if (m.cmd === 'flow-count') {
      process.send({ id: m.id, received: flow?.received ?? 0 });
    } else if (m.cmd === 'flow-end') {
      const f = flow;
      flow = null;
      const mine = conns.filter((c) => c.user !== undefined);
      const cpu = process.cpuUsage(f.cpu);
      process.send({
        id: m.id,
        users: mine.map((c) => c.user),
        got: mine.map((c) => c.flowGot),
        dead: mine.filter((c) => c.dead).length,
        received: f.received,
        outOfOrder: f.outOfOrder,
        lats: f.lats,
        first: String(f.first),
        last: String(f.last),
        cpuMs: (cpu.user + cpu.system) / 1e3,
        wallMs: Number(process.hrtime.bigint() - f.started) / 1e6,
      });
    } else if (m.cmd === 'stats') {
      process.send({ id: m.id, open, errors, firstError, events: conns.reduce((n, c) => n + c.events, 0) });
    } else if (m.cmd === 'close') {
      // A reset, not a FIN: the sockets leave no TIME_WAIT behind. Each is bound to this
      // worker's source address before it connects, so 10,000 of them in TIME_WAIT (60 s)
      // would hold ports the next scenario's worker on that address needs (EADDRINUSE).
      for (const c of conns) {
        c.dead = true;
        if (!c.sock.destroyed) c.sock.resetAndDestroy();
      }
      process.send({ id: m.id, closed: true }, () => process.exit(0));
    }
  } catch (error) {
    process.send({ id: m.id, error: String(error?.stack ?? error) });
  }
});
process.on('disconnect', () => process.exit(0));
