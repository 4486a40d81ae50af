import { readdirSync, readFileSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import * as ts from 'typescript';

/**
 * The import graph of src/ has no cycle: stages depend one way (ARCHITECTURE.md), and no two files need each other,
 * not even for types: a type-only cycle still means neither file can be read or changed alone. Read with the
 * TypeScript compiler's own parser: import and export-from statements (`import type` included), `import('./x')`
 * types, and the CLI's lazy `require('./x')`.
 */
const SRC = resolve(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

function importsOf(file: string, known: ReadonlySet<string>): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out = new Set<string>();
  const add = (spec: string): void => {
    if (!spec.startsWith('.')) return;
    const base = resolve(dirname(file), spec);
    const target = [`${base}.ts`, join(base, 'index.ts')].find((f) => known.has(f));
    if (target) out.add(target);
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text);
    }
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) add(node.argument.literal.text);
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require' && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      add(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return [...out];
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

  test('src/ has no cycle, counting type-only imports: each file can be read and tested without the ones that use it', () => {
    expect(cycles(graph).map((c) => c.map((f) => relative(SRC, f)))).toEqual([]);
  });

  test('the reader sees type-only imports, import() types and require()', () => {
    const edges = (file: string): string[] => (graph.get(join(SRC, file)) ?? []).map((f) => relative(SRC, f));
    // `import type { DomainTable }`-style edges and the CLI's lazy require('./synth')
    expect(edges('cli/main.ts')).toEqual(expect.arrayContaining(['cli/synth.ts', 'cli/validate.ts']));
    const typeOnly = files.filter((f) => /^import type /m.test(readFileSync(f, 'utf8')));
    expect(typeOnly.length).toBeGreaterThan(0);
    for (const f of typeOnly.slice(0, 5)) expect(graph.get(f)!.length).toBeGreaterThan(0);
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
