// rxjs and prom-client are optional peers, but the published types name rxjs's Observable (so
// `next.handle().pipe(...)` is typed as in NestJS) and prom-client's Registry. tsc drops comments from
// declaration files, so this marks those imports `@ts-ignore` after the build:
// an app without them then compiles, with those types as `any`.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OPTIONAL = /^import type (?:\{[^}]*\}|\* as \w+) from '(rxjs|prom-client)';$/m;

function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (entry.name.endsWith('.d.ts')) mark(path);
  }
}

function mark(path) {
  const text = readFileSync(path, 'utf8');
  if (!OPTIONAL.test(text)) return;
  const marked = text.replace(
    new RegExp(OPTIONAL.source, 'gm'),
    (line, name) => `// @ts-ignore ${name} is an optional peer dependency: without it these types are \`any\`\n${line}`,
  );
  writeFileSync(path, marked);
}

walk(process.argv[2] ?? 'dist');
