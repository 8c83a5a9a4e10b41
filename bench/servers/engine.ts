/**
 * Which HTTP engine a streamnest bench server asks for: `SN_ENGINE` ('auto',
 * 'node' or 'web'; 'auto' when unset), passed as NestFactory.create's
 * `engine` option. 'auto' is Deno.serve on Deno, Bun.serve on Bun and
 * node:http on Node; 'node' forces the node:http server (on Deno and Bun their
 * compatibility one). A streamnest without the option ignores it and runs on
 * node:http everywhere, so the server reports what it actually listens on.
 */
import { listening } from './control.js';

export type Engine = 'auto' | 'node' | 'web';

export const ENGINE = (process.env.SN_ENGINE ?? 'auto') as Engine;

/** NestFactory.create's options for a bench server: no logging, the engine asked for. */
export function appOptions(): { logger: false; engine: Engine } {
  return { logger: false, engine: ENGINE };
}

/**
 * The port (from `app.getUrl()`, which every engine answers) and the kind of
 * server `app.listen()` returned: 'node:http', 'Deno.serve', 'Bun.serve', or
 * the name of whatever else it is.
 */
export function listeningApp(app: { getUrl(): string }, server: unknown): { port: number; kind: string } {
  const port = Number(new URL(app.getUrl()).port);
  try {
    return { port, kind: listening(server).kind };
  } catch {
    return { port, kind: (server as object | undefined)?.constructor?.name ?? typeof server };
  }
}
