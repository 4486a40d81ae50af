import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { createHash } from 'crypto';
import { StatMemo } from '../../src/cache/stat-memo';

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
    const shards = (): string[] => readdirSync(join(dir, 'cache', 'file-stats')).map((f) => join(dir, 'cache', 'file-stats', f));
    run();
    expect(shards()).toHaveLength(1);
    writeFileSync(shards()[0], '{ not json');
    expect(run()).toEqual({ hash: sha('prefix: /a/\n'), read: true });
    expect(run().read).toBe(false);
    // another hash for the same stat, written as valid JSON: the file's checksum no longer matches
    const text = readFileSync(shards()[0], 'utf8');
    writeFileSync(shards()[0], text.replace(sha('prefix: /a/\n'), sha('prefix: /z/\n')));
    expect(run()).toEqual({ hash: sha('prefix: /a/\n'), read: true });
    expect(readFileSync(file, 'utf8')).toBe('prefix: /a/\n');
  });

  test('a run that sees few of the remembered files keeps the others; only shards that change are written', () => {
    const others = Array.from({ length: 40 }, (_, i) => join(dir, `other-${i}.yaml`));
    for (const f of others) writeFileSync(f, f);
    const memo = StatMemo.open(join(dir, 'cache'), -60_000);
    for (const f of others) memo.hash(f, statSync(f));
    memo.save();
    const written = (): Map<string, number> =>
      new Map(readdirSync(join(dir, 'cache', 'file-stats')).map((f) => [f, statSync(join(dir, 'cache', 'file-stats', f)).ctimeMs]));
    const before = written();
    // WHEN a later run hashes one file only (a new one)
    expect(run().read).toBe(true);
    // THEN the others are still remembered, and at most the new file's shard was written
    const reopened = StatMemo.open(join(dir, 'cache'), -60_000);
    for (const f of others) reopened.hash(f, statSync(f));
    expect(reopened.hashed).toBe(0);
    const after = written();
    expect([...after].filter(([f, t]) => before.get(f) !== t).length).toBeLessThanOrEqual(1);
  });
});
