import { tokenize, type Token } from './ts-tokens.js';

/** One module a file refers to. */
export interface ImportRef {
  specifier: string;
  /** Erased by the compiler: `import type`, `export type`, a list of types only, `import('x').T` or `typeof import('x')` in a type. */
  typeOnly: boolean;
  line: number;
}

/** Punctuation an import or export clause is made of (`import a, { b as c, type d } from`, `export * as e from`). */
const CLAUSE_PUNCT = new Set(['{', '}', ',', '*']);

/**
 * Every module specifier a TypeScript file names: import and export
 * declarations (with `from` or bare), `import x = require()`, and `import()`
 * both as a call and in a type.
 */
export function importsOf(source: string): ImportRef[] {
  const tokens = tokenize(source);
  const found: ImportRef[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== 'word' || isPunct(tokens[i - 1], '.')) continue;
    const ref =
      token.text === 'import'
        ? importAt(tokens, i)
        : token.text === 'export'
          ? fromClause(tokens, i)
          : token.text === 'require'
            ? requireAt(tokens, i)
            : undefined;
    if (ref) found.push(ref);
  }
  return found;
}

function importAt(tokens: Token[], i: number): ImportRef | undefined {
  const next = tokens[i + 1];
  if (next?.kind === 'string') return { specifier: next.text, typeOnly: false, line: next.line };
  if (isPunct(next, '(')) return importCall(tokens, i);
  return fromClause(tokens, i);
}

/** `import('x')`: in a type when `typeof` precedes it or a name is read from it (`import('x').T`, not `.then(`), a value otherwise. */
function importCall(tokens: Token[], i: number): ImportRef | undefined {
  const specifier = tokens[i + 2];
  if (!specifier || (specifier.kind !== 'string' && specifier.kind !== 'template') || !isPunct(tokens[i + 3], ')')) return undefined;
  let after = i + 4;
  while (isPunct(tokens[after], '.') && tokens[after + 1]?.kind === 'word') after += 2;
  const readsName = after > i + 4 && !isPunct(tokens[after], '(');
  return { specifier: specifier.text, typeOnly: readsName || isWord(tokens[i - 1], 'typeof'), line: specifier.line };
}

/** `import … from 'x'` and `export … from 'x'`: the clause between the keyword and `from` says whether only types come. */
function fromClause(tokens: Token[], i: number): ImportRef | undefined {
  const clause: Token[] = [];
  let depth = 0;
  for (let j = i + 1; j < tokens.length; j++) {
    const token = tokens[j]!;
    if (isWord(token, 'from') && tokens[j + 1]?.kind === 'string' && depth === 0 && clause.length > 0) {
      return { specifier: tokens[j + 1]!.text, typeOnly: onlyTypes(clause), line: tokens[j + 1]!.line };
    }
    const clauseWord = token.kind === 'word' && token.text !== 'import' && token.text !== 'export';
    if (!clauseWord && !(token.kind === 'punct' && CLAUSE_PUNCT.has(token.text))) return undefined;
    if (isPunct(token, '{')) depth++;
    if (isPunct(token, '}')) depth--;
    if (depth < 0 || depth > 1) return undefined;
    clause.push(token);
  }
  return undefined;
}

function onlyTypes(clause: Token[]): boolean {
  // `import type X`, `import type { … }`, `export type *`, but not a default import named `type`.
  if (isWord(clause[0], 'type') && clause.length > 1 && !isPunct(clause[1], ',')) return true;
  if (!isPunct(clause[0], '{') || !isPunct(clause[clause.length - 1], '}')) return false;
  const names = splitOnCommas(clause.slice(1, -1)).filter((name) => name.length > 0);
  // `type A`, `type A as B`; but `type as x` imports a value named `type`.
  return names.length > 0 && names.every((name) => isWord(name[0], 'type') && name.length > 1 && !(name.length === 3 && isWord(name[1], 'as')));
}

function splitOnCommas(tokens: Token[]): Token[][] {
  const parts: Token[][] = [[]];
  for (const token of tokens) {
    if (isPunct(token, ',')) parts.push([]);
    else parts[parts.length - 1]!.push(token);
  }
  return parts;
}

/** `import x = require('x')`, the CommonJS form TypeScript still accepts. */
function requireAt(tokens: Token[], i: number): ImportRef | undefined {
  const specifier = tokens[i + 2];
  if (!isPunct(tokens[i + 1], '(') || specifier?.kind !== 'string' || !isPunct(tokens[i + 3], ')')) return undefined;
  return { specifier: specifier.text, typeOnly: false, line: specifier.line };
}

function isPunct(token: Token | undefined, text: string): boolean {
  return token?.kind === 'punct' && token.text === text;
}

function isWord(token: Token | undefined, text: string): boolean {
  return token?.kind === 'word' && token.text === text;
}
