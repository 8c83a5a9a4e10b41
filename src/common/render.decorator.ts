import { META } from './metadata-keys.js';
import { Errors } from '../errors.js';
import { printable } from './describe.js';

/**
 * Renders the template `template` (a name under the views directory, see
 * `app.setBaseViewsDir()` and `app.setViewEngine()`) with the handler's return
 * value as its data, and sends the HTML, as NestJS's @Render().
 */
export function Render(template: string): MethodDecorator {
  if (typeof template !== 'string' || template === '') {
    throw Errors.INVALID_ARGUMENT('@Render(template)', 'template must be a non-empty template name', printable(template));
  }
  return (target, key) => Reflect.defineMetadata(META.render, template, target, key);
}
