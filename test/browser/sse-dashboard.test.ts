// streamnest/dashboard in Chromium: the page fills in from its own stream and
// its numbers move as clients come, events flow and slow clients fall behind;
// the SSE doctor's warnings are listed, and one of them is shown to be real
// (a stream labelled gzip that Chromium cannot read). A screenshot is taken;
// STREAMNEST_UPDATE_SCREENSHOTS=1 writes it to docs/images/sse-dashboard.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Controller, Get, Module, Param, Sse, SseHub, SseModule, type Middleware, type Request } from 'streamnest';
import { SseDashboardModule } from 'streamnest/dashboard';
import { openSse, type RawSse } from '../support/sse-reader.js';
import { eventually, launchChromium, startApp } from './browser.js';

@Controller()
class RoomsController {
  constructor(private readonly hub: SseHub) {}

  @Get('rooms/:room')
  @Sse()
  room(@Param('room') room: string) {
    return this.hub.subscribe(room);
  }

  /** Clients that may fall far behind before they are dropped: they stay on the slowest list. */
  @Get('firehose')
  @Sse({ maxBufferedBytes: 64 * 1024 * 1024 })
  firehose() {
    return this.hub.subscribe('firehose');
  }

  @Get('legacy/feed')
  @Sse()
  legacy() {
    return this.hub.subscribe('lobby');
  }
}

@Module({
  imports: [
    SseModule.forRoot(),
    SseDashboardModule.forRoot({ path: '/_sse', historyMinutes: 1, allow: (req: Request) => /(^|;\s*)admin=1/.test(req.headers.cookie ?? '') }),
  ],
  controllers: [RoomsController],
})
class DashboardAppModule {}

/** A compressor that ignores Cache-Control: no-transform: it labels every response under it gzip. */
const gzipEverything: Middleware = function gzip(_req, res, next) {
  const writeHead = res.writeHead;
  res.writeHead = function (this: typeof res, ...args: unknown[]) {
    this.setHeader('Content-Encoding', 'gzip');
    return (writeHead as (...a: unknown[]) => typeof res).apply(this, args);
  } as typeof res.writeHead;
  next();
};

/** Opens an SSE request that never reads a byte, as a stalled phone would. */
function stalled(url: string, path: string, sockets: net.Socket[]): void {
  const socket = net.connect({ port: Number(new URL(url).port), host: '127.0.0.1', localAddress: `127.0.0.${10 + sockets.length}` });
  socket.on('error', () => undefined);
  socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n`);
  socket.pause();
  sockets.push(socket);
}

const SCREENSHOT = fileURLToPath(new URL('../../../docs/images/sse-dashboard.png', import.meta.url));

test('the dashboard updates live in Chromium, lists the doctor warnings, and stays behind its allow() check', async (t) => {
  const started = await startApp(
    { imports: [DashboardAppModule] },
    {
      configure: (app) => {
        app.use('/legacy', gzipEverything);
      },
    },
  );
  t.after(started.close);
  const { app, url } = started;
  const hub = app.get(SseHub);

  // Without the cookie, neither the page nor its stream answers.
  assert.equal((await fetch(`${url}/_sse`)).status, 403);
  assert.equal((await fetch(`${url}/_sse/stream`, { headers: { accept: 'text/event-stream' } })).status, 403);

  const browser = await launchChromium(t);
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  t.after(() => context.close());
  await context.addCookies([{ name: 'admin', value: '1', url }]);
  const page = await context.newPage();
  await page.goto(`${url}/_sse`);
  const text = async (id: string) => (await page.locator(`#${id}`).textContent()) ?? '';
  await page.waitForFunction(() => document.getElementById('status')!.classList.contains('live'), undefined, { timeout: 8000 });
  await page.waitForFunction(() => document.getElementById('open')!.textContent === '1', undefined, { timeout: 8000 });
  assert.equal(await text('open'), '1', 'only the dashboard itself is streaming');

  // The doctor's warnings, as logged at listen().
  const codes = await page.locator('#warnings li').evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.code));
  assert.deepEqual(codes, ['SN_WARN_SSE_COMPRESSION', 'SN_WARN_SSE_HTTP1_ONLY']);
  assert.match((await page.locator('#warnings').textContent()) ?? '', /middleware gzip declares Content-Encoding on the event stream of GET \/legacy\/feed/);

  // What SN_WARN_SSE_COMPRESSION warns of: Chromium cannot read a stream labelled gzip, once events come.
  const ping = setInterval(() => void hub.publish('lobby', { data: 'ping' }), 100);
  t.after(() => clearInterval(ping));
  const broken = await page.evaluate(
    (path) =>
      new Promise<{ messages: number; errored: boolean }>((resolve) => {
        let messages = 0;
        const source = new EventSource(path);
        source.onmessage = () => messages++;
        source.onerror = () => {
          source.close();
          resolve({ messages, errored: true });
        };
        setTimeout(() => {
          source.close();
          resolve({ messages, errored: false });
        }, 4000);
      }),
    '/legacy/feed',
  );
  clearInterval(ping);
  assert.deepEqual(broken, { messages: 0, errored: true });

  // Traffic: readers on several rooms, events every 100 ms, and clients that never read.
  const readers: RawSse[] = [];
  const sockets: net.Socket[] = [];
  t.after(() => {
    for (const r of readers) r.close();
    for (const s of sockets) s.destroy();
  });
  const rooms = [
    'lobby',
    'lobby',
    'lobby',
    'lobby',
    'lobby',
    'lobby',
    'lobby',
    'lobby',
    'news',
    'news',
    'news',
    'news',
    'news',
    'sports',
    'sports',
    'sports',
    'weather',
    'weather',
  ];
  for (const room of rooms) readers.push(await openSse(`${url}/rooms/${room}`));
  for (let i = 0; i < 3; i++) stalled(url, '/rooms/video', sockets);
  for (let i = 0; i < 2; i++) stalled(url, '/firehose', sockets);
  await eventually(() => hub.stats().subscribers === rooms.length + 5, 8000, 'every client to subscribe');
  const big = 'v'.repeat(256 * 1024);
  let n = 0;
  const traffic = setInterval(() => {
    n++;
    for (let i = 0; i < 5; i++) void hub.publish('lobby', { data: { n, i } });
    void hub.publish('news', { event: 'headline', data: { n } });
    if (n % 2 === 0) void hub.publish('sports', { data: { n } });
    void hub.publish('video', { data: big });
    void hub.publish('firehose', { data: big });
  }, 100);
  t.after(() => clearInterval(traffic));

  // The numbers move as the traffic comes: streams, events per second, the tables, then the drops.
  await page.waitForFunction((expected) => Number(document.getElementById('open')!.textContent) >= expected, 1 + rooms.length + 2, { timeout: 10_000 });
  await page.waitForFunction(() => Number(document.getElementById('eps')!.textContent!.replace('k', '')) > 0, undefined, { timeout: 10_000 });
  await page.waitForFunction(() => document.querySelector('#channels tr td')?.textContent === 'lobby', undefined, { timeout: 10_000 });
  await page.waitForFunction(() => [...document.querySelectorAll('#slowest td')].some((td) => td.textContent === '/firehose'), undefined, { timeout: 15_000 });
  await page.waitForFunction(() => Number(document.getElementById('drops')!.textContent) >= 3, undefined, { timeout: 20_000 });
  const routes = (await page.locator('#routes').textContent()) ?? '';
  for (const route of ['/rooms/:room', '/firehose', '/_sse/stream']) assert.ok(routes.includes(route), `${route} in ${routes}`);
  // A few more samples, so the charts have a shape.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const points = await page.locator('#chart-eps polyline').getAttribute('points');
  assert.ok((points ?? '').split(' ').length >= 3, 'the events chart has points');

  const shot = join(tmpdir(), `sse-dashboard-${process.pid}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  assert.deepEqual([...readFileSync(shot).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
  if (process.env.STREAMNEST_UPDATE_SCREENSHOTS === '1') copyFileSync(shot, SCREENSHOT);
});
