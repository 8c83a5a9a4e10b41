// Chromium keeps and sends back the cookies streamnest/cookies sets with its
// defaults, and page scripts cannot read the HttpOnly ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Get, Res, type ExpressResponse } from 'streamnest';
import { CookiesModule, SignedCookies, Cookies } from 'streamnest/cookies';
import { openBlankPage, startApp } from './browser.js';

@Controller('')
class LoginController {
  @Get('/login')
  login(@Res({ passthrough: true }) res: ExpressResponse) {
    res.cookie('session', 'user-7', { signed: true });
    res.cookie('visible', 'yes', { httpOnly: false });
    return { ok: true };
  }

  @Get('/whoami')
  whoami(@SignedCookies('session') session?: string, @Cookies('visible') visible?: string) {
    return { session: session ?? null, visible: visible ?? null };
  }
}

test('Chromium stores the signed session cookie with HttpOnly and SameSite=Lax, hides it from document.cookie, and sends it back', async (t) => {
  const started = await startApp({ imports: [CookiesModule.forRoot({ secret: 'browser secret' })], controllers: [LoginController] });
  t.after(started.close);
  const page = await openBlankPage(t, started);

  assert.deepEqual(await page.evaluate(() => fetch('/whoami').then((r) => r.json())), { session: null, visible: null });
  await page.evaluate(() => fetch('/login').then((r) => r.json()));

  const stored = await page.context().cookies(started.url);
  const session = stored.find((c) => c.name === 'session');
  assert.ok(session, `no session cookie stored: ${JSON.stringify(stored)}`);
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Lax');
  assert.equal(session.secure, false, 'plain HTTP: no Secure, or the browser would not keep it');
  assert.equal(session.path, '/');

  // A page script sees only the cookie set with httpOnly: false.
  assert.equal(await page.evaluate(() => document.cookie), 'visible=yes');
  // The browser sends both back, and the signature verifies.
  assert.deepEqual(await page.evaluate(() => fetch('/whoami').then((r) => r.json())), { session: 'user-7', visible: 'yes' });

  // A script that overwrites the signed cookie cannot forge it: it reads as absent.
  await page.context().addCookies([{ name: 'session', value: 's%3Auser-1.forged', url: started.url }]);
  assert.deepEqual(await page.evaluate(() => fetch('/whoami').then((r) => r.json())), { session: null, visible: 'yes' });
});
