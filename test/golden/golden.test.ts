import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { runPipeline } from '../../src/pipeline';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic';
import { listFiles } from '../../src/util/list-files';

/**
 * Golden fixtures, one per version profile: `test/fixtures/golden/N-name/input/{clusters,routes}` renders to
 * exactly the files in `expected/`. Refresh after an intended change with `npm run test:update-golden` and
 * review the diff.
 */
const GOLDEN = join(__dirname, '..', 'fixtures', 'golden');
const UPDATE = process.env.KFAAS_UPDATE_GOLDEN === '1';

function readTree(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

const cases = readdirSync(GOLDEN).filter((n) => existsSync(join(GOLDEN, n, 'input'))).sort();

describe('golden fixtures', () => {
  test.each(cases)('%s', (name) => {
    // GIVEN a fixture project
    const root = join(GOLDEN, name, 'input');
    const expectedDir = join(GOLDEN, name, 'expected');

    // WHEN it is rendered in memory
    const result = runPipeline({ root, write: false });

    // THEN it renders without errors, to exactly the expected files
    expect(result.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    const tree = result.tree!;
    if (UPDATE) {
      rmSync(expectedDir, { recursive: true, force: true });
      for (const [path, text] of tree) {
        mkdirSync(dirname(join(expectedDir, path)), { recursive: true });
        writeFileSync(join(expectedDir, path), text);
      }
    }
    const expected = readTree(expectedDir);
    expect([...tree.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [path, text] of tree) expect({ path, text }).toEqual({ path, text: expected.get(path) });
  });

  test('every version profile has a fixture', () => {
    // The profiles kfaas distinguishes: VS apiVersion x local gateway generation x per-destination authority.
    expect(cases.length).toBeGreaterThanOrEqual(5);
  });
});
