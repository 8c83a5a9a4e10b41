/**
 * A small TypeScript tokenizer, enough to find import statements without
 * being fooled by comments, strings, template literals or regular
 * expressions that happen to contain `import` or quotes. Comments are
 * dropped; every other token keeps its text and its line.
 */
export interface Token {
  kind: 'word' | 'string' | 'template' | 'regex' | 'punct';
  /** A string's or a template piece's text without its delimiters (escapes left as written); the source text otherwise. */
  text: string;
  line: number;
}

/** After these, a `/` starts a regular expression rather than dividing. */
const BEFORE_REGEX_WORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

/** Names, keywords and numbers alike (`@` and `#` included: decorators and private names are one word). */
const WORD = /[\p{L}\p{N}_$#@]+/uy;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  /** One entry per open `${`: how many `{` are open inside it, so its `}` is recognised. */
  const templateBraces: number[] = [];
  let i = 0;
  let line = 1;
  const push = (kind: Token['kind'], text: string, startLine: number) => tokens.push({ kind, text, line: startLine });
  const advanceTo = (end: number) => {
    for (; i < end; i++) if (source[i] === '\n') line++;
  };

  /** Reads a template from `i` (just past a backtick or a `}` closing `${`) to its end or its next `${`. */
  const templateRest = (startLine: number) => {
    const start = i;
    let j = i;
    while (j < source.length && source[j] !== '`' && !(source[j] === '$' && source[j + 1] === '{')) j += source[j] === '\\' ? 2 : 1;
    const opensSubstitution = source[j] === '$';
    advanceTo(j);
    i += opensSubstitution ? 2 : 1;
    if (opensSubstitution) templateBraces.push(0);
    push('template', source.slice(start, j), startLine);
  };

  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '\n' || c === ' ' || c === '\t' || c === '\r') {
      advanceTo(i + 1);
      continue;
    }
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      advanceTo(end < 0 ? source.length : end);
      continue;
    }
    if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      advanceTo(end < 0 ? source.length : end + 2);
      continue;
    }
    const startLine = line;
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      push('string', source.slice(i + 1, j), startLine);
      advanceTo(j + 1);
      continue;
    }
    if (c === '`') {
      i++;
      templateRest(startLine);
      continue;
    }
    if (c === '}' && templateBraces.length > 0 && templateBraces[templateBraces.length - 1] === 0) {
      templateBraces.pop();
      i++;
      templateRest(startLine);
      continue;
    }
    if (c === '/' && startsRegex(tokens[tokens.length - 1])) {
      let j = i + 1;
      let inClass = false;
      while (j < source.length && source[j] !== '\n' && (inClass || source[j] !== '/')) {
        if (source[j] === '[') inClass = true;
        else if (source[j] === ']') inClass = false;
        j += source[j] === '\\' ? 2 : 1;
      }
      while (/[a-z]/i.test(source[j + 1] ?? '')) j++;
      push('regex', source.slice(i, j + 1), startLine);
      advanceTo(j + 1);
      continue;
    }
    WORD.lastIndex = i;
    const word = WORD.exec(source);
    if (word) {
      push('word', word[0], startLine);
      advanceTo(i + word[0].length);
      continue;
    }
    if (templateBraces.length > 0 && c === '{') templateBraces[templateBraces.length - 1]!++;
    if (templateBraces.length > 0 && c === '}') templateBraces[templateBraces.length - 1]!--;
    push('punct', c, startLine);
    advanceTo(i + 1);
  }
  return tokens;
}

/** Whether a `/` after `previous` begins a regular expression: not after a value (a name, a number, `)`, `]`, `}`). */
function startsRegex(previous: Token | undefined): boolean {
  if (!previous) return true;
  if (previous.kind === 'word') return BEFORE_REGEX_WORDS.has(previous.text);
  if (previous.kind === 'punct') return !(previous.text === ')' || previous.text === ']' || previous.text === '}');
  return false;
}
