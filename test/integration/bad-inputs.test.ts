import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { main } from '../../src/cli/main';
import { CliIo } from '../../src/cli/io';
import { CORPUS_SETUP } from '../support/corpus-setup';
import { listFiles } from '../../src/util/list-files';

/**
 * Every bad input, through the real CLI entry (`kfaas synth`): exit 2, every expected diagnostic at once, no
 * stack trace, and dist/ left byte-for-byte (and mtime-for-mtime) as it was.
 *
 * Two corpora: `fixtures/bad/` (files and documents: the loader's) and `fixtures/bad-routing/` (conflicts,
 * ownership, versions, layouts: the compiler's). Refresh `bad-routing` expectations with KFAAS_UPDATE_GOLDEN=1.
 */
const FIXTURES = join(__dirname, '..', 'fixtures');
const UPDATE = process.env.KFAAS_UPDATE_GOLDEN === '1';

const cases = ['bad', 'bad-routing'].flatMap((corpus) =>
  readdirSync(join(FIXTURES, corpus))
    .filter((n) => /^\d\d-/.test(n))
    .sort()
    .map((name) => [`${corpus}/${name}`, corpus, name] as const),
);

/** A dist/ as a previous good run left it: content and mtimes to compare against. */
const PREVIOUS_DIST: Record<string, string> = {
  'c1/alpha/kustomization.yaml': 'resources:\n  - virtualservice-old.yaml\n',
  'c1/alpha/virtualservice-old.yaml': '# an earlier good render\nkind: VirtualService\n',
  'stale/prod/service-x.yaml': 'kind: Service\n',
};

function snapshot(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((f) => [f, `${statSync(join(dir, f)).mtimeMs}|${readFileSync(join(dir, f), 'base64')}`]));
}

describe('bad inputs through kfaas synth', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'kfaas-cli-bad-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test.each(cases)('%s', (_label, corpus, name) => {
    // GIVEN a bad project with a dist/ from an earlier good run
    const root = join(scratch, corpus, name);
    cpSync(join(FIXTURES, corpus, name), root, { recursive: true, filter: (src) => !src.endsWith('expected.txt') });
    CORPUS_SETUP[name]?.(root);
    for (const [path, text] of Object.entries(PREVIOUS_DIST)) {
      mkdirSync(join(root, 'dist', path, '..'), { recursive: true });
      writeFileSync(join(root, 'dist', path), text);
    }
    const before = snapshot(join(root, 'dist'));

    // WHEN kfaas synth runs on it
    let stderr = '';
    let stdout = '';
    const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd: root };
    const status = main(['synth', '--root', root], io);

    return status.then((code) => {
      // THEN it fails as a user error with every diagnostic, no stack trace, and dist/ untouched
      expect(code).toBe(2);
      expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
      expect(stderr).toMatch(/kfaas: \d+ error\(s\)/);
      const lines = stderr.split('\n').filter((l) => l !== '' && !/^kfaas: \d+ error/.test(l));
      const expectedFile = join(FIXTURES, corpus, name, 'expected.txt');
      if (UPDATE && corpus === 'bad-routing') writeFileSync(expectedFile, lines.map((l) => `${l}\n`).join(''));
      const expected = readFileSync(expectedFile, 'utf8').split('\n').filter((l) => l !== '');
      for (const line of expected) expect(lines).toContain(line);
      expect(lines.filter((l) => !l.includes('warning:')).length).toBe(expected.filter((l) => !l.includes('warning:')).length);
      expect(snapshot(join(root, 'dist'))).toEqual(before);
      expect(stdout).toBe('');
    });
  });

  test('the corpus covers at least 40 cases across every class', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(cases.filter(([, corpus]) => corpus === 'bad-routing').length).toBeGreaterThanOrEqual(10);
  });
});
