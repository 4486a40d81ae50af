import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ShardedStore } from '../../src/cache/sharded-store';

/**
 * Whether a save keeps the entries a run did not use is one decision for the whole store: a shard holds a handful
 * of entries, too few to tell a partial run (kfaas explain) from a full one. Decided per shard, a partial run that
 * used one key dropped every other key of that key's shard.
 */
let base: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'kfaas-sharded-'));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const same = (a: string, b: string): boolean => a === b;
const partialRunKeeps = (stored: number, used: number): boolean => used * 2 < stored;

/** The shard file a key alone is written to (found by writing it). */
function shardFileOf(key: string): string {
  const dir = mkdtempSync(join(base, 'probe-'));
  new ShardedStore<string>(dir, 't').save(new Map([[key, 'v']]), same, () => false);
  const [file] = readdirSync(dir);
  rmSync(dir, { recursive: true, force: true });
  return file;
}

test('a partial run keeps the unused entries of the shard its one key falls in', () => {
  const target = shardFileOf('new-key');
  const neighbour = Array.from({ length: 2000 }, (_, i) => `key-${i}`).find((k) => shardFileOf(k) === target)!;
  expect(neighbour).toBeDefined();
  const others = Array.from({ length: 40 }, (_, i) => `other-${i}`).filter((k) => k !== neighbour);
  const dir = join(base, 'store');
  new ShardedStore<string>(dir, 't').save(new Map([neighbour, ...others].map((k) => [k, `v-${k}`])), same, partialRunKeeps);

  // WHEN a later run uses one new key only, in the neighbour's shard
  new ShardedStore<string>(dir, 't').save(new Map([['new-key', 'v-new']]), same, partialRunKeeps);

  // THEN every entry is still there
  const reopened = new ShardedStore<string>(dir, 't');
  for (const k of [neighbour, ...others]) expect({ k, v: reopened.get(k) }).toEqual({ k, v: `v-${k}` });
  expect(reopened.get('new-key')).toBe('v-new');
});

test('a full run drops what it did not use, in every shard', () => {
  const dir = join(base, 'store');
  const keys = Array.from({ length: 40 }, (_, i) => `k-${i}`);
  new ShardedStore<string>(dir, 't').save(new Map(keys.map((k) => [k, k])), same, partialRunKeeps);
  const kept = keys.slice(0, 30);
  new ShardedStore<string>(dir, 't').save(new Map(kept.map((k) => [k, k])), same, partialRunKeeps);
  const reopened = new ShardedStore<string>(dir, 't');
  expect(keys.filter((k) => reopened.get(k) !== undefined)).toEqual(kept);
});
