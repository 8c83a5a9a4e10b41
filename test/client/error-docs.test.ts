// The client's error codes live in src/client/client-error.ts, not src/errors.ts
// (the client is bundled alone); docs/ERRORS.md lists them in a table of their
// own. This keeps the two in step, both ways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function codesInSource(): string[] {
  const source = readFileSync(join(root, 'src/client/client-error.ts'), 'utf8');
  const union = /export type SseClientErrorCode = ([^;]+);/.exec(source);
  assert.ok(union, 'SseClientErrorCode not found in src/client/client-error.ts');
  return [...union[1]!.matchAll(/'([a-z-]+)'/g)].map((m) => m[1]!).sort();
}

function codesInDocs(): string[] {
  const docs = readFileSync(join(root, 'docs/ERRORS.md'), 'utf8');
  const start = docs.indexOf('## The client (`streamnest/client`)');
  assert.ok(start >= 0, 'docs/ERRORS.md has no section for the client');
  const section = docs.slice(start, docs.indexOf('\n## ', start + 1));
  return [...section.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]!).sort();
}

test('docs/ERRORS.md lists every SseClientError code, and no other', () => {
  const source = codesInSource();
  assert.ok(source.length >= 4, `only ${source.length} codes read from the source`);
  assert.deepEqual(codesInDocs(), source);
});
