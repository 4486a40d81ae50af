import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'fs';
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

  test('a damaged memo file is an empty memo', () => {
    run();
    writeFileSync(join(dir, 'cache', 'file-stats.json'), '{ not json');
    expect(run()).toEqual({ hash: sha('prefix: /a/\n'), read: true });
    expect(readFileSync(file, 'utf8')).toBe('prefix: /a/\n');
  });
});
