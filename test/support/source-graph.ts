import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { importsOf } from './import-scan.js';

/** One file's reference to another, both as paths from the repository root (`src/di/container.ts`). */
export interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
  line: number;
}

export interface SourceGraph {
  files: string[];
  edges: Edge[];
  /** Relative specifiers that name no file of the tree (the scanner misread something, or the code is broken). */
  unresolved: Array<{ from: string; specifier: string; line: number }>;
  /** Specifiers that are not relative, by file: packages, `node:` modules. */
  external: Array<{ from: string; specifier: string; line: number }>;
}

/** Reads every `.ts` file under `dir` (relative to `root`) and the references between them. */
export function readSourceGraph(root: string, dir: string): SourceGraph {
  const files = tsFilesUnder(root, dir);
  const known = new Set(files);
  const graph: SourceGraph = { files, edges: [], unresolved: [], external: [] };
  for (const from of files) {
    for (const ref of importsOf(readFileSync(join(root, from), 'utf8'))) {
      if (!ref.specifier.startsWith('.')) {
        graph.external.push({ from, specifier: ref.specifier, line: ref.line });
        continue;
      }
      const to = resolve(from, ref.specifier, known);
      if (to === undefined) graph.unresolved.push({ from, specifier: ref.specifier, line: ref.line });
      else graph.edges.push({ from, to, typeOnly: ref.typeOnly, line: ref.line });
    }
  }
  return graph;
}

function tsFilesUnder(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true })
    .flatMap((entry) => {
      const path = posix.join(dir, entry.name);
      if (entry.isDirectory()) return tsFilesUnder(root, path);
      return entry.name.endsWith('.ts') ? [path] : [];
    })
    .sort();
}

/** NodeNext specifiers name the emitted `.js`; the source is the `.ts` beside it (or a folder's index). */
function resolve(from: string, specifier: string, known: Set<string>): string | undefined {
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates = [target.replace(/\.js$/, '.ts'), `${target}.ts`, `${target}/index.ts`, target];
  return candidates.find((candidate) => known.has(candidate));
}

/**
 * The import cycles: strongly connected components (Tarjan) of more than one
 * file, or of one file importing itself. Each lists its files and its edges.
 */
export function importCycles(graph: SourceGraph): Array<{ files: string[]; edges: Edge[] }> {
  const out = new Map<string, Edge[]>();
  for (const edge of graph.edges) out.set(edge.from, [...(out.get(edge.from) ?? []), edge]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: Array<{ files: string[]; edges: Edge[] }> = [];

  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const { to } of out.get(file) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(file, Math.min(low.get(file)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(file, Math.min(low.get(file)!, index.get(to)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component = new Set<string>();
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.add(member);
    } while (member !== file);
    const edges = graph.edges.filter((edge) => component.has(edge.from) && component.has(edge.to));
    if (component.size > 1 || edges.length > 0) cycles.push({ files: [...component].sort(), edges });
  };

  for (const file of graph.files) if (!index.has(file)) visit(file);
  return cycles;
}
