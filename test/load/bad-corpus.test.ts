import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic';
import { CORPUS_SETUP } from '../support/corpus-setup';
import { loadProject } from '../../src/load/load-project';

/**
 * The bad-input corpus: each `test/fixtures/bad/<NN-name>/` is a tiny project with one kind of mistake, and
 * `expected.txt` holds every diagnostic the loader must report, formatted as editors and CI show them.
 * Refresh with `KFAAS_UPDATE_GOLDEN=1 npx jest test/load`, then read every changed message: it must say what is
 * wrong and what was expected.
 */
const CORPUS = join(__dirname, '..', 'fixtures', 'bad');
const UPDATE = process.env.KFAAS_UPDATE_GOLDEN === '1';

const cases = readdirSync(CORPUS).filter((n) => /^\d\d-/.test(n)).sort();

describe('bad-input corpus', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'kfaas-bad-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test.each(cases)('%s', (name) => {
    // GIVEN a copy of the fixture project, with what git cannot hold added
    const root = join(scratch, name);
    cpSync(join(CORPUS, name), root, { recursive: true, filter: (src) => !src.endsWith('expected.txt') });
    CORPUS_SETUP[name]?.(root);

    // WHEN it is loaded
    const { diagnostics } = loadProject(root);

    // THEN it reports exactly the expected diagnostics
    const actual = diagnostics.map(formatDiagnostic);
    const expectedFile = join(CORPUS, name, 'expected.txt');
    if (UPDATE) writeFileSync(expectedFile, actual.map((line) => `${line}\n`).join(''));
    const expected = existsSync(expectedFile) ? readFileSync(expectedFile, 'utf8').split('\n').filter((l) => l !== '') : [];
    expect(actual).toEqual(expected);
    expect(actual.length).toBeGreaterThan(0);
  });

  test('covers at least 35 kinds of mistakes', () => {
    expect(cases.length).toBeGreaterThanOrEqual(35);
  });
});
