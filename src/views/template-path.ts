import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { Errors } from '../errors.js';

/**
 * The file a template name means in each views directory, in order: the name,
 * with the engine's extension when it has none, resolved under the directory.
 * A name that leads outside any directory (`../x`, an absolute path, a NUL)
 * is refused, since apps do pass names that came from a request.
 */
export function templateFiles(name: string, dirs: readonly string[], extension: string): string[] {
  if (typeof name !== 'string' || name === '' || name.includes('\0')) throw Errors.VIEW_OUTSIDE_DIR(String(name));
  const withExtension = extname(name) === '' ? name + extension : name;
  return dirs.map((dir) => {
    const file = resolve(dir, withExtension);
    const rel = relative(dir, file);
    if (rel === '' || rel.split(sep)[0] === '..' || isAbsolute(rel)) throw Errors.VIEW_OUTSIDE_DIR(name);
    return file;
  });
}
