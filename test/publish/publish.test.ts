import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { diffTree, publishTree } from '../../src/publish/publish';

let base: string;
let out: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'kfaas-publish-'));
  out = join(base, 'dist');
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

function tree(entries: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(entries));
}

function listAll(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string, prefix: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) {
        found.push(rel + '/');
        walk(join(d, e.name), rel);
      } else found.push(rel);
    }
  };
  walk(dir, '');
  return found.sort();
}

const T1 = tree({
  'c1/alpha/kustomization.yaml': 'k: 1\n',
  'c1/alpha/service-a.yaml': 's: a\n',
  'c2/prod/kustomization.yaml': 'k: 2\n',
});

describe('publishTree', () => {
  test('writes a new tree, creating folders', () => {
    // WHEN
    const report = publishTree(out, T1);
    // THEN
    expect(report).toEqual({ written: [...T1.keys()].sort(), deleted: [], unchanged: 0 });
    for (const [p, text] of T1) expect(readFileSync(join(out, p), 'utf8')).toBe(text);
    expect(listAll(out)).toEqual(['c1/', 'c1/alpha/', 'c1/alpha/kustomization.yaml', 'c1/alpha/service-a.yaml', 'c2/', 'c2/prod/', 'c2/prod/kustomization.yaml']);
  });

  test('a no-change run rewrites nothing: same inode, same mtime', () => {
    // GIVEN a published tree with old mtimes
    publishTree(out, T1);
    const old = new Date(2000, 0, 1);
    for (const p of T1.keys()) utimesSync(join(out, p), old, old);
    const before = new Map([...T1.keys()].map((p) => [p, statSync(join(out, p))]));
    // WHEN
    const report = publishTree(out, T1);
    // THEN
    expect(report).toEqual({ written: [], deleted: [], unchanged: 3 });
    for (const p of T1.keys()) {
      const s = statSync(join(out, p));
      expect({ p, ino: s.ino, mtime: s.mtimeMs }).toEqual({ p, ino: before.get(p)!.ino, mtime: before.get(p)!.mtimeMs });
    }
  });

  test('only changed files are replaced, by rename (new inode), and no temporary file is left', () => {
    publishTree(out, T1);
    const unchangedIno = statSync(join(out, 'c1/alpha/kustomization.yaml')).ino;
    const changedIno = statSync(join(out, 'c1/alpha/service-a.yaml')).ino;
    // WHEN
    const report = publishTree(out, tree({ ...Object.fromEntries(T1), 'c1/alpha/service-a.yaml': 's: b\n' }));
    // THEN
    expect(report.written).toEqual(['c1/alpha/service-a.yaml']);
    expect(report.unchanged).toBe(2);
    expect(readFileSync(join(out, 'c1/alpha/service-a.yaml'), 'utf8')).toBe('s: b\n');
    expect(statSync(join(out, 'c1/alpha/kustomization.yaml')).ino).toBe(unchangedIno);
    expect(statSync(join(out, 'c1/alpha/service-a.yaml')).ino).not.toBe(changedIno);
    expect(listAll(out).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  test('stale manifests and then empty folders go; non-manifest files and their folders stay', () => {
    // GIVEN an old tree plus files kfaas does not own
    publishTree(out, tree({ ...Object.fromEntries(T1), 'old/gone/kustomization.yaml': 'x\n', 'old/gone/vs.yml': 'y\n', 'c1/alpha/extra.json': '{}' }));
    writeFileSync(join(out, 'README.md'), 'hello\n');
    writeFileSync(join(out, 'c2', '.gitkeep'), '');
    mkdirSync(join(out, 'docs'));
    writeFileSync(join(out, 'docs', 'notes.txt'), 'keep\n');
    // WHEN the new tree drops c2/prod and old/gone
    const report = publishTree(out, tree({ 'c1/alpha/kustomization.yaml': 'k: 1\n', 'c1/alpha/service-a.yaml': 's: a\n' }));
    // THEN
    expect(report.deleted).toEqual(['c1/alpha/extra.json', 'c2/prod/kustomization.yaml', 'old/gone/kustomization.yaml', 'old/gone/vs.yml']);
    expect(listAll(out)).toEqual([
      'README.md',
      'c1/',
      'c1/alpha/',
      'c1/alpha/kustomization.yaml',
      'c1/alpha/service-a.yaml',
      'c2/',
      'c2/.gitkeep',
      'docs/',
      'docs/notes.txt',
    ]);
  });

  test('never touches anything outside outDir, even through a symlinked folder', () => {
    // GIVEN a folder outside with a manifest, linked from inside outDir
    const outside = join(base, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'precious.yaml'), 'precious\n');
    mkdirSync(out);
    symlinkSync(outside, join(out, 'c9'));
    writeFileSync(join(base, 'sibling.yaml'), 'sibling\n');
    // WHEN a tree that does not contain c9 is published
    publishTree(out, T1);
    // THEN the link and what it points at are untouched
    expect(readFileSync(join(outside, 'precious.yaml'), 'utf8')).toBe('precious\n');
    expect(existsSync(join(out, 'c9'))).toBe(true);
    expect(readFileSync(join(base, 'sibling.yaml'), 'utf8')).toBe('sibling\n');
    // AND a tree writing into the symlinked folder is refused before anything is written there
    expect(() => publishTree(out, tree({ 'c9/alpha/x.yaml': 'x\n' }))).toThrow(/outside the output folder/);
    expect(readdirSync(outside)).toEqual(['precious.yaml']);
  });

  test.each(['../escape.yaml', '/abs.yaml', 'a/../../b.yaml', 'a//b.yaml', 'a\\b.yaml', ''])('refuses the tree path %p', (p) => {
    expect(() => publishTree(out, tree({ [p]: 'x\n' }))).toThrow(/refusing to publish/);
    expect(existsSync(join(base, 'escape.yaml'))).toBe(false);
  });

  test('a failed rename leaves the old file and no temporary file', () => {
    publishTree(out, T1);
    expect(() =>
      publishTree(out, tree({ ...Object.fromEntries(T1), 'c1/alpha/service-a.yaml': 'new\n' }), {
        beforeRename: () => {
          throw new Error('simulated crash');
        },
      }),
    ).toThrow('simulated crash');
    expect(readFileSync(join(out, 'c1/alpha/service-a.yaml'), 'utf8')).toBe('s: a\n');
    expect(listAll(out).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  test('a temporary file left by a killed run is removed as stale output', () => {
    publishTree(out, T1);
    writeFileSync(join(out, 'c1/alpha/.service-a.yaml.kfaas-123-0.tmp.yaml'), 'partial');
    expect(publishTree(out, T1).deleted).toEqual(['c1/alpha/.service-a.yaml.kfaas-123-0.tmp.yaml']);
  });
});

describe('diffTree', () => {
  test('lists what publishTree would write and delete, changing nothing', () => {
    publishTree(out, T1);
    const before = listAll(out);
    const next = tree({ 'c1/alpha/kustomization.yaml': 'k: 1\n', 'c1/alpha/service-a.yaml': 'changed\n', 'c3/x/kustomization.yaml': 'n\n' });
    expect(diffTree(out, next)).toEqual({
      write: ['c1/alpha/service-a.yaml', 'c3/x/kustomization.yaml'],
      delete: ['c2/prod/kustomization.yaml'],
      unchanged: 1,
    });
    expect(listAll(out)).toEqual(before);
  });

  test('a missing outDir means everything is to be written', () => {
    expect(diffTree(join(base, 'nope'), T1)).toEqual({ write: [...T1.keys()].sort(), delete: [], unchanged: 0 });
    expect(existsSync(join(base, 'nope'))).toBe(false);
  });
});
