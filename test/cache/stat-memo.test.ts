import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { createHash } from 'crypto';
import { StatMemo, statKeyOf } from '../../src/cache/stat-memo';
import { LayeredStore } from '../../src/cache/layered-store';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('StatMemo', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kfaas-stat-memo-'));
    file = join(dir, 'route.yaml');
    writeFileSync(file, 'prefix: /a/\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * Hashes `file` with a memo reopened from disk (a later run), returning the hash and whether it read the file.
   * The racy interval is negative unless given: every file is old enough to be remembered.
   */
  const run = (racyMs = -60_000): { hash: string; read: boolean } => {
    const memo = StatMemo.open(join(dir, 'cache'), racyMs);
    const hash = memo.hash(file, statSync(file));
    memo.save();
    return { hash, read: memo.hashed === 1 };
  };

  test('a file unchanged since it was hashed is not read again', () => {
    expect(run()).toEqual({ hash: sha('prefix: /a/\n'), read: true });
    expect(run()).toEqual({ hash: sha('prefix: /a/\n'), read: false });
  });

  test('a hand edit that keeps size and modification time is read again (its ctime changed)', async () => {
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    run();
    const before = statSync(file);
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(file, 'prefix: /b/\n');
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    expect(statSync(file).size).toBe(before.size);
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
    expect(run()).toEqual({ hash: sha('prefix: /b/\n'), read: true });
  });

  test('a file replaced by another (new inode) or whose mode changed is read again', () => {
    run();
    rmSync(file);
    writeFileSync(file, 'prefix: /c/\n');
    expect(run()).toEqual({ hash: sha('prefix: /c/\n'), read: true });
    chmodSync(file, 0o600);
    expect(run().read).toBe(true);
    expect(run().read).toBe(false);
  });

  test('a file written less than the racy interval before it was hashed is hashed again next time', () => {
    expect(run(60_000).read).toBe(true);
    expect(run(60_000).read).toBe(true);
  });

  test('a damaged memo file is an empty memo, even when it is still valid JSON', () => {
    const files = (): string[] => readdirSync(join(dir, 'cache', 'file-stats')).map((f) => join(dir, 'cache', 'file-stats', f));
    run();
    expect(files()).toHaveLength(1);
    writeFileSync(files()[0], '{ not json');
    expect(run()).toEqual({ hash: sha('prefix: /a/\n'), read: true });
    expect(run().read).toBe(false);
    // another hash for the same stat, written as valid JSON: the file's checksum no longer matches
    const text = readFileSync(files()[0], 'utf8');
    writeFileSync(files()[0], text.replace(sha('prefix: /a/\n'), sha('prefix: /z/\n')));
    expect(run()).toEqual({ hash: sha('prefix: /a/\n'), read: true });
    expect(readFileSync(file, 'utf8')).toBe('prefix: /a/\n');
  });

  test('a run that sees few of the remembered files keeps the others; the base file is not rewritten for one file', () => {
    const others = Array.from({ length: 400 }, (_, i) => join(dir, `other-${i}.yaml`));
    for (const f of others) writeFileSync(f, f);
    const memo = StatMemo.open(join(dir, 'cache'), -60_000);
    for (const f of others) memo.hash(f, statSync(f));
    memo.save();
    const base = join(dir, 'cache', 'file-stats', 'base.lines');
    const before = statSync(base).mtimeMs;
    // WHEN a later run hashes one file only (a new one)
    expect(run().read).toBe(true);
    // THEN the others are still remembered, and only the small delta was written
    const reopened = StatMemo.open(join(dir, 'cache'), -60_000);
    for (const f of others) reopened.hash(f, statSync(f));
    expect(reopened.hashed).toBe(0);
    expect(statSync(base).mtimeMs).toBe(before);
    expect(readdirSync(join(dir, 'cache', 'file-stats')).sort()).toEqual(['base.lines', 'delta.lines']);
  });

  test('known and remember: a hash given for a file read by the caller is trusted next time only while its stat holds', () => {
    const first = StatMemo.open(join(dir, 'cache'), -60_000);
    expect(first.known(file, statSync(file))).toBeUndefined();
    first.remember(file, statSync(file), sha('prefix: /a/\n'));
    first.save();
    const second = StatMemo.open(join(dir, 'cache'), -60_000);
    expect(second.known(file, statSync(file))).toBe(sha('prefix: /a/\n'));
    writeFileSync(file, 'prefix: /b/\n');
    expect(second.known(file, statSync(file))).toBeUndefined();
    // within the racy interval nothing is remembered
    const racy = StatMemo.open(join(dir, 'cache2'), 60_000);
    racy.remember(file, statSync(file), sha('prefix: /b/\n'));
    racy.save();
    expect(StatMemo.open(join(dir, 'cache2'), 60_000).known(file, statSync(file))).toBeUndefined();
  });

  test('an entry is taken only for its exact stat key: one that extends it or differs in any field is not', () => {
    // GIVEN memo entries written as the memo writes them (layered-store.ts), for stat keys near the file's own
    const key = statKeyOf(statSync(file));
    const hash = sha('prefix: /a/\n');
    const write = (entryKey: string, entryHash: string = hash): StatMemo => {
      const cache = mkdtempSync(join(dir, 'cache-'));
      new LayeredStore<readonly [string, string]>(join(cache, 'file-stats'), 'stat-memo 3').save(new Map([[file, [entryKey, entryHash] as const]]), () => false);
      return StatMemo.open(cache);
    };
    expect(write(key).known(file, statSync(file))).toBe(hash);
    expect(write(`${key}0`).known(file, statSync(file))).toBeUndefined();
    expect(write(key.slice(0, -1)).known(file, statSync(file))).toBeUndefined();
    expect(write(`1${key.slice(1)}`).known(file, statSync(file))).toBeUndefined();
    // and a stored hash is returned as stored (a hash the memo did not write is never made up)
    expect(write(key, 'f'.repeat(64)).known(file, statSync(file))).toBe('f'.repeat(64));
  });
});
