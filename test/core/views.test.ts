// Views: app.setBaseViewsDir(), app.setViewEngine(), @Render() and res.render(), with real template files
// in a temp dir and real engines (ejs, handlebars), over real HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Module, NestFactory, Param, Render, Res, type ExpressResponse, type StreamnestError, type ViewEngine } from 'streamnest';
import { Views } from 'streamnest/views';
import { startApp } from '../support/app.js';
import { CaptureLogger, call } from './support.js';

/** A fresh views directory with these files; removed after the test. */
function viewsDir(t: { after(fn: () => void): void }, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'streamnest-views-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const XSS = '<script>alert(1)</script>';

@Controller()
class PagesController {
  @Get() @Render('index') index() {
    return { title: XSS, items: ['a', 'b'] };
  }
  @Get('nothing') @Render('plain') nothing() {
    return undefined;
  }
  @Get('missing') @Render('no-such-template') missing() {
    return {};
  }
  @Get('broken') @Render('broken') broken() {
    return {};
  }
  @Get('outside') @Render('../secret') outside() {
    return {};
  }
  @Get('by-name/:name') byName(@Param('name') name: string, @Res() res: ExpressResponse) {
    res.locals.who = 'locals';
    res.render(name, { title: 'given' });
  }
  @Get('callback') callback(@Res() res: ExpressResponse) {
    res.render('plain', (error, html) => {
      res.type('txt').send(error ? 'failed' : `got ${html!.trim()}`);
    });
  }
}

test('@Render with ejs: the handler result is the data, <%= %> escapes, include works, HEAD has no body', async (t) => {
  const dir = viewsDir(t, {
    'index.ejs': '<h1><%= title %></h1><%- include("partials/list", { items }) %>',
    'partials/list.ejs': '<ul><% for (const i of items) { %><li><%= i %></li><% } %></ul>',
    'plain.ejs': '<p>plain</p>',
  });
  const { url, close } = await startApp({ controllers: [PagesController] }, (app) => {
    app.setBaseViewsDir(dir);
    app.setViewEngine('ejs');
  });
  t.after(close);
  const page = await call(`${url}/`);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(page.text, '<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1><ul><li>a</li><li>b</li></ul>');
  assert.equal((await call(`${url}/nothing`)).text, '<p>plain</p>', 'no result: empty data');
  const head = await call(`${url}/`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
});

test('@Render with hbs (Handlebars): {{ }} escapes', async (t) => {
  const dir = viewsDir(t, { 'index.hbs': '<h1>{{title}}</h1>{{#each items}}<i>{{this}}</i>{{/each}}' });
  const { url, close } = await startApp({ controllers: [PagesController] }, (app) => {
    app.setBaseViewsDir([join(dir, 'first-missing'), dir]);
    app.setViewEngine('hbs');
  });
  t.after(close);
  const page = await call(`${url}/`);
  assert.equal(page.status, 200);
  assert.equal(page.text, '<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1><i>a</i><i>b</i>', 'the second views directory is searched too');
});

test('res.render: locals over res.locals, sent as HTML; with a callback, the HTML goes to it', async (t) => {
  const dir = viewsDir(t, { 'hello.ejs': '<%= title %> and <%= who %>', 'plain.ejs': '<p>plain</p>' });
  const { url, close } = await startApp({ controllers: [PagesController] }, (app) => {
    app.setBaseViewsDir(dir);
    app.setViewEngine('ejs');
  });
  t.after(close);
  const page = await call(`${url}/by-name/hello`);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(page.text, 'given and locals');
  assert.equal((await call(`${url}/callback`)).text, 'got <p>plain</p>');
});

test('a missing template, a template that throws, and a name outside the views dir: 500, no details to the client, a log line naming the template', async (t) => {
  const root = viewsDir(t, { 'views/broken.ejs': '<% throw new Error("boom in template") %>', 'secret.ejs': 'TOP SECRET' });
  const logger = new CaptureLogger();
  const { url, close } = await startApp(
    { controllers: [PagesController] },
    (app) => {
      app.setBaseViewsDir(join(root, 'views'));
      app.setViewEngine('ejs');
    },
    { logger },
  );
  t.after(close);
  const cases: Array<[string, RegExp]> = [
    ['/missing', /SN_ERR_VIEW_NOT_FOUND: template "no-such-template" not found: looked for .*no-such-template\.ejs/],
    ['/broken', /SN_ERR_VIEW_RENDER_FAILED: template "broken" \(.*broken\.ejs\) failed to render: [\s\S]*boom in template/],
    ['/outside', /SN_ERR_VIEW_OUTSIDE_DIR: template name "\.\.\/secret" is refused/],
    [`/by-name/${encodeURIComponent('../secret')}`, /SN_ERR_VIEW_OUTSIDE_DIR: template name "\.\.\/secret"/],
    [`/by-name/${encodeURIComponent('/etc/passwd')}`, /SN_ERR_VIEW_OUTSIDE_DIR: template name "\/etc\/passwd"/],
  ];
  for (const [path, logged] of cases) {
    const before = logger.lines.length;
    const res = await call(url + path);
    assert.equal(res.status, 500, path);
    assert.equal(res.text, '{"statusCode":500,"message":"Internal server error"}', `${path}: nothing of the template or the error goes out`);
    const lines = logger.lines.slice(before).filter((l) => l.level === 'error');
    assert.ok(
      lines.some((l) => logged.test(l.message)),
      `${path}: expected a log line ${logged}, got:\n${lines.map((l) => l.message).join('\n')}`,
    );
  }
});

test('cache: a template is compiled once and kept; with cache: false (or NODE_ENV=development) it is read again on every render', async (t) => {
  @Controller()
  class Page {
    @Get() @Render('page') page() {
      return {};
    }
  }
  for (const mode of ['cached', 'option', 'env'] as const) {
    const dir = viewsDir(t, { 'page.ejs': 'first' });
    const previous = process.env.NODE_ENV;
    if (mode === 'env') process.env.NODE_ENV = 'development';
    const { url, close } = await startApp({ controllers: [Page] }, (app) => {
      app.setBaseViewsDir(dir);
      app.setViewEngine('ejs', mode === 'option' ? { cache: false } : {});
    }).finally(() => {
      process.env.NODE_ENV = previous;
    });
    t.after(close);
    assert.equal((await call(url)).text, 'first', mode);
    writeFileSync(join(dir, 'page.ejs'), 'second');
    assert.equal((await call(url)).text, mode === 'cached' ? 'first' : 'second', mode);
  }
});

test('any engine: an object with compile(), one with render(), an Express engine function; the extension option', async (t) => {
  const escapeHtml = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const fill = (source: string, data: object) => source.replace(/\{(\w+)\}/g, (_, key: string) => escapeHtml((data as Record<string, unknown>)[key]));
  let compiles = 0;
  const engines: Array<[string, ViewEngine]> = [
    [
      'compile',
      {
        compile: (source: string) => {
          compiles++;
          return (data: object) => fill(source, data);
        },
      },
    ],
    ['render', { render: (source: string, data: object) => Promise.resolve(fill(source, data)) }],
    [
      'express',
      (path: string, options: object, callback: (error: Error | null, html?: string) => void) => {
        import('node:fs').then(({ readFileSync }) => callback(null, fill(readFileSync(path, 'utf8'), options)));
      },
    ],
  ];
  for (const [name, engine] of engines) {
    const dir = viewsDir(t, { 'index.tpl': '<b>{title}</b>' });
    const { url, close } = await startApp({ controllers: [PagesController] }, (app) => {
      app.setBaseViewsDir(dir);
      app.setViewEngine(engine, { extension: '.tpl' });
    });
    t.after(close);
    const first = await call(url);
    assert.equal(first.status, 200, name);
    assert.equal(first.text, '<b>&#60;script&#62;alert(1)&#60;/script&#62;</b>', name);
    await call(url);
  }
  assert.equal(compiles, 1, 'compile() runs once per template, however many renders');
});

test('the engine package not installed: start-up fails with SN_ERR_VIEW_ENGINE_MISSING, saying what to install', async () => {
  @Module({ controllers: [PagesController] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: false });
  app.setViewEngine('streamnest-no-such-engine');
  await assert.rejects(app.init(), (error: StreamnestError) => {
    assert.equal(error.code, 'SN_ERR_VIEW_ENGINE_MISSING');
    assert.match(error.message, /npm install streamnest-no-such-engine/);
    return true;
  });
  await app.close();
});

test('@Render without a view engine fails start-up; res.render without one answers 500 and logs why', async (t) => {
  @Module({ controllers: [PagesController] })
  class WithRender {}
  const app = await NestFactory.create(WithRender, { logger: false });
  await assert.rejects(app.init(), (error: StreamnestError) => {
    assert.equal(error.code, 'SN_ERR_VIEWS_NOT_CONFIGURED');
    assert.match(error.message, /@Render\("index"\) on PagesController\.index needs a view engine.*app\.setViewEngine/);
    return true;
  });
  await app.close();

  @Controller()
  class OnlyRes {
    @Get() page(@Res() res: ExpressResponse) {
      res.render('index');
    }
  }
  const logger = new CaptureLogger();
  const { url, close } = await startApp({ controllers: [OnlyRes] }, undefined, { logger });
  t.after(close);
  const res = await call(url);
  assert.equal(res.status, 500);
  assert.ok(
    logger.lines.some((l) => l.level === 'error' && /SN_ERR_VIEWS_NOT_CONFIGURED: res\.render\(\) needs a view engine/.test(l.message)),
    logger.text(),
  );
});

test('wrong arguments: setViewEngine, its extension, setBaseViewsDir and @Render throw TypeErrors with codes', async () => {
  @Module({})
  class Empty {}
  const app = await NestFactory.create(Empty, { logger: false });
  const typeError = (fn: () => unknown, code: string) =>
    assert.throws(fn, (error: StreamnestError) => error instanceof TypeError && error.code === code && / got /.test(error.message));
  typeError(() => app.setViewEngine(42 as never), 'SN_ERR_INVALID_VIEW_ENGINE');
  typeError(() => app.setViewEngine('', {}), 'SN_ERR_INVALID_VIEW_ENGINE');
  typeError(() => app.setViewEngine('ejs', { extension: 'ejs' }), 'SN_ERR_INVALID_VIEW_ENGINE');
  typeError(() => app.setBaseViewsDir([]), 'SN_ERR_INVALID_ARGUMENT');
  typeError(() => Render(''), 'SN_ERR_INVALID_ARGUMENT');
  app.setViewEngine({ nothing: true } as never);
  await assert.rejects(app.init(), (error: StreamnestError) => error instanceof TypeError && error.code === 'SN_ERR_INVALID_VIEW_ENGINE');
  await app.close();
});

test('streamnest/views renders outside a request, and caches by file, not by spelling', async (t) => {
  const dir = viewsDir(t, { 'a.ejs': '<%= x %>' });
  const views = await Views.create({ engine: 'ejs', dirs: [dir] });
  assert.equal(views.cache, true);
  assert.equal(await views.render('a', { x: '<' }), '&lt;');
  assert.equal(await views.render('./sub/../a.ejs', { x: 1 }), '1');
  await assert.rejects(views.render('a\0b', {}), (error: StreamnestError) => error.code === 'SN_ERR_VIEW_OUTSIDE_DIR', 'a NUL is refused');
  await assert.rejects(views.render('../a', {}), (error: StreamnestError) => error.code === 'SN_ERR_VIEW_OUTSIDE_DIR');
  await assert.rejects(views.render('..', {}), (error: StreamnestError) => error.code === 'SN_ERR_VIEW_NOT_FOUND', "'..' is a name ('...ejs'), not a way out");
});
