/// <reference types="node" preserve="true" />
/**
 * streamnest/views: the template machinery behind `app.setViewEngine()`,
 * `app.setBaseViewsDir()`, `@Render()` and `res.render()`. The app loads it
 * on its own the first time views are configured; import it to name its
 * types, or to render a template outside a request.
 */
export { Views, type ViewsOptions } from './views.js';
export type { CompiledTemplate, ViewEngine, ViewEngineOptions, ViewRenderer } from '../http/view-renderer.js';
