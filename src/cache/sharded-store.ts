import { readdirSync, rmSync } from 'fs';
import { join } from 'path';
import { checkedText, readChecked, writeChecked } from './checked-json';

/**
 * A large string-keyed map of the cache kept in 256 files by a hash of the key (`<dir>/<xx>.json`, each a
 * checked-json.ts file of its own), so a run that changes a few entries rewrites a few small files instead of one
 * large one. A shard is read when a key of it is first asked for. A missing, damaged or foreign shard is empty.
 * Only Node built-ins are imported.
 */
export class ShardedStore<V> {
  private readonly shards = new Map<string, Record<string, V>>();

  /** `tag`: shards written under another tag (format, kfaas build) are ignored. */
  public constructor(private readonly dir: string | undefined, private readonly tag: string) {}

  /** The value stored under `key`, if any. */
  public get(key: string): V | undefined {
    const shard = this.shard(shardOf(key));
    return Object.prototype.hasOwnProperty.call(shard, key) ? shard[key] : undefined;
  }

  /**
   * Stores `used` (this run's entries): each shard holding one of them, or holding stored entries, is replaced by
   * `used`'s entries of it, plus its stored entries that `used` does not replace when `keepStored` says so (given
   * how many entries the whole store held and how many this run used: one decision for every shard, since a shard
   * holds too few entries to tell a partial run from a full one), and rewritten only when that differs from what it
   * holds. Never throws.
   */
  public save(used: ReadonlyMap<string, V>, equal: (a: V, b: V) => boolean, keepStored: (stored: number, used: number) => boolean): void {
    if (this.dir === undefined) return;
    const byShard = new Map<string, Map<string, V>>();
    for (const [key, value] of used) {
      const id = shardOf(key);
      let m = byShard.get(id);
      if (!m) byShard.set(id, (m = new Map()));
      m.set(key, value);
    }
    let existing: string[] = [];
    try {
      existing = readdirSync(this.dir).filter((f) => /^[0-9a-f]{2}\.json$/.test(f)).map((f) => f.slice(0, 2));
    } catch {
      existing = [];
    }
    const ids = [...new Set([...byShard.keys(), ...existing])];
    let storedTotal = 0;
    for (const id of ids) storedTotal += Object.keys(this.shard(id)).length;
    const keep = keepStored(storedTotal, used.size);
    for (const id of ids) {
      const stored = this.shard(id);
      const storedKeys = Object.keys(stored);
      const mine = byShard.get(id) ?? new Map<string, V>();
      const entries: Record<string, V> = keep ? { ...stored } : {};
      for (const [key, value] of mine) entries[key] = value;
      const keys = Object.keys(entries);
      const same = keys.length === storedKeys.length && keys.every((k) => Object.prototype.hasOwnProperty.call(stored, k) && equal(stored[k], entries[k]));
      if (same) continue;
      const path = join(this.dir, `${id}.json`);
      try {
        if (keys.length === 0) rmSync(path, { force: true });
        else writeChecked(path, checkedText({ tag: this.tag, entries }));
      } catch {
        // a read-only checkout: slower next time
      }
    }
  }

  private shard(id: string): Record<string, V> {
    let shard = this.shards.get(id);
    if (shard === undefined) {
      const read = this.dir === undefined ? undefined : (readChecked(join(this.dir, `${id}.json`))?.value as { tag?: string; entries?: Record<string, V> } | undefined);
      shard = read?.tag === this.tag && read.entries !== null && typeof read.entries === 'object' ? read.entries : {};
      this.shards.set(id, shard);
    }
    return shard;
  }
}

/** The shard of a key: a byte of its FNV-1a hash (spreads paths and hex keys alike), as two hex digits. */
function shardOf(key: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return ((h >>> 24) ^ (h & 0xff)).toString(16).padStart(2, '0');
}
