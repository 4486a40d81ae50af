import { readdirSync, readFileSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import * as ts from 'typescript';

/**
 * The import graph of src/ has no cycle: stages depend one way (ARCHITECTURE.md), and inside a stage no two
 * files need each other. Read with the TypeScript compiler's own parser (import and export-from statements;
 * `import type` is left out: it names a shape another stage produces and loads nothing, e.g. explain's view of a
 * compiled EnvironmentTable).
 */
const SRC = resolve(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

function importsOf(file: string, known: ReadonlySet<string>): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly) continue;
    const spec = (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) ? statement.moduleSpecifier : undefined;
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) continue;
    const base = resolve(dirname(file), spec.text);
    const target = [`${base}.ts`, join(base, 'index.ts')].find((f) => known.has(f));
    if (target) out.push(target);
  }
  return out;
}

/** Every cycle's files (strongly connected components with more than one file, or a file importing itself). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('import graph of src/', () => {
  const files = sourceFiles(SRC);
  const known = new Set(files);
  const graph = new Map(files.map((f) => [f, importsOf(f, known)]));

  test('is read: the files import each other', () => {
    expect(files.length).toBeGreaterThan(100);
    expect([...graph.values()].flat().length).toBeGreaterThan(files.length);
  });

  test('src/load/ has no cycle: its files can be read and tested one by one', () => {
    const load = new Map([...graph].filter(([f]) => f.startsWith(join(SRC, 'load'))));
    expect(cycles(load).map((c) => c.map((f) => relative(SRC, f)))).toEqual([]);
  });

  test('the stages (folders of src/) depend one way', () => {
    const stageOf = (f: string): string => relative(SRC, f).split('/')[0].replace(/\.ts$/, '');
    const stages = new Map<string, string[]>();
    for (const [f, targets] of graph) {
      const from = stageOf(f);
      stages.set(from, [...new Set([...(stages.get(from) ?? []), ...targets.map(stageOf).filter((s) => s !== from)])]);
    }
    expect(cycles(stages)).toEqual([]);
  });

  test('the cycle finder finds one', () => {
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
  });
});
