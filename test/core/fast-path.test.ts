import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { Controller, Get, Param, Res, UseGuards, UseInterceptors } from 'streamnest';
import { startApp } from '../support/app.js';
import { call } from './support.js';

/**
 * A route with no guards, interceptors or pipes runs from the router to
 * res.end() with no Promise in between: a microtask queued by the handler
 * already finds the response ended. Any await on the way would let that
 * microtask run first.
 */
const seen: Record<string, boolean> = {};
function record(name: string, res: ServerResponse) {
  queueMicrotask(() => {
    seen[name] = res.writableEnded;
  });
}

@Controller('fast')
class FastController {
  @Get('plain/:id') plain(@Param('id') id: string, @Res({ passthrough: true }) res: ServerResponse) {
    record('plain', res);
    return { id };
  }
  @Get('guarded') @UseGuards({ canActivate: () => true }) guarded(@Res({ passthrough: true }) res: ServerResponse) {
    record('guarded', res);
    return 'g';
  }
  @Get('intercepted') @UseInterceptors({ intercept: (_c: unknown, next: { handle(): unknown }) => next.handle() }) intercepted(
    @Res({ passthrough: true }) res: ServerResponse,
  ) {
    record('intercepted', res);
    return 'i';
  }
}

test('a route with no enhancers answers synchronously (no Promise); one with a guard or an interceptor takes the async path', async (t) => {
  const { url, close } = await startApp({ controllers: [FastController] });
  t.after(close);
  assert.deepEqual((await call(`${url}/fast/plain/7`)).body, { id: '7' });
  await call(`${url}/fast/guarded`);
  await call(`${url}/fast/intercepted`);
  assert.deepEqual(seen, { plain: true, guarded: false, intercepted: false });
});
