// The first-party modules cost nothing to an app that does not import them:
// importing `streamnest` and running an app with an SSE route and a plain
// route loads none of their libraries. The CommonJS build shows what was
// loaded in require.cache, so the check runs there, in a fresh process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
// (cookie and cookie-signature are not here: the core's Express-style `res.cookie(name, value, { signed })` uses them.)
const LIBRARIES = ['busboy', 'lru-cache', 'croner', 'jsonwebtoken', 'ejs', 'handlebars', '@nats-io'];

function script(extra: string): string {
  return `
const { Controller, Get, Module, NestFactory, Sse, getSSEStream } = require('streamnest');
${extra}
const libraries = ${JSON.stringify(LIBRARIES)};
const loaded = () => libraries.filter((name) => Object.keys(require.cache).some((file) => file.includes('/node_modules/' + name + '/')));
class Pages { hello() { return 'hi'; } events() { return getSSEStream().body; } }
Get('hello')(Pages.prototype, 'hello', Object.getOwnPropertyDescriptor(Pages.prototype, 'hello'));
Get('events')(Pages.prototype, 'events', Object.getOwnPropertyDescriptor(Pages.prototype, 'events'));
Sse()(Pages.prototype, 'events', Object.getOwnPropertyDescriptor(Pages.prototype, 'events'));
Controller()(Pages);
class AppModule {} Module({ controllers: [Pages] })(AppModule);
(async () => {
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  await (await fetch(app.getUrl() + '/hello')).text();
  console.log(JSON.stringify(loaded()));
  await app.close();
})();
`;
}

async function librariesLoaded(extra = ''): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script(extra)], { cwd: repo });
  return JSON.parse(stdout);
}

test('an app that imports no module loads none of their libraries', async () => {
  assert.deepEqual(await librariesLoaded(), []);
});

test('the check sees a library once its module is imported (so the first test can fail)', async () => {
  const loaded = await librariesLoaded("require('streamnest/upload'); require('streamnest/schedule');");
  assert.ok(loaded.includes('busboy') && loaded.includes('croner'), `loaded: ${loaded.join(', ')}`);
});
