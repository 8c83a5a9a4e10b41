// A private feed in a real browser: the session cookie authorizes the EventSource
// (it cannot send headers), each user hears only their own channel, and the
// page acts on `expired` when the authorization runs out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Get, Headers, LastEventId, Param, Res, Sse, SseHub, SseModule, UnauthorizedException } from 'streamnest';
import { BLANK_PATH, eventually, launchChromium, newPage, startApp } from './browser.js';

/** How long a login authorizes the stream, in ms: long enough to set up both pages, short for the test. */
const AUTHORIZED_FOR = 5000;

/** Stands in for a real session: `user.expiresAt`, set by /login. The framework's signed cookies replace it in apps. */
function sessionOf(cookieHeader: string | undefined): { user: string; expiresAt: number } {
  const match = /(?:^|;\s*)session=(\d+)\.(\d+)/.exec(cookieHeader ?? '');
  if (!match) throw new UnauthorizedException('Log in first');
  return { user: match[1]!, expiresAt: Number(match[2]) };
}

@Controller()
class PrivateController {
  constructor(private readonly hub: SseHub) {}

  @Get('/login/:user/:ms')
  login(@Param('user') user: string, @Param('ms') ms: string, @Res({ passthrough: true }) res: { cookie(n: string, v: string, o: object): void }) {
    res.cookie('session', `${user}.${Date.now() + Number(ms)}`, { httpOnly: true, sameSite: 'lax', path: '/' });
    return { ok: true };
  }

  @Get('/me/events')
  @Sse({ heartbeat: false })
  events(@Headers('cookie') cookie: string | undefined, @LastEventId() lastEventId?: string) {
    const { user, expiresAt } = sessionOf(cookie);
    return this.hub.subscribe(`user:${user}`, { allow: [`user:${user}`], expiresAt, lastEventId });
  }
}

test('Chromium: a cookie authorizes the stream, each user hears only their own events, and the page acts on `expired`', async (t) => {
  const started = await startApp({ imports: [SseModule.forRoot()], controllers: [PrivateController] });
  t.after(started.close);
  const hub = started.app.get(SseHub);
  const browser = await launchChromium(t);
  // Two users, two browser contexts (two cookie jars).
  const users = await Promise.all(
    ['1', '2'].map(async (user) => {
      const { page } = await newPage(t, browser);
      await page.goto(`${started.url}/login/${user}/${AUTHORIZED_FOR}`);
      await page.goto(started.url + BLANK_PATH);
      await page.evaluate(() => {
        const w = window as any;
        w.got = [];
        w.expired = false;
        w.source = new EventSource('/me/events');
        w.source.onmessage = (e: MessageEvent) => w.got.push(e.data);
        // The app's answer to `expired`: stop this EventSource (a new login would open another).
        w.source.addEventListener('expired', () => {
          w.expired = true;
          w.source.close();
        });
      });
      return { user, page };
    }),
  );
  await eventually(() => hub.stats().subscribers === 2, 3000, 'both users subscribed');
  for (let i = 1; i <= 3; i++) for (const user of ['1', '2']) await hub.publish(`user:${user}`, { data: `for ${user}: ${i}` });
  for (const { user, page } of users) {
    await page.waitForFunction(() => (window as any).got.length >= 3, undefined, { timeout: 5000 });
    const got = (await page.evaluate(() => (window as any).got)) as string[];
    assert.deepEqual(
      got,
      [1, 2, 3].map((i) => `for ${user}: ${i}`),
      `user ${user} heard only their own events`,
    );
    const cookieVisible = await page.evaluate(() => document.cookie);
    assert.equal(cookieVisible, '', 'the HttpOnly session cookie is not readable from the page');
  }
  // The authorization runs out while the streams are open.
  for (const { page } of users) await page.waitForFunction(() => (window as any).expired === true, undefined, { timeout: AUTHORIZED_FOR + 3000 });
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(hub.stats().subscribers, 0, 'both streams ended');
});
