import { readdirSync, readFileSync } from 'fs';
import { join, relative, resolve } from 'path';

/**
 * src/util/group-by.ts is the one way src/ groups items by a key: a hand-written `Map<K, T[]>` filled with
 * get-or-create-and-push is a second copy of it (and, written with spreads, a quadratic one).
 */
const SRC = resolve(__dirname, '..', '..', 'src');
const HELPER = join(SRC, 'util', 'group-by.ts');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

/** The shapes hand-written grouping takes in TypeScript. */
const HAND_GROUPING: readonly RegExp[] = [
  // m.set(k, [...(m.get(k) ?? []), item])
  /(\w+)\.set\(([^,]+), \[\.\.\.\(\1\.get\(\2\) \?\? \[\]\)/,
  // if (list) list.push(item); else m.set(k, [item]);
  /else (\w+)\.set\([^,]+, \[[^\]]+\]\)/,
  // const list = m.get(k) ?? []; list.push(item); m.set(k, list);
  /const (\w+) = (\w+)\.get\(([^)]+)\) \?\? \[\];\s*\n(?:.*\n)?\s*(?:if \(.*\) )?\1\.push\([^)]*\);\s*\n\s*\2\.set\(\3, \1\)/,
];

function handGrouping(text: string): string[] {
  return HAND_GROUPING.flatMap((pattern) => {
    const m = pattern.exec(text);
    return m ? [m[0].split('\n')[0].trim()] : [];
  });
}

describe('grouping in src/', () => {
  test('the patterns find hand-written grouping', () => {
    expect(handGrouping('m.set(k, [...(m.get(k) ?? []), a]);')).toHaveLength(1);
    expect(handGrouping('if (g) g.push(e);\n    else groups.set(r, [e]);')).toHaveLength(1);
    expect(handGrouping('const list = hosts.get(e.name) ?? [];\n      if (!list.includes(c)) list.push(c);\n      hosts.set(e.name, list);')).toHaveLength(1);
    expect(handGrouping('const list = rules.get(route) ?? [];\n    list.push(rule);\n    rules.set(route, list);')).toHaveLength(1);
    expect(handGrouping('const groups = groupBy(items, (i) => i.key);')).toEqual([]);
  });

  test('goes through src/util/group-by.ts everywhere', () => {
    const found = sourceFiles(SRC)
      .filter((f) => f !== HELPER)
      .flatMap((f) => handGrouping(readFileSync(f, 'utf8')).map((line) => `${relative(SRC, f)}: ${line}`));
    expect(found).toEqual([]);
  });
});
