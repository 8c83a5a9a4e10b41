/**
 * True when JSON text nests objects and arrays more than `max` levels deep.
 * `JSON.parse` itself copes with any depth, but the code that walks the result
 * next (validation, class-transformer, `JSON.stringify` of a reply) recurses,
 * so a 100,000-deep body ends in a stack overflow. One pass, skipping strings;
 * text shorter than the limit cannot nest deeper than it, and is not scanned.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return true;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
    }
  }
  return false;
}
