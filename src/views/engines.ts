import { readFile, stat } from 'node:fs/promises';
import { Errors } from '../errors.js';
import { printable } from '../common/describe.js';
import type { CompiledTemplate, ViewEngine } from '../http/view-renderer.js';

/** An engine made ready: how to turn one template file into a function of its data. */
export interface LoadedEngine {
  /** The extension, with its dot, a template name without one gets. */
  extension: string;
  /**
   * Reads and prepares `file` (compiles it, when the engine can); undefined
   * when there is no such file, so the caller can try the next directory.
   */
  prepare(file: string, cache: boolean): Promise<CompiledTemplate | undefined>;
}

/** Names that are not their package's: NestJS's docs say 'hbs' and mean Handlebars. */
const PACKAGES: Record<string, { pkg: string; extension: string }> = {
  hbs: { pkg: 'handlebars', extension: '.hbs' },
  handlebars: { pkg: 'handlebars', extension: '.hbs' },
};

/**
 * The engine `app.setViewEngine()` was given: a package name, loaded now (an
 * optional peer: ejs, handlebars, or any package with `compile`, `render` or
 * Express's `__express`), or an engine object or function of your own.
 */
export async function loadEngine(engine: string | ViewEngine, extension: string | undefined, dirs: readonly string[]): Promise<LoadedEngine> {
  if (typeof engine !== 'string') return fromEngine(engine, extension ?? '.html', dirs);
  const known = PACKAGES[engine];
  const pkg = known?.pkg ?? engine;
  let module: Record<string, unknown>;
  try {
    module = (await import(pkg)) as Record<string, unknown>;
  } catch (error) {
    throw Errors.VIEW_ENGINE_MISSING(engine, pkg, (error as NodeJS.ErrnoException).code ?? printable(error));
  }
  // An ES module namespace, or a CommonJS module's exports under `default`.
  const api = (hasEngineShape(module) ? module : module.default) as Record<string, unknown> | undefined;
  // Handlebars: an environment of the app's own, so helpers and partials registered elsewhere stay apart.
  const ready = pkg === 'handlebars' && typeof api?.create === 'function' ? (api.create as () => ViewEngine)() : api;
  return fromEngine(ready as ViewEngine, extension ?? known?.extension ?? `.${engine}`, dirs, pkg);
}

function hasEngineShape(value: unknown): boolean {
  const api = value as Record<string, unknown> | undefined;
  return typeof api?.compile === 'function' || typeof api?.render === 'function' || typeof api?.__express === 'function';
}

function fromEngine(engine: ViewEngine | undefined, extension: string, dirs: readonly string[], pkg?: string): LoadedEngine {
  const shape = engine as Record<string, unknown> | undefined;
  if (typeof engine === 'function') return { extension, prepare: expressStyle(engine as ExpressEngine) };
  if (typeof shape?.compile === 'function') {
    const compile = (shape.compile as (source: string, options: object) => CompiledTemplate).bind(engine);
    // `views`: where ejs looks for includes; other engines ignore it.
    return {
      extension,
      prepare: async (file) => {
        const source = await readSource(file);
        return source === undefined ? undefined : compile(source, { filename: file, views: dirs });
      },
    };
  }
  if (typeof shape?.render === 'function') {
    const render = (shape.render as (source: string, data: object) => string | Promise<string>).bind(engine);
    return {
      extension,
      prepare: async (file) => {
        const source = await readSource(file);
        return source === undefined ? undefined : (data) => render(source, data);
      },
    };
  }
  if (typeof shape?.__express === 'function') return { extension, prepare: expressStyle(shape.__express as ExpressEngine) };
  const what =
    pkg === undefined
      ? 'the engine has no compile() or render(), and is not a function (path, options, callback)'
      : `the package ${pkg} has no compile(), render() or __express`;
  throw Errors.INVALID_VIEW_ENGINE(what, printable(engine));
}

type ExpressEngine = (path: string, options: object, callback: (error: Error | null, html?: string) => void) => void;

/** A template file's text; undefined when there is none (or it is a directory). */
async function readSource(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (isAbsent(error)) return undefined;
    throw error;
  }
}

function isAbsent(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR';
}

/** An Express engine reads the file itself: here the file is only checked to exist, so a missing one is told apart. */
function expressStyle(engine: ExpressEngine): (file: string, cache: boolean) => Promise<CompiledTemplate | undefined> {
  return async (file, cache) => {
    const found = await stat(file).catch((error: unknown) => {
      if (isAbsent(error)) return undefined;
      throw error;
    });
    if (found === undefined || found.isDirectory()) return undefined;
    return (data) =>
      new Promise<string>((resolve, reject) => {
        engine(file, { ...data, cache }, (error, html) => (error ? reject(error) : resolve(html as string)));
      });
  };
}
