import { join, relative, resolve } from 'path';
import { readExportUsage, starExported } from './export-usage';

/**
 * Every export under src/ is used outside its file (by src/ or by a test): an export nobody imports is either
 * dead code or a name that should be private to its file. Types that another export of the same file mentions
 * (a parameter or result type of an exported function, a construct's props) are part of that export's shape and
 * may stay exported.
 */
const REPO = resolve(__dirname, '..', '..');
const SRC = join(REPO, 'src');

/** Files whose exports are an interface to something outside the TypeScript sources, with the reason. */
const ENTRY_POINTS: Readonly<Record<string, string>> = {
  'src/index.ts': "the package's public API (package.json main): what it exports, and all it re-exports, is for other programs",
  'src/cdk8s-app.ts': 'the entry point `cdk8s synth` runs (cdk8s.yaml app)',
};

describe('exports under src/', () => {
  const usage = readExportUsage([SRC, join(REPO, 'test')]);
  const publicApi = new Map<string, Set<string>>();
  for (const entry of Object.keys(ENTRY_POINTS)) {
    for (const [file, names] of starExported(usage, join(REPO, entry))) publicApi.set(file, new Set([...(publicApi.get(file) ?? []), ...names]));
  }

  test('are read: many files export and import', () => {
    const srcFiles = usage.files.filter((f) => f.startsWith(SRC));
    expect(srcFiles.length).toBeGreaterThan(150);
    expect([...usage.used.values()].reduce((n, s) => n + s.size, 0)).toBeGreaterThan(500);
    // the reader follows the ways src/ imports: named, `export * from`, and require() in the CLI's lazy commands
    expect(usage.used.get(join(SRC, 'cli', 'synth.ts'))?.has('synthCommand')).toBe(true);
    expect(usage.used.get(join(SRC, 'regex', 'language.ts'))?.size).toBeGreaterThan(0);
  });

  test('each is used outside its file (or is part of the shape of one that is)', () => {
    const unused: string[] = [];
    for (const [file, names] of usage.exported) {
      if (!file.startsWith(SRC) || ENTRY_POINTS[relative(REPO, file)] !== undefined) continue;
      for (const name of names) {
        if (usage.used.get(file)?.has(name) || usage.inExportedShapes.get(file)?.has(name) || publicApi.get(file)?.has(name)) continue;
        unused.push(`${relative(REPO, file)}: ${name}`);
      }
    }
    expect(unused.sort()).toEqual([]);
  });

  test.each(Object.entries(ENTRY_POINTS))('the entry point %s exists and says why (%s)', (file, reason) => {
    expect(usage.exported.has(join(REPO, file))).toBe(true);
    expect(reason.length).toBeGreaterThan(20);
  });
});
