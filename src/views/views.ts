import { resolve } from 'node:path';
import { Errors } from '../errors.js';
import { describeThrown, printable } from '../common/describe.js';
import type { CompiledTemplate, ViewEngine, ViewRenderer } from '../http/view-renderer.js';
import { loadEngine, type LoadedEngine } from './engines.js';
import { templateFiles } from './template-path.js';

/** What an app's views are made of: `app.setViewEngine()` and `app.setBaseViewsDir()`. */
export interface ViewsOptions {
  engine: string | ViewEngine;
  /** The views directories, searched in order. Default: `views` under the working directory, as Express. */
  dirs?: readonly string[];
  /** See ViewEngineOptions. */
  extension?: string;
  cache?: boolean;
}

interface Found {
  file: string;
  template: CompiledTemplate;
}

/**
 * An app's templates: each name resolved under the views directories, its
 * file compiled once and kept (unless caching is off), and rendered with the
 * data. Every failure is a StreamnestError naming the template; the client
 * only ever sees a 500.
 */
export class Views implements ViewRenderer {
  /** Compiled templates by the file name they resolve to, so two spellings of one name share one entry; only files that exist get one. */
  private readonly compiled = new Map<string, Promise<Found>>();

  private constructor(
    private readonly engine: LoadedEngine,
    private readonly dirs: readonly string[],
    readonly cache: boolean,
  ) {}

  /** Loads the engine (its package, for a name), once, at start-up. */
  static async create(options: ViewsOptions): Promise<Views> {
    const dirs = (options.dirs ?? ['views']).map((dir) => resolve(dir));
    const engine = await loadEngine(options.engine, options.extension, dirs);
    return new Views(engine, dirs, options.cache ?? process.env.NODE_ENV !== 'development');
  }

  async render(name: string, data: object): Promise<string> {
    const files = templateFiles(name, this.dirs, this.engine.extension);
    const { file, template } = await this.find(name, files);
    let html: unknown;
    try {
      html = await template(data);
    } catch (error) {
      throw failed(name, file, error);
    }
    if (typeof html !== 'string') throw failed(name, file, `the engine gave ${printable(html)}, not a string`);
    return html;
  }

  private find(name: string, files: string[]): Promise<Found> {
    if (!this.cache) return this.load(name, files);
    const key = files.join('\0');
    let found = this.compiled.get(key);
    if (found === undefined) {
      // The Promise is kept, so requests that come together compile once; a failure is not kept.
      found = this.load(name, files);
      this.compiled.set(key, found);
      found.catch(() => this.compiled.delete(key));
    }
    return found;
  }

  private async load(name: string, files: string[]): Promise<Found> {
    for (const file of files) {
      let template: CompiledTemplate | undefined;
      try {
        template = await this.engine.prepare(file, this.cache);
      } catch (error) {
        // A syntax error in the template, or a file that cannot be read.
        throw failed(name, file, error);
      }
      if (template !== undefined) return { file, template };
    }
    throw Errors.VIEW_NOT_FOUND(name, files);
  }
}

function failed(name: string, file: string, reason: unknown): Error {
  const error = Errors.VIEW_RENDER_FAILED(name, file, typeof reason === 'string' ? reason : describeThrown(reason).message);
  if (typeof reason !== 'string') error.cause = reason;
  return error;
}
