import { Test } from 'streamnest/testing';
import type { ApplicationOptions, ListenOptions, ModuleMetadata, NestApplication } from 'streamnest';

export interface RunningApp {
  app: NestApplication;
  /** Base URL, such as http://127.0.0.1:41234 */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts an app over the given module metadata on 127.0.0.1 with an ephemeral
 * port. `configure` runs before listen (global enhancers, middleware…); `listen` adds TLS or HTTP/2.
 */
export async function startApp(
  metadata: ModuleMetadata,
  configure?: (app: NestApplication) => void | Promise<void>,
  options: ApplicationOptions = {},
  listen: Omit<ListenOptions, 'port' | 'hostname'> = {},
): Promise<RunningApp> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = moduleRef.createNestApplication({ logger: false, ...options });
  await configure?.(app);
  await app.listen({ ...listen, port: 0, hostname: '127.0.0.1' });
  return { app, url: app.getUrl(), close: () => app.close() };
}
