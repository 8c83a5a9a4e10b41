// Shared helpers for the browser tests: Debian's Chromium through playwright-core,
// apps started in-process on 127.0.0.1, a second origin, and a throwaway TLS certificate.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import {
  Controller,
  Get,
  getSSEStream,
  Header,
  LastEventId,
  Sse,
  type ApplicationOptions,
  type ListenOptions,
  type ModuleMetadata,
  type NestApplication,
  type Type,
} from 'streamnest';
import { Test } from 'streamnest/testing';

export const CHROMIUM = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Launches headless Chromium with a fresh temporary profile; closed when the test ends. */
export async function launchChromium(t: TestContext, extraArgs: string[] = []): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
  t.after(() => browser.close());
  return browser;
}

/** A new context and page; the context is closed when the test ends. */
export async function newPage(
  t: TestContext,
  browser: Browser,
  options: { ignoreHTTPSErrors?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  t.after(() => context.close());
  const page = await context.newPage();
  return { context, page };
}

/** An empty HTML page, so a test page can open same-origin EventSources from the app's own origin. */
export const BLANK_PATH = '/blank';
export const BLANK_HTML = '<!doctype html><html><head><meta charset="utf-8"><title>blank</title></head><body></body></html>';

@Controller('')
export class BlankPageController {
  @Get(BLANK_PATH)
  @Header('Content-Type', 'text/html; charset=utf-8')
  blank() {
    return BLANK_HTML;
  }
}

export interface StartOptions {
  /** Runs before listen: middleware, CORS… */
  configure?: (app: NestApplication) => void | Promise<void>;
  /** Application options (logger is off unless given). */
  app?: ApplicationOptions;
  /** A fixed port, to restart on the same one; 0 (the default) picks one. */
  port?: number;
  /** Serve HTTP/2 (with HTTP/1.1 fallback) with these TLS options. */
  http2?: ListenOptions['http2'];
}

export interface StartedApp {
  app: NestApplication;
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts an app over `metadata` on 127.0.0.1, as users would, with the blank
 * page controller added. `close` is idempotent, so tests may stop an app
 * themselves and also register it with `t.after`.
 */
export async function startApp(metadata: ModuleMetadata, options: StartOptions = {}): Promise<StartedApp> {
  const moduleRef = await Test.createTestingModule({ ...metadata, controllers: [...(metadata.controllers ?? []), BlankPageController] }).compile();
  const app = moduleRef.createNestApplication({ logger: false, ...options.app });
  await options.configure?.(app);
  await app.listen({ port: options.port ?? 0, hostname: '127.0.0.1', ...(options.http2 ? { http2: options.http2 } : {}) });
  const url = app.getUrl();
  return { app, url, port: Number(new URL(url).port), close: () => app.close() };
}

/** A second origin: a plain node:http server answering every GET with `html`. */
export async function serveHtml(t: TestContext, html: string): Promise<string> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html) });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Chromium with one page open on the app's blank page: how most browser tests begin. */
export async function openBlankPage(t: TestContext, started: StartedApp, options: { ignoreHTTPSErrors?: boolean } = {}): Promise<Page> {
  const browser = await launchChromium(t);
  const { page } = await newPage(t, browser, options);
  await page.goto(started.url + BLANK_PATH);
  return page;
}

/** What a resume stream saw: each connection's Last-Event-ID and when it came, and the last id written. */
export interface ResumeLog {
  connections: Array<{ lastEventId: string | undefined; at: number }>;
  lastWritten: number;
}

/**
 * A controller at /resume whose stream continues after the id the client sends
 * back, writes an event every 100 ms (data `{ n }`), and asks for `retry`.
 */
export function resumeController(retry: number): { ResumeController: Type; log: ResumeLog } {
  const log: ResumeLog = { connections: [], lastWritten: 0 };
  @Controller('')
  class ResumeController {
    @Get('/resume')
    @Sse()
    resume(@LastEventId() lastEventId?: string) {
      log.connections.push({ lastEventId, at: Date.now() });
      let next = lastEventId === undefined ? 1 : Number(lastEventId) + 1;
      const { write, body } = getSSEStream({
        cancel() {
          clearInterval(timer);
        },
      });
      write({ retry, comment: 'hello' });
      const timer = setInterval(() => {
        log.lastWritten = next;
        write({ id: next++, data: { n: log.lastWritten } });
      }, 100);
      return body;
    }
  }
  return { ResumeController, log };
}

/**
 * Opens `new EventSource(url)` in the page as `window[name]`, counts its
 * messages, and waits until `atLeast` have come. `name` is how the test
 * closes it later (`window[name].close()`); the count is `window[name + 'Messages']`.
 */
export async function openCountingSource(page: Page, name: string, url: string, atLeast: number, timeout: number): Promise<void> {
  await page.evaluate(
    ({ name, url }) => {
      const w = window as any;
      w[`${name}Messages`] = 0;
      w[name] = new EventSource(url);
      w[name].onmessage = () => {
        w[`${name}Messages`]++;
      };
    },
    { name, url },
  );
  await page.waitForFunction(({ name, atLeast }) => (window as any)[`${name}Messages`] >= atLeast, { name, atLeast }, { timeout });
}

export { selfSignedCertificate as selfSignedCert } from '../support/tls.js';
export { eventually } from '../support/sse-reader.js';
