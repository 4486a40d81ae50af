import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'fs';
import { spawnSync } from 'child_process';
import { tmpdir } from 'os';
import { join } from 'path';
import { main } from '../../src/cli/main';
import { CliIo } from '../../src/cli/io';
import { listFiles } from '../../src/util/list-files';
import { Fingerprint, inputKey, lookup, store } from '../../src/cache/synth-cache';
import { StatMemo } from '../../src/cache/stat-memo';

/**
 * The no-change re-run: when inputs, kfaas and dist/ are exactly as the last successful synth left them,
 * `kfaas synth` renders nothing; any change anywhere means a full run.
 */
const EXAMPLE = join(__dirname, '..', '..');
const CACHED = /nothing rendered/;

async function synth(root: string, ...extra: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, cwd: root };
  const code = await main(['synth', '--root', root, ...extra], io);
  return { code, out, err };
}

function mtimes(dir: string): Record<string, number> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, statSync(join(dir, f)).mtimeMs]));
}

describe('synth cache', () => {
  let root: string;
  /** The first run's warnings (the example's gateway-api cluster has some): a cached run replays them. */
  let warnings: string;
  beforeEach(async () => {
    // GIVEN a copy of the example project, synthesized once
    root = mkdtempSync(join(tmpdir(), 'kfaas-cache-'));
    cpSync(join(EXAMPLE, 'clusters'), join(root, 'clusters'), { recursive: true });
    cpSync(join(EXAMPLE, 'routes'), join(root, 'routes'), { recursive: true });
    const first = await synth(root);
    expect(first.code).toBe(0);
    expect(first.out).not.toMatch(CACHED);
    warnings = first.err.split('\n').filter((l) => l.includes(' warning: ')).map((l) => `${l}\n`).join('');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('a re-run with nothing changed renders nothing and touches no file', async () => {
    const before = mtimes(join(root, 'dist'));
    const again = await synth(root);
    expect(again).toEqual({ code: 0, out: expect.stringMatching(CACHED), err: warnings });
    expect(mtimes(join(root, 'dist'))).toEqual(before);
  });

  test.each([
    ['an input file is edited', (r: string) => appendFileSync(join(r, 'routes', 'shop', 'cart.yaml'), '# edited\n')],
    ['an input file is added', (r: string) => writeFileSync(join(r, 'routes', 'shop', 'notes.yaml'), '')],
    ['an output file is edited', (r: string) => appendFileSync(join(r, 'dist', 'sg-test', 'alpha', 'kustomization.yaml'), '# x\n')],
    ['an output file is deleted', (r: string) => unlinkSync(join(r, 'dist', 'sg-test', 'alpha', 'kustomization.yaml'))],
    ['a stray file appears in the output', (r: string) => writeFileSync(join(r, 'dist', 'sg-test', 'alpha', 'extra.yaml'), 'a: 1\n')],
  ])('a full run happens when %s, and restores dist/', async (_what, change) => {
    const before = (await synth(root, '--check')).code;
    expect(before).toBe(0);
    change(root);
    const again = await synth(root);
    expect(again.code).toBe(0);
    expect(again.out).not.toMatch(CACHED);
    expect((await synth(root, '--check')).code).toBe(0);
  });

  test('a failing input is reported even right after a cached run', async () => {
    writeFileSync(join(root, 'routes', 'shop', 'broken.yaml'), 'apiVersion: kfaas/v1\nkind: Route\nmetadata: {name: x}\nspec: {}\n');
    const again = await synth(root);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/routes\/shop\/broken\.yaml:\d+:\d+/);
  });

  test('--no-cache always runs everything', async () => {
    const again = await synth(root, '--no-cache');
    expect(again.code).toBe(0);
    expect(again.out).not.toMatch(CACHED);
  });

  test('another output folder has its own record', async () => {
    const other = await synth(root, '--out', join(root, 'elsewhere'));
    expect(other.out).not.toMatch(CACHED);
    expect((await synth(root, '--out', join(root, 'elsewhere'))).out).toMatch(CACHED);
    expect((await synth(root)).out).toMatch(CACHED);
  });
});

describe('synth cache lookup through the stat memo', () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('output files unchanged by stat are not read; a hand edit that keeps size and modification time still misses', async () => {
    root = mkdtempSync(join(tmpdir(), 'kfaas-cache-memo-'));
    cpSync(join(EXAMPLE, 'clusters'), join(root, 'clusters'), { recursive: true });
    cpSync(join(EXAMPLE, 'routes'), join(root, 'routes'), { recursive: true });
    expect((await synth(root)).code).toBe(0);
    const outDir = join(root, 'dist');
    // a memo that remembers every file (no racy interval), as a run seconds later sees it
    const open = (): StatMemo => StatMemo.open(join(root, '.kfaas-cache'), -60_000);
    const key = (memo: StatMemo): Fingerprint => inputKey(root, { outDir }, memo);
    const first = open();
    store(root, outDir, key(first), [], 'summary');
    expect(lookup(root, outDir, key(first), first)).toBeDefined();
    first.save();
    const second = open();
    expect(lookup(root, outDir, key(second), second)).toBeDefined();
    expect(second.hashed).toBe(0);
    // WHEN an output file changes, keeping its size and modification time
    const file = join(outDir, 'sg-test', 'alpha', 'kustomization.yaml');
    const before = statSync(file, { bigint: true });
    const ref = join(root, 'mtime-ref');
    writeFileSync(ref, '');
    expect(spawnSync('touch', ['-r', file, ref]).status).toBe(0);
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf('resources');
    writeFileSync(file, `${text.slice(0, at)}resourcez${text.slice(at + 'resources'.length)}`);
    expect(spawnSync('touch', ['-r', ref, file]).status).toBe(0);
    const after = statSync(file, { bigint: true });
    expect([after.size, after.mtimeNs]).toEqual([before.size, before.mtimeNs]);
    // THEN the lookup misses (the file's ctime moved: read again)
    const third = open();
    expect(lookup(root, outDir, key(third), third)).toBeUndefined();
    expect(third.hashed).toBe(1);
  });
});
