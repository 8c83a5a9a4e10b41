import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BadRequestException,
  Catch,
  Controller,
  ForbiddenException,
  Get,
  HttpException,
  Injectable,
  NotFoundException,
  UseFilters,
  UseGuards,
  type ArgumentsHost,
  type ExceptionFilter,
} from 'streamnest';
import { startApp } from '../support/app.js';
import { call } from './support.js';

class DomainError extends Error {}
class SubDomainError extends DomainError {}

function reply(host: ArgumentsHost, status: number, body: unknown) {
  const res = host.switchToHttp().getResponse<ServerResponse>();
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(body));
}

@Catch(DomainError)
class DomainFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost) {
    reply(host, 422, { domain: error.message, by: 'DomainFilter' });
  }
}

@Injectable()
class Formatter {
  format(e: HttpException) {
    return { code: e.getStatus(), text: e.message };
  }
}

@Catch(HttpException)
class HttpFilter implements ExceptionFilter {
  constructor(private readonly formatter: Formatter) {}
  catch(error: HttpException, host: ArgumentsHost) {
    const req = host.switchToHttp().getRequest<IncomingMessage>();
    reply(host, error.getStatus(), { ...this.formatter.format(error), path: req.url, by: 'HttpFilter' });
  }
}

@Catch()
class CatchAll implements ExceptionFilter {
  catch(_error: unknown, host: ArgumentsHost) {
    reply(host, 599, { by: 'CatchAll' });
  }
}

@Catch(BadRequestException)
class BrokenFilter implements ExceptionFilter {
  catch() {
    throw new Error('the filter itself is broken');
  }
}

@Catch(BadRequestException)
class AsyncFilter implements ExceptionFilter {
  async catch(error: BadRequestException, host: ArgumentsHost) {
    await new Promise((r) => setImmediate(r));
    reply(host, 400, { async: error.message });
  }
}

@Controller('f')
@UseFilters(HttpFilter)
class FilteredController {
  @Get('domain') @UseFilters(new DomainFilter()) domain() {
    throw new SubDomainError('rule broken');
  }
  @Get('http') http() {
    throw new NotFoundException('no such thing');
  }
  @Get('plain') plain() {
    throw new Error('plain');
  }
  @Get('broken') @UseFilters(BrokenFilter) broken() {
    throw new BadRequestException('bad input');
  }
  @Get('async') @UseFilters(AsyncFilter) async() {
    throw new BadRequestException('later');
  }
  @Get('guarded') @UseGuards({ canActivate: () => false }) guarded() {
    return 'never';
  }
}

@Controller('g')
class UnfilteredController {
  @Get('plain') plain() {
    throw new Error('plain');
  }
  @Get('forbidden') forbidden() {
    throw new ForbiddenException();
  }
}

test('@Catch(Type) matches subclasses; the method filter comes before the class filter', async (t) => {
  const { url, close } = await startApp({ controllers: [FilteredController], providers: [Formatter] });
  t.after(close);
  const res = await call(`${url}/f/domain`);
  assert.equal(res.status, 422);
  assert.deepEqual(res.body, { domain: 'rule broken', by: 'DomainFilter' });
});

test('a class-level filter (with DI) catches HttpExceptions of every handler, guard denials included', async (t) => {
  const { url, close } = await startApp({ controllers: [FilteredController], providers: [Formatter] });
  t.after(close);
  assert.deepEqual((await call(`${url}/f/http?x=1`)).body, { code: 404, text: 'no such thing', path: '/f/http?x=1', by: 'HttpFilter' });
  const denied = await call(`${url}/f/guarded`);
  assert.equal(denied.status, 403);
  assert.equal(denied.body.by, 'HttpFilter');
});

test('an error no filter catches gets the default 500', async (t) => {
  const { url, close } = await startApp({ controllers: [FilteredController], providers: [Formatter] });
  t.after(close);
  const res = await call(`${url}/f/plain`);
  assert.equal(res.status, 500);
  assert.equal(res.body.message, 'Internal server error');
});

test('a filter that throws falls back to the default response, and the server keeps serving', async (t) => {
  const { url, close } = await startApp({ controllers: [FilteredController], providers: [Formatter] });
  t.after(close);
  const res = await call(`${url}/f/broken`);
  assert.equal(res.status, 400);
  assert.deepEqual(res.body, { statusCode: 400, message: 'bad input', error: 'Bad Request' });
  assert.equal((await call(`${url}/f/http`)).status, 404);
});

test('an async filter is awaited', async (t) => {
  const { url, close } = await startApp({ controllers: [FilteredController], providers: [Formatter] });
  t.after(close);
  assert.deepEqual((await call(`${url}/f/async`)).body, { async: 'later' });
});

test('useGlobalFilters: a catch-all applies everywhere, after method and class filters', async (t) => {
  const { url, close } = await startApp({ controllers: [FilteredController, UnfilteredController], providers: [Formatter] }, (app) => {
    app.useGlobalFilters(new CatchAll());
  });
  t.after(close);
  assert.deepEqual((await call(`${url}/g/plain`)).body, { by: 'CatchAll' });
  assert.deepEqual((await call(`${url}/g/forbidden`)).body, { by: 'CatchAll' });
  assert.equal((await call(`${url}/f/http`)).body.by, 'HttpFilter');
  assert.equal((await call(`${url}/f/plain`)).body.by, 'CatchAll');
});

test('a global filter also sees the 404 of an unknown route and errors from middleware, as in NestJS', async (t) => {
  @Catch(NotFoundException)
  class NotFoundFilter implements ExceptionFilter {
    catch(error: NotFoundException, host: ArgumentsHost) {
      reply(host, 404, { custom404: error.message });
    }
  }
  const { url, close } = await startApp({ controllers: [UnfilteredController] }, (app) => {
    app.use('/mw', () => {
      throw new NotFoundException('from middleware');
    });
    app.useGlobalFilters(NotFoundFilter);
  });
  t.after(close);
  assert.deepEqual((await call(`${url}/does/not/exist`)).body, { custom404: 'Cannot GET /does/not/exist' });
  assert.deepEqual((await call(`${url}/mw/x`)).body, { custom404: 'from middleware' });
  assert.equal((await call(`${url}/g/forbidden`)).status, 403);
});
