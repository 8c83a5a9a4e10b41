import type { Response } from '../common/interfaces.js';

/**
 * What the core needs of the views module (streamnest/views), which the app
 * loads only once `app.setViewEngine()` is called: @Render() routes and
 * `res.render()` call it, so http/ never imports the views module.
 */
export interface ViewRenderer {
  /**
   * The HTML of template `name` (under the views directory) with `data`.
   * Rejects with a StreamnestError naming the template when it is missing,
   * outside the views directory, or fails to render.
   */
  render(name: string, data: object): Promise<string>;
}

/** A template compiled once: its data in, its HTML out. */
export type CompiledTemplate = (data: object) => string | Promise<string>;

/**
 * An engine of your own for `app.setViewEngine()`, in one of three shapes:
 * - an object with `compile(source, { filename })` returning a function of the data
 *   (ejs, Handlebars, pug, a `Handlebars.create()` with your partials and helpers): compiled once per file;
 * - an object with `render(source, data)` (Mustache, Eta…): the file is read once, rendered each time;
 * - an Express engine `(path, options, callback)` (consolidate, a package's `__express`): it reads the file itself;
 *   `options` are the data plus `cache`, as Express passes them.
 * HTML escaping is the engine's: choose one that escapes by default.
 */
export type ViewEngine =
  | { compile(source: string, options: { filename: string }): CompiledTemplate }
  | { render(source: string, data: object): string | Promise<string> }
  | ((path: string, options: object, callback: (error: Error | null, html?: string) => void) => void);

/** The second argument of `app.setViewEngine()`. */
export interface ViewEngineOptions {
  /** The extension a template name without one gets: `.ejs` for 'ejs', `.hbs` for 'hbs', `.<name>` for another package, `.html` for an engine object. */
  extension?: string;
  /**
   * Compile each template once and keep it (default), or read and compile it
   * on every render (`false`), for editing templates while the app runs.
   * Default: `false` when NODE_ENV is `development`, else `true`.
   */
  cache?: boolean;
}

/** Where the app puts its renderer on each response, for `res.render()`; set only in apps with views. */
export const VIEW_RENDERER: unique symbol = Symbol('streamnest.viewRenderer');

/** The renderer of the app that made this response, if it has views. */
export function rendererOf(res: Response): ViewRenderer | undefined {
  return (res as { [VIEW_RENDERER]?: ViewRenderer })[VIEW_RENDERER];
}
