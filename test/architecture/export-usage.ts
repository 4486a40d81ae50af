import { readdirSync, readFileSync } from 'fs';
import { dirname, join, resolve } from 'path';
import * as ts from 'typescript';

/**
 * Which exports of which file other files use, read with the TypeScript parser alone (no type checker: the whole
 * of src/ and test/ is read in a second or two). A use is an import by name (`import { a }`, `import a`), a
 * property read on a namespace import or on `require('./x')` (`ns.a`, `require('./x').a`, `const { a } =
 * require('./x')`), or a re-export (`export { a } from`); `export * from` passes uses on to the module it names.
 */
export interface ExportUsage {
  /** Every .ts file read. */
  readonly files: readonly string[];
  /** File -> the names it exports itself (not those it re-exports). */
  readonly exported: ReadonlyMap<string, ReadonlySet<string>>;
  /** File -> names other files use from it. */
  readonly used: ReadonlyMap<string, ReadonlySet<string>>;
  /** File -> exported type names mentioned in the declaration of another export of the same file. */
  readonly inExportedShapes: ReadonlyMap<string, ReadonlySet<string>>;
}

export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

function isExported(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/** Names a statement declares, with whether each is a type (interface or type alias). */
function declaredNames(statement: ts.Statement): { name: string; type: boolean }[] {
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [{ name: d.name.text, type: false }] : []));
  }
  if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name) {
    return [{ name: statement.name.text, type: false }];
  }
  if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) return [{ name: statement.name.text, type: true }];
  return [];
}

function identifiersIn(node: ts.Node, out = new Set<string>()): Set<string> {
  if (ts.isIdentifier(node)) out.add(node.text);
  ts.forEachChild(node, (child) => void identifiersIn(child, out));
  return out;
}

/** The expression a value stands for, without parentheses and `as` casts. */
function outer(node: ts.Node): ts.Node {
  let n = node;
  while (n.parent && (ts.isParenthesizedExpression(n.parent) || ts.isAsExpression(n.parent))) n = n.parent;
  return n;
}

export function readExportUsage(roots: readonly string[]): ExportUsage {
  const files = roots.flatMap((r) => sourceFiles(r));
  const known = new Set(files);
  const resolveFrom = (from: string, spec: string): string | undefined => {
    if (!spec.startsWith('.')) return undefined;
    const base = resolve(dirname(from), spec);
    return [`${base}.ts`, join(base, 'index.ts')].find((f) => known.has(f));
  };
  const exported = new Map<string, Set<string>>();
  const types = new Map<string, Set<string>>();
  const stars = new Map<string, string[]>();
  const inExportedShapes = new Map<string, Set<string>>();
  const uses: [string, string][] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const names = new Set<string>();
    const typeNames = new Set<string>();
    const mentioned = new Map<string, Set<string>>();
    for (const statement of source.statements) {
      if (isExported(statement)) {
        for (const d of declaredNames(statement)) {
          names.add(d.name);
          if (d.type) typeNames.add(d.name);
          mentioned.set(d.name, identifiersIn(statement));
        }
      }
      if (ts.isExportDeclaration(statement)) {
        const target = statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
          ? resolveFrom(file, statement.moduleSpecifier.text) : undefined;
        if (!statement.exportClause) {
          if (target) stars.set(file, [...(stars.get(file) ?? []), target]);
        } else if (ts.isNamedExports(statement.exportClause)) {
          for (const e of statement.exportClause.elements) {
            if (target) uses.push([target, (e.propertyName ?? e.name).text]);
            else names.add(e.name.text);
          }
        }
      }
      if (ts.isExportAssignment(statement)) names.add('default');
      if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
        const target = resolveFrom(file, statement.moduleSpecifier.text);
        const clause = statement.importClause;
        if (!target || !clause) continue;
        if (clause.name) uses.push([target, 'default']);
        const bindings = clause.namedBindings;
        if (bindings && ts.isNamedImports(bindings)) for (const e of bindings.elements) uses.push([target, (e.propertyName ?? e.name).text]);
        if (bindings && ts.isNamespaceImport(bindings)) {
          const ns = bindings.name.text;
          const visit = (n: ts.Node): void => {
            if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === ns) uses.push([target, n.name.text]);
            if (ts.isQualifiedName(n) && ts.isIdentifier(n.left) && n.left.text === ns) uses.push([target, n.right.text]);
            ts.forEachChild(n, visit);
          };
          visit(source);
        }
      }
    }
    // require('./x').a, const { a } = require('./x'), and `typeof import('./x')` only to type such a require.
    const visitRequires = (n: ts.Node): void => {
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'require' && n.arguments.length === 1 && ts.isStringLiteral(n.arguments[0])) {
        const target = resolveFrom(file, n.arguments[0].text);
        const at = outer(n);
        if (target && ts.isPropertyAccessExpression(at.parent) && at.parent.expression === at) uses.push([target, at.parent.name.text]);
        if (target && ts.isVariableDeclaration(at.parent) && ts.isObjectBindingPattern(at.parent.name)) {
          for (const e of at.parent.name.elements) {
            const name = e.propertyName ?? e.name;
            if (ts.isIdentifier(name)) uses.push([target, name.text]);
          }
        }
      }
      ts.forEachChild(n, visitRequires);
    };
    visitRequires(source);
    exported.set(file, names);
    types.set(file, typeNames);
    // A type another export of this file mentions is part of that export's shape (a parameter, a result).
    const shapes = new Set<string>();
    for (const [name, ids] of mentioned) for (const t of typeNames) if (t !== name && ids.has(t)) shapes.add(t);
    inExportedShapes.set(file, shapes);
  }
  const used = new Map<string, Set<string>>();
  const use = (file: string, name: string, seen: Set<string>): void => {
    if (seen.has(file)) return;
    seen.add(file);
    if (exported.get(file)?.has(name)) used.set(file, new Set([...(used.get(file) ?? []), name]));
    else for (const target of stars.get(file) ?? []) use(target, name, seen);
  };
  for (const [file, name] of uses) use(file, name, new Set());
  return { files, exported, used, inExportedShapes };
}

/** The names `export * from` in `file` makes public, followed through further stars. */
export function starExported(usage: ExportUsage, file: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement) || statement.exportClause || !statement.moduleSpecifier || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const target = [`${resolve(dirname(file), statement.moduleSpecifier.text)}.ts`, join(resolve(dirname(file), statement.moduleSpecifier.text), 'index.ts')]
      .find((f) => usage.exported.has(f));
    if (!target) continue;
    out.set(target, new Set(usage.exported.get(target)));
    for (const [deeper, names] of starExported(usage, target)) out.set(deeper, names);
  }
  return out;
}
